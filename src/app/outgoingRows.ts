import type { OutgoingMail } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import { compose } from '../mail/compose.js';
import type { Row } from '../store/sqlRows.js';
import type { HistoryEntry } from '../store/history.js';
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
