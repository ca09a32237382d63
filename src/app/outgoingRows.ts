import type { OutgoingMail } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import { compose } from '../mail/compose.js';
import type { Row } from '../store/sqlRows.js';
import { ticketHistory, type HistoryEntry } from '../store/history.js';
import type { DecisionRows } from '../store/decisionWriter.js';
import type { Transaction } from '../store/db.js';
import type { AppContext } from './context.js';

export interface OutgoingRows {
  messageId: string;
  /** For the outbox table, without its ticket_id. */
  outbox: Row;
  /** For the messages table, without its ticket_id and inbound_id: what the ticket's history shows. */
  message: Row;
}

/**
 * Renders one outgoing mail and gives the two rows that queue and record it: the
 * outbox row holds the envelope and headers, the message row the bodies, written once
 * (twice was a large part of each group's statements; see docs/performance.md). The
 * dossier, when asked for, is the ticket's history as the store had it. A mail about no
 * ticket gets no message row (only its outbox row is written).
 */
export function outgoingRows(ctx: AppContext, ticket: Ticket | null, outgoing: OutgoingMail, now: Date, history: HistoryEntry[] = []): OutgoingRows {
  const mail = outgoing.dossier ? { ...outgoing, variables: { ...outgoing.variables, history } } : outgoing;
  const composed = compose(ctx.config, ctx.renderer, ticket, mail, ctx.attachmentsDir);
  // The bodies are kept once, in the message row; the sender reads them from there.
  const { text, html, ...envelope } = composed;
  return {
    messageId: composed.messageId,
    outbox: {
      message_id: composed.messageId,
      kind: outgoing.template,
      recipient: outgoing.to.address,
      // Without a ticket there is no history to keep the bodies in: the outbox row carries them.
      mail: JSON.stringify(ticket ? envelope : composed),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    },
    message: {
      direction: 'out',
      message_id: composed.messageId,
      from_address: composed.from.address,
      from_name: composed.from.name,
      to_addresses: JSON.stringify([composed.to.address]),
      subject: composed.subject,
      text,
      html,
      automatic: null,
      template: outgoing.template,
      created_at: now,
    },
  };
}

/**
 * Renders the mails decided on for tickets already in the store and adds their rows
 * to `rows`; dossiers read each ticket's history once, as the store has it.
 */
export async function queueOutgoing(ctx: AppContext, transaction: Transaction, rows: DecisionRows, outgoing: { ticket: Ticket; mail: OutgoingMail }[], now: Date): Promise<void> {
  const dossiers = new Map<number, HistoryEntry[]>();
  for (const id of new Set(outgoing.filter((o) => o.mail.dossier).map((o) => o.ticket.id!))) dossiers.set(id, await ticketHistory(ctx.db, transaction, id));
  for (const o of outgoing) {
    const queued = outgoingRows(ctx, o.ticket, o.mail, now, dossiers.get(o.ticket.id!) ?? []);
    rows.messages.push({ ...queued.message, ticketRef: o.ticket.reference, inboundSha: null });
    rows.outbox.push({ ...queued.outbox, ticketRef: o.ticket.reference });
  }
}
