import { pseudonymAddress, type ErasedPerson } from '../domain/personalData.js';
import type { Database, Transaction } from './db.js';
import { eraseRows } from './customerErasure.js';
import { ticketRows } from './customerData.js';
import { numbered, placeholders, run, select } from './sqlRows.js';

/**
 * One batch of each retention rule, in the caller's transaction. Each returns how many
 * it took (fewer than `limit`: nothing more is due) and the files under the data folder
 * to remove after the commit. On PostgreSQL the rows are locked with SKIP LOCKED, so two
 * instances share the work instead of waiting on each other.
 */
export interface RetentionBatch {
  taken: number;
  files: string[];
}

/** Closed tickets whose period has run: from their closing, or from their opening (`after: arrival`). */
function closedBefore(after: 'close' | 'arrival'): string {
  return `"status" IN ('closed', 'spam') AND ${after === 'close' ? 'COALESCE("closed_at", "updated_at")' : '"opened_at"'} < ?`;
}

function skipLocked(db: Database): string {
  return db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}

/** Whether the ledger holds a mail of this outcome that arrived before `cutoff`. */
export async function receivedBefore(db: Database, cutoff: Date, outcome: 'processed' | 'quarantined'): Promise<boolean> {
  const rows = await select(db, undefined, numbered('SELECT 1 AS "found" FROM "inbound_mails" WHERE "outcome" = ? AND "received_at" < ? LIMIT 1'), [outcome, cutoff]);
  return rows.length > 0;
}

/** Quarantined mails that arrived before `cutoff`: their ledger rows go (an IMAP copy goes with the folder's own pass). */
export async function dropQuarantined(db: Database, transaction: Transaction, cutoff: Date, limit: number): Promise<RetentionBatch> {
  const rows = await select<{ id: number; raw_path: string | null }>(
    db,
    transaction,
    numbered(`SELECT "id", "raw_path" FROM "inbound_mails" WHERE "outcome" = 'quarantined' AND "received_at" < ? ORDER BY "id" LIMIT ?${skipLocked(db)}`),
    [cutoff, limit],
  );
  if (rows.length > 0) await run(db, transaction, numbered(`DELETE FROM "inbound_mails" WHERE "id" IN (${placeholders(rows.length)})`), rows.map((r) => r.id));
  return { taken: rows.length, files: rows.flatMap((r) => (r.raw_path ? [r.raw_path] : [])) };
}

/** The bytes of mails whose ticket closed (or that arrived) before `cutoff`: the ledger keeps the mail's SHA-256 and size, the messages stay. */
export async function dropRawMails(db: Database, transaction: Transaction, cutoff: Date, after: 'close' | 'arrival', limit: number): Promise<RetentionBatch> {
  const rows = await select<{ id: number; raw_path: string | null }>(
    db,
    transaction,
    numbered(
      `SELECT "id", "raw_path" FROM "inbound_mails" WHERE ("raw" IS NOT NULL OR "raw_path" IS NOT NULL)
         AND ${after === 'close' ? `"ticket_id" IN (SELECT "id" FROM "tickets" WHERE ${closedBefore(after)})` : '"received_at" < ?'} ORDER BY "id" LIMIT ?${skipLocked(db)}`,
    ),
    [cutoff, limit],
  );
  if (rows.length > 0) await run(db, transaction, numbered(`UPDATE "inbound_mails" SET "raw" = NULL, "raw_path" = NULL WHERE "id" IN (${placeholders(rows.length)})`), rows.map((r) => r.id));
  return { taken: rows.length, files: rows.flatMap((r) => (r.raw_path ? [r.raw_path] : [])) };
}

/**
 * Closed tickets past their period (from closing, or from opening): erased as a customer's would be with
 * `--keep-statistics` (their words and files go, the figures stay under a pseudonym),
 * one pseudonym per customer of the batch.
 */
export async function eraseOldTickets(db: Database, transaction: Transaction, cutoff: Date, after: 'close' | 'arrival', limit: number, now: Date, token: () => string): Promise<RetentionBatch> {
  const due = await select<{ id: number }>(
    db,
    transaction,
    numbered(`SELECT "id" FROM "tickets" WHERE ${closedBefore(after)} AND "erased_at" IS NULL ORDER BY "id" LIMIT ?${skipLocked(db)}`),
    [cutoff, limit],
  );
  if (due.length === 0) return { taken: 0, files: [] };
  const rows = await ticketRows(db, due.map((d) => Number(d.id)), transaction);
  const people = new Map<string, ErasedPerson>();
  const personOf = (address: string): ErasedPerson => {
    if (!people.has(address)) {
      const names = rows.tickets.filter((t) => t.customer_email === address).flatMap((t) => (t.customer_name ? [t.customer_name] : []));
      people.set(address, { address, names, pseudonym: pseudonymAddress(token()) });
    }
    return people.get(address)!;
  };
  const { files } = await eraseRows(db, transaction, rows, personOf, { keepStatistics: true, ticketless: [], now });
  return { taken: due.length, files };
}
