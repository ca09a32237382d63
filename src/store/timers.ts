import { QueryTypes, type Transaction } from 'sequelize';
import type { Timer } from '../domain/timers.js';
import type { Database } from './db.js';
import { bindValue, insertRows, numbered, placeholders, run, select } from './sqlRows.js';

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
