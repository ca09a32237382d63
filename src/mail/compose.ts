import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { LOOP_HEADER } from '../domain/automatic.js';
import type { OutgoingMail } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import type { TemplateRenderer } from '../templates/renderer.js';
import { attachmentPath } from './attachmentStore.js';

/** A mail ready for nodemailer's sendMail, stored as JSON in the outbox. */
export interface ComposedMail {
  messageId: string;
  from: { name: string; address: string };
  to: { name: string; address: string };
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
  /** Read from the attachment store when the mail is sent, not copied into the outbox. */
  attachments?: { filename: string; contentType: string; path: string; cid?: string }[];
}

export function newMessageId(supportAddress: string): string {
  const domain = supportAddress.split('@')[1] ?? 'guichet.invalid';
  return `<${randomUUID()}@${domain}>`;
}

/**
 * Renders an outgoing mail and gives it its Message-ID now, at queueing time, so a
 * retry after a crash sends the same Message-ID and the recipient's client can
 * recognise the duplicate.
 */
export function compose(config: Config, renderer: TemplateRenderer, ticket: Ticket | null, mail: OutgoingMail, attachmentsDir: string): ComposedMail {
  // A ticket opened on another of our mailboxes is answered from it (its replies come back there).
  const desk = config.mailboxes.find((m) => m.address === ticket?.record.channel);
  // Each mail signs in its own language ("Service client", "Customer service").
  const own = { address: desk?.address ?? config.support.address, name: (desk?.names ?? config.support.names)[mail.locale] ?? config.support.name };
  const rendered = renderer.render(mail.template, mail.locale, {
    ...mail.variables,
    // A mail about no ticket (an agent told why their mail did nothing) has no reference.
    reference: ticket?.reference ?? null,
    subject: ticket?.subject ?? null,
    customerName: ticket?.customerName ?? null,
    supportName: own.name,
    supportAddress: own.address,
  });
  const headers: Record<string, string> = {
    // An admin's headers first: ours below win, so no template can remove the loop guard.
    ...rendered.headers,
    [LOOP_HEADER]: config.support.address,
    ...(ticket ? { 'X-Guichet-Ticket': ticket.reference } : {}),
  };
  if (mail.automatic) {
    // RFC 3834 §5: mark our automatic answers so other robots do not answer them;
    // X-Auto-Response-Suppress asks Exchange for the same courtesy.
    headers['Auto-Submitted'] = 'auto-replied';
    headers['X-Auto-Response-Suppress'] = 'All';
  }
  const subject = !ticket || rendered.subject.includes(`[${ticket.reference}]`) ? rendered.subject : `[${ticket.reference}] ${rendered.subject}`;
  return {
    messageId: newMessageId(own.address),
    from: { name: mail.fromName ?? own.name, address: own.address },
    to: { name: mail.to.name ?? '', address: mail.to.address },
    replyTo: own.address,
    subject,
    text: rendered.text,
    html: rendered.html,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length > 0 ? { references: mail.references } : {}),
    headers,
    ...(mail.attachments && mail.attachments.length > 0
      ? {
          attachments: mail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            path: attachmentPath(attachmentsDir, a.sha256),
          })),
        }
      : {}),
  };
}
