import type { Database, Transaction } from './db.js';
import { dateFrom, numbered, run, select } from './sqlRows.js';

/**
 * The scheduled report's state, in its row of the alerts table: the last scheduled run
 * whose mail is queued, and a claim while one instance builds the next. Building takes
 * seconds (queries, charts), so it happens outside any transaction: the claim keeps
 * other instances off, and lapses after `leaseMs` if its holder died.
 */
export async function lastReportRun(db: Database): Promise<Date | null> {
  const [row] = await select<{ last_sent_at: unknown }>(db, undefined, `SELECT "last_sent_at" FROM "alerts" WHERE "kind" = 'report_mail'`, []);
  return dateFrom(row?.last_sent_at);
}

/** Claims the run due at `due` for this instance; false if it is done or another instance holds it. */
export async function claimReportRun(db: Database, transaction: Transaction, due: Date, now: Date, leaseMs: number): Promise<boolean> {
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await select<{ last_sent_at: unknown; cursor: string | null }>(db, transaction, `SELECT "last_sent_at", "cursor" FROM "alerts" WHERE "kind" = 'report_mail'${lock}`, []);
  const done = dateFrom(row?.last_sent_at);
  if (done !== null && done.getTime() >= due.getTime()) return false;
  const claimed = row?.cursor ? new Date(row.cursor) : null;
  if (claimed !== null && now.getTime() - claimed.getTime() < leaseMs) return false;
  await run(db, transaction, numbered(`UPDATE "alerts" SET "cursor" = ? WHERE "kind" = 'report_mail'`), [now.toISOString()]);
  return true;
}

/** The run due at `due` is queued: in the transaction that queues its mail. */
export async function finishReportRun(db: Database, transaction: Transaction, due: Date): Promise<void> {
  await run(db, transaction, numbered(`UPDATE "alerts" SET "last_sent_at" = ?, "cursor" = NULL WHERE "kind" = 'report_mail'`), [due]);
}

/** The schedule starts now: runs before the first look are not sent (a new install does not mail last week's report). */
export async function startReportRuns(db: Database, transaction: Transaction, now: Date): Promise<void> {
  await run(db, transaction, numbered(`UPDATE "alerts" SET "last_sent_at" = ? WHERE "kind" = 'report_mail' AND "last_sent_at" IS NULL`), [now]);
}
