import type { SellerRecord, SellerStrike } from '../domain/timerDecision.js';
import type { Database, Transaction } from './db.js';
import { dateFrom, select } from './sqlRows.js';

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

/** Several sellers' records, locked in a fixed order so that two transactions never wait on each other in a circle. */
export async function lockSellers(db: Database, transaction: Transaction, sellerIds: string[], now: Date): Promise<Map<string, SellerRecord>> {
  const records = new Map<string, SellerRecord>();
  for (const id of [...new Set(sellerIds)].sort()) records.set(id, await lockSeller(db, transaction, id, now));
  return records;
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

/** What `guichet sellers list` summarises: each seller's record, the tickets waiting for them, and their answers' delays. */
export async function sellerActivity(db: Database): Promise<{
  records: { seller_id: string; strikes: number; restricted_at: unknown }[];
  openRequests: Map<string, number>;
  answerSeconds: Map<string, number[]>;
}> {
  const records = await select<{ seller_id: string; strikes: number; restricted_at: unknown }>(db, undefined, 'SELECT "seller_id", "strikes", "restricted_at" FROM "sellers"', []);
  const open = await select<{ seller_id: string; n: number | string }>(
    db,
    undefined,
    `SELECT "seller_id", COUNT(*) AS n FROM "tickets" WHERE "status" = 'waiting_seller' AND "seller_id" IS NOT NULL GROUP BY "seller_id"`,
    [],
  );
  const replies = await select<{ data: string }>(db, undefined, `SELECT "data" FROM "events" WHERE "type" = 'seller_replied'`, []);
  const answerSeconds = new Map<string, number[]>();
  for (const row of replies) {
    const event = JSON.parse(row.data) as { sellerId: string; afterSeconds: number | null };
    if (event.afterSeconds === null) continue;
    answerSeconds.set(event.sellerId, [...(answerSeconds.get(event.sellerId) ?? []), event.afterSeconds]);
  }
  return { records, openRequests: new Map(open.map((r) => [r.seller_id, Number(r.n)])), answerSeconds };
}
