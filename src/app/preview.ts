import { GuichetError } from '../errors.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { TemplateName } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import type { Locale } from '../domain/vocabulary.js';
import { compose, type ComposedMail } from '../mail/compose.js';
import { findTicketByReference } from '../store/tickets.js';
import { AUDIENCE, SAMPLES, sampleContext, sampleTicket } from '../templates/samples.js';
import type { AppContext } from './context.js';

export interface PreviewOptions {
  name: string;
  locale?: Locale;
  /** A real ticket's facts (reference, customer, deadlines) instead of the sample's. */
  ticket?: string;
}

export interface Preview {
  /** The whole message, as it would be sent (`--raw`, `--out x.eml`). */
  eml: Buffer;
  html: string;
  /** What a person reads: the headers decoded, then the text part. */
  readable: string;
}

/**
 * `guichet templates preview`: the whole message as it would be sent, rendered by the
 * same code as real mail, from the sample context or a real ticket's facts, and
 * addressed to whom it would go (a team, a seller, an agent, the admins or the
 * customer). Nothing is queued or sent.
 */
export async function preview(ctx: AppContext, options: PreviewOptions): Promise<Preview> {
  const name = options.name as TemplateName;
  if (!SAMPLES[name]) throw new GuichetError('GUICHET_TEMPLATE_NOT_FOUND', `guichet sends no mail called "${options.name}"; the mails are ${Object.keys(SAMPLES).join(', ')}`);
  // The sample customer writes in the preview's language.
  const sampleLocale = options.locale ?? 'fr';
  let ticket: Ticket = { ...sampleTicket(new Date()), locale: sampleLocale, subject: String(sampleContext(name, sampleLocale).subject) };
  let facts: Record<string, unknown> = {};
  if (options.ticket) {
    const found = await findTicketByReference(ctx.db, [options.ticket]);
    if (!found) throw new GuichetError('GUICHET_TICKET_NOT_FOUND', `no ticket has the reference ${options.ticket}`);
    ticket = found;
    facts = { level: found.level, status: found.status, category: found.category, orderNumber: found.orderNumber, customerEmail: found.customerEmail, answerBy: found.firstResponseDueAt };
  }
  const locale = options.locale ?? ticket.locale;
  const sample = sampleContext(name, locale);
  const variables = Object.fromEntries(Object.entries({ ...sample, ...facts }).filter(([key]) => key in SAMPLES[name]));
  const composed = compose(
    ctx.config,
    ctx.renderer,
    ticket,
    { template: name, to: recipient(ctx, name, ticket, sample), locale, automatic: true, inReplyTo: null, references: [], variables },
    ctx.attachmentsDir,
  );
  const eml = await new MailComposer({ ...composed, date: new Date() }).compile().build();
  return { eml, html: composed.html, readable: readable(composed) };
}

/** Whom the mail goes to, from the configuration: the sample customer only for a customer's mail. */
function recipient(ctx: AppContext, name: TemplateName, ticket: Ticket, sample: Record<string, unknown>): { address: string; name: string | null } {
  const { config } = ctx;
  switch (AUDIENCE[name]) {
    case 'team': {
      const address = ctx.policy.teamAddresses[ticket.level] ?? ctx.policy.teamAddresses[1] ?? config.support.address;
      return { address, name: null };
    }
    case 'seller': {
      const seller = config.sellers.find((s) => s.id === ticket.sellerId);
      return seller ? { address: seller.email, name: seller.name } : { address: String(sample.sellerEmail ?? 'vendeur@example.test'), name: String(sample.sellerName ?? '') || null };
    }
    case 'agent': {
      const agent = config.agents.list[0];
      return agent ? { address: agent.email, name: agent.name } : { address: config.support.address, name: null };
    }
    case 'admins':
      return { address: config.admins[0] ?? config.support.address, name: null };
    default:
      return { address: ticket.customerEmail, name: ticket.customerName };
  }
}

function readable(mail: ComposedMail): string {
  const who = (a: { name?: string | null; address: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);
  const lines = [`From: ${who(mail.from)}`, `To: ${who(mail.to)}`, `Subject: ${mail.subject}`];
  // Written as a mail client shows them: X-Guichet-Loop, not x-guichet-loop.
  for (const [header, value] of Object.entries(mail.headers)) lines.push(`${header.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())}: ${value}`);
  if (mail.attachments?.length) lines.push(`Attachments: ${mail.attachments.map((a) => a.filename).join(', ')}`);
  return `${lines.join('\n')}\n\n${mail.text.trimEnd()}\n`;
}
