import type { SenderBlock } from '../domain/spam.js';
import type { SellerStrike } from '../domain/timerDecision.js';
import { applySenderBlocks } from './blockedSenders.js';
import type { Ticket } from '../domain/ticket.js';
import type { Timer } from '../domain/timers.js';
import type { Database, Transaction } from './db.js';
import { announceOutbox } from './outboxNotices.js';
import { recordStrike } from './sellers.js';
import { independent, insertRows, upsertRows, type Row } from './sqlRows.js';
import { ticketToRow } from './tickets.js';
import { changesFacts, syncFacts } from './reportFacts.js';
import { replaceTimers } from './timers.js';

/**
 * What a group of decisions writes, inbound mails and timers alike. Rows name their
 * ticket by reference: a ticket opened by the group has no id until it is inserted.
 */
export interface DecisionRows {
  /** Every ticket the group changed or opened (those without an id are inserted). */
  tickets: Ticket[];
  /** Tickets the rows name without changing them (a refused intrusion is recorded on the ticket it aimed at). */
  named: Ticket[];
  /** The next timers of every ticket the group looked at, changed or not. */
  timers: { ticket: Ticket; timers: Timer[] }[];
  /** The inbound ledger's rows, one per mail decided (none for timers). */
  inbound: (Row & { raw_sha256: string; ticketRef: string | null })[];
  events: (Row & { ticketRef: string })[];
  /** Messages of the tickets' history: a mail received (`inboundSha`) or queued. */
  messages: (Row & { ticketRef: string | null; inboundSha: string | null })[];
  outbox: (Row & { ticketRef: string | null })[];
  attachments: (Row & { inboundSha: string })[];
  strikes: SellerStrike[];
  /** Senders an agent blocked or unblocked. */
  senders?: SenderBlock[];
}

/** What admins asked by mail about a customer's data, done by the daemon once this commits (app/privacyJobs.ts). */
function privacyJobs(events: DecisionRows['events'], ticketId: (ref: string) => number | null, now: Date): Row[] {
  return events
    .filter((e) => e.type === 'export_requested' || e.type === 'erasure_confirmed')
    .map((e) => ({
      ticket_id: ticketId(e.ticketRef),
      action: e.type === 'export_requested' ? 'export' : 'erase',
      // A confirmed erasure was asked by the admin of the ticket's last #erase; the job reads who.
      requested_by: e.actor ?? 'customer-confirmation',
      created_at: now,
    }));
}

/** Rows for nothing yet: what timers and send failures fill, ticket by ticket. */
export function noRows(): DecisionRows {
  return { tickets: [], named: [], timers: [], inbound: [], events: [], messages: [], outbox: [], attachments: [], strikes: [] };
}

/** A domain event as the events table keeps it, with who it is about (the agent, or the seller) for the reports. */
export function eventRow(ticketRef: string, event: { type: string }, at: Date): DecisionRows['events'][number] {
  return { ticketRef, type: event.type, data: JSON.stringify(event), at, actor: actorOf(event) };
}

function actorOf(event: { type: string }): string | null {
  // A seller's events are about the seller, even when an agent asked (`seller_requested` has both).
  const fields = event as { agent?: unknown; by?: unknown; sellerId?: unknown };
  const actor = fields.sellerId ?? fields.agent ?? fields.by;
  return typeof actor === 'string' ? actor : null;
}

/**
 * Writes a group of decisions in the caller's transaction: the one way the app
 * commits what the domain decided, so inbound mail and timers cannot drift apart.
 * One statement per table, in dependency order; statements that need only what is
 * already written go to the driver together, so the writes take four round trips.
 * `meanwhile` runs while the tickets are written: the app renders the outgoing mails
 * then, into the message and outbox rows it already placed.
 */
export async function writeDecisions(db: Database, transaction: Transaction, rows: DecisionRows, now: Date, meanwhile: () => void = () => undefined): Promise<void> {
  const fresh = rows.tickets.filter((t) => t.id === undefined);
  const writing = independent<[void, { id: number; reference: string }[]]>(db, [
    () => upsertRows(db, transaction, 'tickets', rows.tickets.filter((t) => t.id !== undefined).map((t) => ({ id: t.id!, ...ticketToRow(t) }))),
    () => insertRows<{ id: number; reference: string }>(db, transaction, 'tickets', fresh.map(ticketToRow), ['id', 'reference']),
  ]);
  try {
    meanwhile();
  } catch (error) {
    // The rollback must not overtake a statement still queued (see `together`).
    await writing.catch(() => undefined);
    throw error;
  }
  const [, created] = await writing;

  const ids = new Map<string, number>();
  for (const t of [...rows.named, ...rows.tickets, ...rows.timers.map((e) => e.ticket)]) if (t.id !== undefined) ids.set(t.reference, t.id);
  for (const row of created) ids.set(row.reference, Number(row.id));
  const ticketId = (ref: string | null) => (ref === null ? null : ids.get(ref)!);

  const changed = new Set(rows.events.filter((e) => changesFacts(String(e.type))).map((e) => e.ticketRef));
  const facts = rows.tickets.filter((t) => t.id === undefined || changed.has(t.reference)).map((t) => ({ ticket: t, id: ticketId(t.reference)!, created: t.id === undefined }));
  const [inbound] = await independent<[{ id: number; raw_sha256: string }[], void, void, void, void]>(db, [
    () => insertRows<{ id: number; raw_sha256: string }>(
      db,
      transaction,
      'inbound_mails',
      rows.inbound.map(({ ticketRef, ...row }) => ({ ...row, ticket_id: ticketId(ticketRef) })),
      ['id', 'raw_sha256'],
    ),
    () => insertRows(db, transaction, 'events', rows.events.map(({ ticketRef, ...row }) => ({ ...row, ticket_id: ticketId(ticketRef) }))).then(() => undefined),
    () => replaceTimers(db, transaction, rows.timers.map((e) => ({ ticketId: ticketId(e.ticket.reference)!, timers: e.timers, created: e.ticket.id === undefined }))),
    async () => {
      for (const strike of rows.strikes) await recordStrike(db, transaction, strike, now);
      if (rows.senders?.length) await applySenderBlocks(db, transaction, rows.senders, now);
    },
    () => syncFacts(db, transaction, facts),
  ]);
  const inboundId = new Map(inbound.map((r) => [r.raw_sha256, Number(r.id)]));
  const [messages] = await independent<[{ id: number; inbound_id: number | null }[], void]>(db, [
    () => insertRows<{ id: number; inbound_id: number | null }>(
      db,
      transaction,
      'messages',
      rows.messages.map(({ ticketRef, inboundSha, ...row }) => ({ ...row, ticket_id: ticketId(ticketRef), inbound_id: inboundSha ? inboundId.get(inboundSha)! : null })),
      ['id', 'inbound_id'],
    ),
    () => insertRows(db, transaction, 'outbox', rows.outbox.map(({ ticketRef, ...row }) => ({ ...row, ticket_id: ticketId(ticketRef) }))).then(() => undefined),
  ]);
  if (rows.outbox.length > 0) await announceOutbox(db, transaction);
  await insertRows(db, transaction, 'privacy_jobs', privacyJobs(rows.events, ticketId, now));
  const messageOfInbound = new Map(messages.filter((m) => m.inbound_id !== null).map((m) => [Number(m.inbound_id), Number(m.id)]));
  await insertRows(
    db,
    transaction,
    'attachments',
    rows.attachments.map(({ inboundSha, ...row }) => ({ ...row, message_id: messageOfInbound.get(inboundId.get(inboundSha)!)! })),
  );
}
