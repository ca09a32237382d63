import { QueryTypes, type Transaction } from 'sequelize';
import type { SellerRecord, SellerStrike } from '../domain/timerDecision.js';
import type { Timer } from '../domain/timers.js';
import type { Database } from './db.js';
import { bindValue, dateFrom, insertRows, numbered, placeholders, run, select } from './sqlRows.js';

/**
 * Replaces the timers of these tickets with their freshly derived ones, in the
 * caller's transaction: a timer row always matches the ticket as committed.
 */
export async function replaceTimers(db: Database, transaction: Transaction, entries: { ticketId: number; timers: Timer[]; created?: boolean }[]): Promise<void> {
  if (entries.length === 0) return;
  // A ticket created in this transaction has no timers yet: nothing to delete.
  const ids = entries.filter((e) => !e.created).map((e) => e.ticketId);
  if (ids.length > 0) await run(db, transaction, numbered(`DELETE FROM "timers" WHERE "ticket_id" IN (${placeholders(ids.length)})`), ids);
  await insertRows(
    db,
    transaction,
    'timers',
    entries.flatMap((e) => e.timers.map((t) => ({ ticket_id: e.ticketId, kind: t.kind, due_at: t.dueAt, locked_by: null, locked_at: null }))),
  );
}

/**
 * The tickets that have a timer due, oldest due first. One indexed range scan on
 * `due_at`: the cost follows the number of due timers, not of tickets. On PostgreSQL
 * the rows are marked with our worker name under `FOR UPDATE SKIP LOCKED`, so
 * instances share the due work instead of queueing on it; a claim older than the
 * lease (its instance died) is taken again. SQLite is single-instance.
 */
export async function claimDueTickets(db: Database, worker: string, now: Date, leaseExpired: Date, limit: number): Promise<number[]> {
  if (db.dialect === 'sqlite') {
    const rows = await select<{ ticket_id: number }>(db, undefined, numbered('SELECT "ticket_id" FROM "timers" WHERE "due_at" <= ? ORDER BY "due_at" LIMIT ?'), [now, limit]);
    return [...new Set(rows.map((r) => Number(r.ticket_id)))];
  }
  const rows = await db.sequelize.query<{ ticket_id: number }>(
    `UPDATE timers SET locked_by = :worker, locked_at = :now
      WHERE id IN (SELECT id FROM timers WHERE due_at <= :now AND (locked_at IS NULL OR locked_at < :leaseExpired)
                   ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED)
      RETURNING ticket_id`,
    { replacements: { worker, now, leaseExpired, limit }, type: QueryTypes.SELECT },
  );
  return [...new Set(rows.map((r) => Number(r.ticket_id)))];
}

/** Puts a ticket's due timers off until `until` (after a failure), releasing any claim on them. */
export async function postponeTimers(db: Database, ticketId: number, until: Date): Promise<void> {
  await db.sequelize.query(numbered('UPDATE "timers" SET "due_at" = ?, "locked_by" = NULL, "locked_at" = NULL WHERE "ticket_id" = ? AND "due_at" < ?'), {
    bind: [bindValue(db, until), ticketId, bindValue(db, until)],
  });
}

/** A seller's record, locked on PostgreSQL until the transaction ends so that two strikes never overwrite each other. */
export async function lockSeller(db: Database, transaction: Transaction, sellerId: string, now: Date): Promise<SellerRecord> {
  const insert =
    db.dialect === 'postgres'
      ? 'INSERT INTO "sellers" ("seller_id", "strikes", "updated_at") VALUES ($1, 0, $2) ON CONFLICT ("seller_id") DO NOTHING'
      : 'INSERT OR IGNORE INTO "sellers" ("seller_id", "strikes", "updated_at") VALUES ($1, 0, $2)';
  await select(db, transaction, insert, [sellerId, now]);
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await select<{ strikes: number; restricted_at: unknown }>(db, transaction, `SELECT "strikes", "restricted_at" FROM "sellers" WHERE "seller_id" = $1${lock}`, [sellerId]);
  return { strikes: Number(row?.strikes ?? 0), restricted: row?.restricted_at !== null && row?.restricted_at !== undefined };
}

/** The sellers restricted for not cooperating, with since when. */
export async function restrictedSellers(db: Database, transaction: Transaction | undefined): Promise<Map<string, Date>> {
  const rows = await select<{ seller_id: string; restricted_at: unknown }>(db, transaction, 'SELECT "seller_id", "restricted_at" FROM "sellers" WHERE "restricted_at" IS NOT NULL', []);
  return new Map(rows.map((r) => [r.seller_id, dateFrom(r.restricted_at)!]));
}

export async function recordStrike(db: Database, transaction: Transaction, strike: SellerStrike, now: Date): Promise<void> {
  await select(
    db,
    transaction,
    `UPDATE "sellers" SET "strikes" = $1, "restricted_at" = CASE WHEN $2 = 1 THEN COALESCE("restricted_at", $3) ELSE "restricted_at" END, "updated_at" = $3 WHERE "seller_id" = $4`,
    [strike.strikes, strike.restricted ? 1 : 0, now, strike.sellerId],
  );
}

export interface HistoryEntry {
  direction: 'in' | 'out';
  from: string;
  fromName: string | null;
  subject: string;
  text: string;
  template: string | null;
  at: Date;
}

/** Everything written in a ticket, oldest first: the dossier a new team receives. */
export async function ticketHistory(db: Database, transaction: Transaction | undefined, ticketId: number): Promise<HistoryEntry[]> {
  const rows = await select<Record<string, unknown>>(
    db,
    transaction,
    'SELECT "direction", "from_address", "from_name", "subject", "text", "template", "created_at" FROM "messages" WHERE "ticket_id" = $1 ORDER BY "id"',
    [ticketId],
  );
  return rows.map((r) => ({
    direction: r.direction as 'in' | 'out',
    from: r.from_address as string,
    fromName: (r.from_name as string | null) ?? null,
    subject: r.subject as string,
    text: (r.text as string | null) ?? '',
    template: (r.template as string | null) ?? null,
    at: new Date(r.created_at instanceof Date ? r.created_at : String(r.created_at)),
  }));
}
