import { GuichetError } from '../errors.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { TemplateName } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import { compose } from '../mail/compose.js';
import { findTicketByReference } from '../store/tickets.js';
import { SAMPLES, sampleTicket } from '../templates/samples.js';
import type { AppContext } from './context.js';

export interface PreviewOptions {
  name: string;
  locale?: 'fr' | 'en';
  /** A real ticket's facts (reference, customer, deadlines) instead of the sample's. */
  ticket?: string;
}

/**
 * `guichet templates preview`: the whole message as it would be sent, rendered by the
 * same code as real mail, from the sample context or a real ticket's facts. Nothing
 * is queued or sent.
 */
export async function preview(ctx: AppContext, options: PreviewOptions): Promise<{ eml: Buffer; html: string }> {
  const sample = SAMPLES[options.name as TemplateName];
  if (!sample) throw new GuichetError('GUICHET_TEMPLATE_NOT_FOUND', `guichet sends no mail called "${options.name}"; the mails are ${Object.keys(SAMPLES).join(', ')}`);
  let ticket: Ticket = sampleTicket(new Date());
  let facts: Record<string, unknown> = {};
  if (options.ticket) {
    const found = await findTicketByReference(ctx.db, [options.ticket]);
    if (!found) throw new GuichetError('GUICHET_TICKET_NOT_FOUND', `no ticket has the reference ${options.ticket}`);
    ticket = found;
    facts = { level: found.level, status: found.status, category: found.category, orderNumber: found.orderNumber, customerEmail: found.customerEmail, answerBy: found.firstResponseDueAt };
  }
  const variables = Object.fromEntries(Object.entries({ ...sample, ...facts }).filter(([key]) => key in sample));
  const composed = compose(
    ctx.config,
    ctx.renderer,
    ticket,
    {
      template: options.name as TemplateName,
      to: { address: ticket.customerEmail, name: ticket.customerName },
      locale: options.locale ?? ticket.locale,
      automatic: true,
      inReplyTo: null,
      references: [],
      variables,
    },
    ctx.attachmentsDir,
  );
  const eml = await new MailComposer({ ...composed, date: new Date() }).compile().build();
  return { eml, html: composed.html };
}
