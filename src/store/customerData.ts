import type { Database, Transaction } from './db.js';
import { dateFrom, numbered, placeholders, select } from './sqlRows.js';

/**
 * Every row that holds something of one customer, found by their address: the
 * tickets they opened, every message of those tickets and every message they wrote
 * elsewhere, the attachments of those messages, the tickets' events, the outbox rows
 * of those tickets or to that address, and the inbound ledger's rows of their mails.
 * What `customer show`, `export` and `erase` all start from (docs/personal-data.md).
 */
export interface CustomerRows {
  address: string;
  tickets: CustomerTicketRow[];
  messages: CustomerMessageRow[];
  attachments: { id: number; message_id: number; filename: string | null; content_type: string | null; size: number; sha256: string }[];
  events: { id: number; ticket_id: number; type: string; data: string; at: Date; actor: string | null }[];
  outbox: { id: number; ticket_id: number | null; message_id: string; kind: string; recipient: string; status: string; created_at: Date; sent_at: Date | null }[];
  /** Ledger rows of their tickets' mails and of their messages elsewhere. */
  inbound: CustomerInboundRow[];
}

export interface CustomerTicketRow {
  id: number;
  reference: string;
  customer_email: string;
  status: string;
  category: string;
  locale: string;
  subject: string;
  customer_name: string | null;
  order_number: string | null;
  participants: string;
  rating: number | null;
  opened_at: Date;
  closed_at: Date | null;
}

export interface CustomerMessageRow {
  id: number;
  ticket_id: number | null;
  inbound_id: number | null;
  direction: 'in' | 'out';
  message_id: string;
  from_address: string;
  from_name: string | null;
  to_addresses: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  template: string | null;
  created_at: Date;
}

export interface CustomerInboundRow {
  id: number;
  ticket_id: number | null;
  raw_sha256: string;
  outcome: string;
  size: number;
  raw_path: string | null;
  /** The bytes are in the row (not in a file under the data folder). */
  in_row: boolean;
  received_at: Date;
}

const TICKET_COLUMNS = '"id", "reference", "customer_email", "status", "category", "locale", "subject", "customer_name", "order_number", "participants", "rating", "opened_at", "closed_at"';

/**
 * Reads the customer's rows; in `transaction` (the erasure's), the tickets are locked
 * on PostgreSQL so that a mail of theirs arriving meanwhile waits, then finds them erased.
 */
export async function customerRows(db: Database, address: string, transaction?: Transaction): Promise<CustomerRows> {
  return rowsOf(db, { address }, transaction);
}

/** The same rows for some tickets alone (retention): what they hold, not what their customers wrote elsewhere. */
export async function ticketRows(db: Database, ticketIds: number[], transaction: Transaction): Promise<CustomerRows> {
  return rowsOf(db, { ticketIds }, transaction);
}

async function rowsOf(db: Database, selector: { address: string } | { ticketIds: number[] }, transaction?: Transaction): Promise<CustomerRows> {
  const lock = transaction && db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const address = 'address' in selector ? selector.address : null;
  const tickets = (
    'address' in selector
      ? await select<Record<string, unknown>>(db, transaction, numbered(`SELECT ${TICKET_COLUMNS} FROM "tickets" WHERE "customer_email" = ? AND "erased_at" IS NULL ORDER BY "id"${lock}`), [selector.address])
      : selector.ticketIds.length === 0
        ? []
        : await select<Record<string, unknown>>(db, transaction, numbered(`SELECT ${TICKET_COLUMNS} FROM "tickets" WHERE "id" IN (${placeholders(selector.ticketIds.length)}) ORDER BY "id"${lock}`), selector.ticketIds)
  ).map(ticketRow);
  const ids = tickets.map((t) => t.id);
  const inTickets = (column: string) => (ids.length > 0 ? `"${column}" IN (${placeholders(ids.length)})` : 'FALSE');
  const byAddress = (column: string) => (address === null ? '' : ` OR "${column}" = ?`);
  const messages = (
    await select<Record<string, unknown>>(
      db,
      transaction,
      numbered(`SELECT * FROM "messages" WHERE ${inTickets('ticket_id')}${byAddress('from_address')} ORDER BY "id"`),
      address === null ? ids : [...ids, address],
    )
  ).map(messageRow);
  const messageIds = messages.map((m) => m.id);
  const attachments =
    messageIds.length === 0
      ? []
      : (
          await select<Record<string, unknown>>(db, transaction, numbered(`SELECT * FROM "attachments" WHERE "message_id" IN (${placeholders(messageIds.length)}) ORDER BY "id"`), messageIds)
        ).map((r) => ({
          id: Number(r.id),
          message_id: Number(r.message_id),
          filename: (r.filename as string | null) ?? null,
          content_type: (r.content_type as string | null) ?? null,
          size: Number(r.size),
          sha256: String(r.sha256),
        }));
  const events =
    ids.length === 0
      ? []
      : (await select<Record<string, unknown>>(db, transaction, numbered(`SELECT * FROM "events" WHERE ${inTickets('ticket_id')} ORDER BY "id"`), ids)).map((r) => ({
          id: Number(r.id),
          ticket_id: Number(r.ticket_id),
          type: String(r.type),
          data: String(r.data),
          at: dateFrom(r.at)!,
          actor: (r.actor as string | null) ?? null,
        }));
  const outbox = (
    await select<Record<string, unknown>>(
      db,
      transaction,
      numbered(`SELECT "id", "ticket_id", "message_id", "kind", "recipient", "status", "created_at", "sent_at" FROM "outbox" WHERE ${inTickets('ticket_id')}${byAddress('recipient')} ORDER BY "id"`),
      address === null ? ids : [...ids, address],
    )
  ).map((r) => ({
    id: Number(r.id),
    ticket_id: r.ticket_id === null ? null : Number(r.ticket_id),
    message_id: String(r.message_id),
    kind: String(r.kind),
    recipient: String(r.recipient),
    status: String(r.status),
    created_at: dateFrom(r.created_at)!,
    sent_at: dateFrom(r.sent_at),
  }));
  const inboundIds = [...new Set(messages.flatMap((m) => (m.inbound_id === null ? [] : [m.inbound_id])))];
  const inbound = (
    await select<Record<string, unknown>>(
      db,
      transaction,
      numbered(
        `SELECT "id", "ticket_id", "raw_sha256", "outcome", "size", "raw_path", "raw" IS NOT NULL AS "in_row", "received_at" FROM "inbound_mails"
         WHERE ${inTickets('ticket_id')}${inboundIds.length > 0 ? ` OR "id" IN (${placeholders(inboundIds.length)})` : ''} ORDER BY "id"`,
      ),
      [...ids, ...inboundIds],
    )
  ).map(inboundRow);
  return { address: address ?? '', tickets, messages, attachments, events, outbox, inbound };
}

/**
 * Ledger rows that reached no ticket (quarantined, ignored) and whose bytes mention the
 * address: read in pages, never all at once. `readFile` reads a mail kept under the
 * data folder. Quarantine is short-lived (retention), so this stays small.
 */
export async function ticketlessMailsMentioning(db: Database, address: string, readFile: (rawPath: string) => Promise<Buffer | null>): Promise<CustomerInboundRow[]> {
  const found: CustomerInboundRow[] = [];
  const needle = address.toLowerCase();
  for (let after = 0; ; ) {
    const page = await select<Record<string, unknown>>(
      db,
      undefined,
      numbered(`SELECT "id", "ticket_id", "raw_sha256", "outcome", "size", "raw_path", "raw", "received_at" FROM "inbound_mails" WHERE "ticket_id" IS NULL AND "id" > ? ORDER BY "id" LIMIT 200`),
      [after],
    );
    if (page.length === 0) return found;
    for (const r of page) {
      const raw = (r.raw as Buffer | null) ?? (r.raw_path ? await readFile(String(r.raw_path)) : null);
      if (raw && raw.toString('latin1').toLowerCase().includes(needle)) found.push(inboundRow({ ...r, in_row: r.raw !== null }));
    }
    after = Number(page[page.length - 1]!.id);
  }
}

/** The bytes of one mail of the ledger, from its row; null when they live in a file (`raw_path`) or were erased. */
export async function rawInRow(db: Database, id: number): Promise<Buffer | null> {
  const [row] = await select<{ raw: Buffer | null }>(db, undefined, numbered('SELECT "raw" FROM "inbound_mails" WHERE "id" = ?'), [id]);
  return row?.raw ?? null;
}

/** The MIME text of an outbox row (what was, or will be, sent). */
export async function outboxMail(db: Database, id: number): Promise<string | null> {
  const [row] = await select<{ mail: string | null }>(db, undefined, numbered('SELECT "mail" FROM "outbox" WHERE "id" = ?'), [id]);
  return row?.mail ?? null;
}

function ticketRow(r: Record<string, unknown>): CustomerTicketRow {
  return {
    id: Number(r.id),
    reference: String(r.reference),
    customer_email: String(r.customer_email),
    status: String(r.status),
    category: String(r.category),
    locale: String(r.locale),
    subject: String(r.subject),
    customer_name: (r.customer_name as string | null) ?? null,
    order_number: (r.order_number as string | null) ?? null,
    participants: String(r.participants),
    rating: r.rating === null || r.rating === undefined ? null : Number(r.rating),
    opened_at: dateFrom(r.opened_at)!,
    closed_at: dateFrom(r.closed_at),
  };
}

function messageRow(r: Record<string, unknown>): CustomerMessageRow {
  return {
    id: Number(r.id),
    ticket_id: r.ticket_id === null ? null : Number(r.ticket_id),
    inbound_id: r.inbound_id === null ? null : Number(r.inbound_id),
    direction: r.direction as 'in' | 'out',
    message_id: String(r.message_id),
    from_address: String(r.from_address),
    from_name: (r.from_name as string | null) ?? null,
    to_addresses: (r.to_addresses as string | null) ?? null,
    subject: (r.subject as string | null) ?? null,
    text: (r.text as string | null) ?? null,
    html: (r.html as string | null) ?? null,
    template: (r.template as string | null) ?? null,
    created_at: dateFrom(r.created_at)!,
  };
}

function inboundRow(r: Record<string, unknown>): CustomerInboundRow {
  return {
    id: Number(r.id),
    ticket_id: r.ticket_id === null || r.ticket_id === undefined ? null : Number(r.ticket_id),
    raw_sha256: String(r.raw_sha256),
    outcome: String(r.outcome),
    size: Number(r.size),
    raw_path: (r.raw_path as string | null) ?? null,
    in_row: Boolean(Number(r.in_row)) || r.in_row === true,
    received_at: dateFrom(r.received_at)!,
  };
}
