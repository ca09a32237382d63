import { createHash, randomBytes } from 'node:crypto';
import { inTransaction, type Database, type Transaction } from './db.js';
import { dateFrom, numbered, run, select } from './sqlRows.js';

/**
 * The erasures under way, so that one interrupted (a crash, an IMAP server down) is
 * finished by running it again, and is said unfinished until then (`guichet status`).
 * While unfinished, a row can be found again from the address through a salted hash;
 * once finished, the hash is emptied and nothing links the row to the person.
 */
export type ErasureStage = 'started' | 'database' | 'finished';

export interface ErasureRow {
  id: number;
  pseudonym: string;
  stage: ErasureStage;
  files: string[];
  counts: Record<string, number>;
  started_at: Date;
  finished_at: Date | null;
}

function lookupOf(salt: string, address: string): string {
  return createHash('sha256').update(`${salt}\n${address}`).digest('hex');
}

/** The unfinished erasure of this address, if one was started and did not finish. */
export async function unfinishedErasureOf(db: Database, address: string): Promise<ErasureRow | null> {
  const rows = await select<Record<string, unknown>>(db, undefined, `SELECT * FROM "erasures" WHERE "stage" <> 'finished' ORDER BY "id"`, []);
  const row = rows.find((r) => r.salt && lookupOf(String(r.salt), address) === r.lookup);
  return row ? erasureRow(row) : null;
}

/** Every erasure not finished, for `guichet status`. */
export async function unfinishedErasures(db: Database): Promise<ErasureRow[]> {
  return (await select<Record<string, unknown>>(db, undefined, `SELECT * FROM "erasures" WHERE "stage" <> 'finished' ORDER BY "id"`, [])).map(erasureRow);
}

/** Records that an erasure of this address begins; returns its row. */
export async function startErasure(db: Database, address: string, pseudonym: string, now: Date): Promise<ErasureRow> {
  const salt = randomBytes(16).toString('hex');
  const [row] = await inTransaction(db, (transaction) =>
    select<Record<string, unknown>>(
      db,
      transaction,
      numbered(`INSERT INTO "erasures" ("pseudonym", "salt", "lookup", "stage", "files", "counts", "started_at") VALUES (?, ?, ?, 'started', '[]', '{}', ?) RETURNING *`),
      [pseudonym, salt, lookupOf(salt, address), now],
    ),
  );
  return erasureRow(row!);
}

/** The database part is done (in the caller's transaction): what is left are these files. */
export async function erasureScrubbed(db: Database, transaction: Transaction, id: number, files: string[], counts: Record<string, number>): Promise<void> {
  await run(db, transaction, numbered(`UPDATE "erasures" SET "stage" = 'database', "files" = ?, "counts" = ? WHERE "id" = ?`), [JSON.stringify(files), JSON.stringify(counts), id]);
}

/** All done: the link to the address goes. */
export async function erasureFinished(db: Database, id: number, now: Date): Promise<void> {
  await inTransaction(db, (transaction) =>
    run(db, transaction, numbered(`UPDATE "erasures" SET "stage" = 'finished', "salt" = NULL, "lookup" = NULL, "files" = '[]', "finished_at" = ? WHERE "id" = ?`), [now, id]),
  );
}

function erasureRow(r: Record<string, unknown>): ErasureRow {
  return {
    id: Number(r.id),
    pseudonym: String(r.pseudonym),
    stage: r.stage as ErasureStage,
    files: JSON.parse(String(r.files)) as string[],
    counts: JSON.parse(String(r.counts)) as Record<string, number>,
    started_at: dateFrom(r.started_at)!,
    finished_at: dateFrom(r.finished_at),
  };
}
