import type { Transaction } from 'sequelize';
import type { TemplateName } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import type { Database } from './db.js';
import { independent, numbered, placeholders, select, type Row } from './sqlRows.js';
import { ticketFromRow } from './tickets.js';

/** What a group of mails needs to know from the database before deciding, read in a handful of queries. */
export interface GroupLookups {
  /** Every ticket any mail of the group may thread into, by reference. */
  tickets: Map<string, Ticket>;
  /** Message-ID (in or out) -> reference of its ticket; the newest message wins. */
  referenceByMessageId: Map<string, string>;
  /** Message-ID of a mail we sent -> its ticket, recipients and template: what a bounce is about. */
  sent: Map<string, SentMail>;
  /** `customer \n order` -> reference of that customer's newest ticket for the order that is not closed. */
  openReferenceByOrder: Map<string, string>;
  /** The group's senders an agent blocked (`#spam`). */
  blocked: Set<string>;
  /** Mails queued recently, by recipient and by ticket: the acknowledgement limit and the loop budget. */
  recent: { acknowledgements: Map<string, number>; byRecipient: Map<string, number>; byTicket: Map<string, number> };
}

export interface SentMail {
  reference: string;
  to: string[];
  template: TemplateName | null;
}

export interface GroupKeys {
  references: string[];
  messageIds: string[];
  orders: { customer: string; order: string }[];
  /** The addresses the group's mails may be answered at: senders, and the people agents forward. */
  recipients: string[];
  acknowledgementsSince: Date;
  loopWindowSince: Date;
}

export const orderKey = (customer: string, order: string) => `${customer}\n${order}`;

export async function loadGroupLookups(db: Database, transaction: Transaction, keys: GroupKeys): Promise<GroupLookups> {
  const tickets = new Map<string, Ticket>();
  const byId = new Map<number, Ticket>();
  const keep = (rows: Row[]) => {
    for (const row of rows) {
      const ticket = ticketFromRow(row);
      tickets.set(ticket.reference, ticket);
      byId.set(ticket.id!, ticket);
    }
  };
  // PostgreSQL: the tickets a mail may change are locked until commit, so a timer firing
  // on the same ticket in another instance waits instead of being overwritten.
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const references = unique(keys.references);
  const messageIds = unique(keys.messageIds);
  const customers = unique(keys.orders.map((o) => o.customer));
  const orders = unique(keys.orders.map((o) => o.order));
  const recipients = unique(keys.recipients);
  const since = new Date(Math.min(keys.acknowledgementsSince.getTime(), keys.loopWindowSince.getTime()));
  /** A read that is needed only when there is something to look for. */
  const read =
    <T extends Row>(needed: number, sql: string, values: unknown[]) =>
    (): Promise<T[]> =>
      needed === 0 ? Promise.resolve([]) : select<T>(db, transaction, numbered(sql), values);
  // Independent reads: on SQLite one round trip instead of four.
  const [byReference, messages, byOrder, counts, blocked] = await independent(db, [
    // An erased ticket is no one's any more: a mail naming it opens a new one (docs/personal-data.md).
    read(references.length, `SELECT * FROM "tickets" WHERE "reference" IN (${placeholders(references.length)}) AND "erased_at" IS NULL${lock}`, references),
    read<{ message_id: string; ticket_id: number; direction: string; to_addresses: string | null; template: string | null }>(
      messageIds.length,
      `SELECT "message_id", "ticket_id", "direction", "to_addresses", "template" FROM "messages" WHERE "ticket_id" IS NOT NULL AND "message_id" IN (${placeholders(messageIds.length)}) ORDER BY "id"`,
      messageIds,
    ),
    read(
      customers.length,
      `SELECT * FROM "tickets" WHERE "status" NOT IN ('closed', 'spam') AND "customer_email" IN (${placeholders(customers.length)}) AND "order_number" IN (${placeholders(orders.length)}) ORDER BY "id"${lock}`,
      [...customers, ...orders],
    ),
    read<{ recipient: string; acks: number | string; n: number | string }>(
      recipients.length,
      `SELECT "recipient", SUM(CASE WHEN "kind" = 'acknowledgement' AND "created_at" >= ? THEN 1 ELSE 0 END) AS acks, ` +
        `SUM(CASE WHEN "created_at" >= ? THEN 1 ELSE 0 END) AS n ` +
        `FROM "outbox" WHERE "created_at" >= ? AND "recipient" IN (${placeholders(recipients.length)}) GROUP BY "recipient"`,
      [keys.acknowledgementsSince, keys.loopWindowSince, since, ...recipients],
    ),
    read<{ address: string }>(recipients.length, `SELECT "address" FROM "blocked_senders" WHERE "address" IN (${placeholders(recipients.length)})`, recipients),
  ] as const);
  keep(byReference);
  keep(byOrder);

  const referenceByMessageId = new Map<string, string>();
  const missing = unique(messages.map((m) => Number(m.ticket_id)).filter((id) => !byId.has(id)));
  if (missing.length > 0) keep(await select(db, transaction, numbered(`SELECT * FROM "tickets" WHERE "id" IN (${placeholders(missing.length)})${lock}`), missing));
  const sent = new Map<string, SentMail>();
  for (const m of messages) {
    const reference = byId.get(Number(m.ticket_id))!.reference;
    referenceByMessageId.set(m.message_id, reference);
    if (m.direction === 'out') sent.set(m.message_id, { reference, to: JSON.parse(m.to_addresses ?? '[]') as string[], template: m.template as TemplateName | null });
  }

  const openReferenceByOrder = new Map<string, string>();
  for (const row of byOrder) {
    const ticket = byId.get(Number(row.id))!;
    openReferenceByOrder.set(orderKey(ticket.customerEmail, ticket.orderNumber!), ticket.reference);
  }

  const acknowledgements = new Map<string, number>();
  const byRecipient = new Map<string, number>();
  for (const c of counts) {
    acknowledgements.set(c.recipient, Number(c.acks));
    byRecipient.set(c.recipient, Number(c.n));
  }
  // Once the tickets are known: their mails in the loop window (index outbox_ticket_id_created_at).
  const ids = [...byId.keys()];
  const perTicket = ids.length === 0
    ? []
    : await select<{ ticket_id: number; n: number | string }>(
        db,
        transaction,
        numbered(`SELECT "ticket_id", COUNT(*) AS n FROM "outbox" WHERE "ticket_id" IN (${placeholders(ids.length)}) AND "created_at" >= ? GROUP BY "ticket_id"`),
        [...ids, keys.loopWindowSince],
      );
  const byTicket = new Map(perTicket.map((r) => [byId.get(Number(r.ticket_id))!.reference, Number(r.n)]));
  return { tickets, referenceByMessageId, sent, openReferenceByOrder, blocked: new Set(blocked.map((b) => b.address)), recent: { acknowledgements, byRecipient, byTicket } };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
