import { GuichetError } from '../errors.js';
import type { Ticket } from '../domain/ticket.js';
import type { Database } from '../store/db.js';
import { findTicketByReference, listTickets } from '../store/tickets.js';
import { ticketRecord } from '../store/history.js';

/**
 * The stable JSON shapes of `tickets list --json` and `tickets show --json`
 * (documented in docs/cli.md). Field names are part of the interface: add, never rename.
 */
export interface TicketSummaryJson {
  reference: string;
  status: string;
  level: number;
  priority: string;
  assignee: string | null;
  hold_until: string | null;
  category: string;
  order_number: string | null;
  locale: string;
  subject: string;
  customer: { email: string; name: string | null };
  opened_at: string;
  first_response_due_at: string | null;
  first_response_at: string | null;
  updated_at: string;
}

export interface TicketDetailJson extends TicketSummaryJson {
  participants: string[];
  messages: {
    direction: 'in' | 'out';
    message_id: string;
    from: string;
    to: string[];
    subject: string;
    text: string;
    automatic: string | null;
    template: string | null;
    attachments: { filename: string; content_type: string; size: number; sha256: string }[];
    /** For a mail we sent that a report or our relay said did not arrive: what was said. */
    delivery: { action: 'failed' | 'delayed' | 'complaint'; permanent: boolean; status: string | null; diagnostic: string | null } | null;
    at: string;
  }[];
  /** Addresses our mail did not reach: `permanent` ones get no automatic mail. */
  undeliverable: Record<string, 'permanent' | 'temporary'>;
  events: { type: string; data: Record<string, unknown>; at: string }[];
  outbox: { message_id: string; kind: string; to: string; status: string; attempts: number; last_error: string | null }[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function summary(ticket: Ticket): TicketSummaryJson {
  return {
    reference: ticket.reference,
    status: ticket.status,
    level: ticket.level,
    priority: ticket.priority,
    assignee: ticket.assignee,
    hold_until: iso(ticket.holdUntil),
    category: ticket.category,
    order_number: ticket.orderNumber,
    locale: ticket.locale,
    subject: ticket.subject,
    customer: { email: ticket.customerEmail, name: ticket.customerName },
    opened_at: iso(ticket.openedAt)!,
    first_response_due_at: iso(ticket.firstResponseDueAt),
    first_response_at: iso(ticket.firstResponseAt),
    updated_at: iso(ticket.updatedAt)!,
  };
}

export async function ticketSummaries(db: Database, status?: string): Promise<TicketSummaryJson[]> {
  return (await listTickets(db, status)).map(summary);
}

export async function ticketDetail(db: Database, reference: string): Promise<TicketDetailJson> {
  const ticket = await findTicketByReference(db, [reference.toUpperCase()]);
  if (!ticket) throw new GuichetError('GUICHET_TICKET_NOT_FOUND', `no ticket has the reference ${reference}`);
  const { messages, attachments, events, outbox } = await ticketRecord(db, ticket.id!);
  // The last report about each mail of ours wins: a delay may be followed by a failure.
  const delivery = new Map<string, TicketDetailJson['messages'][number]['delivery']>();
  for (const e of events.filter((e: any) => e.type === 'delivery_failed')) {
    const data = JSON.parse(e.data) as { messageId: string; action: 'failed' | 'delayed' | 'complaint'; permanent: boolean; status: string | null; diagnostic: string | null };
    delivery.set(data.messageId, { action: data.action, permanent: data.permanent, status: data.status, diagnostic: data.diagnostic });
  }
  return {
    ...summary(ticket),
    participants: ticket.participants,
    undeliverable: { ...ticket.undeliverable },
    messages: messages.map((m: any) => ({
      direction: m.direction,
      message_id: m.message_id,
      from: m.from_address,
      to: JSON.parse(m.to_addresses),
      subject: m.subject,
      text: m.text,
      automatic: m.automatic ?? null,
      template: m.template ?? null,
      attachments: attachments
        .filter((a: any) => a.message_id === m.id)
        .map((a: any) => ({ filename: a.filename, content_type: a.content_type, size: a.size, sha256: a.sha256 })),
      delivery: m.direction === 'out' ? (delivery.get(m.message_id) ?? null) : null,
      at: iso(m.created_at)!,
    })),
    events: events.map((e: any) => ({ type: e.type, data: JSON.parse(e.data), at: iso(e.at)! })),
    outbox: outbox.map((o: any) => ({
      message_id: o.message_id,
      kind: o.kind,
      to: o.recipient,
      status: o.status,
      attempts: o.attempts,
      last_error: o.last_error ?? null,
    })),
  };
}
