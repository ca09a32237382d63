import type { SenderBlock } from '../domain/spam.js';
import type { Database, Transaction } from './db.js';
import { dateFrom, numbered, placeholders, select } from './sqlRows.js';

/** Which of these addresses are blocked. */
export async function blockedAmong(db: Database, transaction: Transaction, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await select<{ address: string }>(db, transaction, numbered(`SELECT "address" FROM "blocked_senders" WHERE "address" IN (${placeholders(addresses.length)})`), addresses);
  return new Set(rows.map((r) => r.address));
}

/** Blocks and unblocks, in order, in the caller's transaction. */
export async function applySenderBlocks(db: Database, transaction: Transaction | undefined, blocks: readonly (Omit<SenderBlock, 'reference'> & { reference: string | null })[], now: Date): Promise<void> {
  for (const block of blocks) {
    await db.sequelize.query(`DELETE FROM "blocked_senders" WHERE "address" = :address`, { replacements: { address: block.address }, transaction });
    if (block.blocked) {
      await db.sequelize.query(`INSERT INTO "blocked_senders" ("address", "blocked_at", "blocked_by", "reference") VALUES (:address, :now, :by, :reference)`, {
        replacements: { address: block.address, now, by: block.by, reference: block.reference },
        transaction,
      });
    }
  }
}

export interface BlockedSender {
  address: string;
  blocked_at: Date;
  blocked_by: string;
  reference: string | null;
}

export async function blockedSenders(db: Database): Promise<BlockedSender[]> {
  const rows = await select<Record<string, unknown>>(db, undefined, `SELECT * FROM "blocked_senders" ORDER BY "blocked_at", "address"`, []);
  return rows.map((r) => ({ address: String(r.address), blocked_at: dateFrom(r.blocked_at)!, blocked_by: String(r.blocked_by), reference: (r.reference as string | null) ?? null }));
}
