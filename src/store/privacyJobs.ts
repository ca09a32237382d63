import type { Database } from './db.js';
import { inTransaction } from './db.js';
import { dateFrom, numbered, run, select } from './sqlRows.js';

/** An admin's request by mail about a customer's data (#export, a confirmed #erase), done by the daemon. */
export interface PrivacyJob {
  id: number;
  ticketId: number;
  action: 'export' | 'erase';
  requestedBy: string;
  erasureId: number | null;
  createdAt: Date;
}

/**
 * Takes the oldest job not done and not held by a live claim: one instance does each
 * (SKIP LOCKED on PostgreSQL); a claim older than `leaseExpired` (its instance died)
 * is taken over, and the job, whose steps are each safe to repeat, runs again.
 */
export async function claimPrivacyJob(db: Database, worker: string, now: Date, leaseExpired: Date): Promise<PrivacyJob | null> {
  const skip = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  return inTransaction(db, async (transaction) => {
    const [row] = await select<Record<string, unknown>>(
      db,
      transaction,
      numbered(`SELECT * FROM "privacy_jobs" WHERE "done_at" IS NULL AND ("locked_at" IS NULL OR "locked_at" < ?) ORDER BY "id" LIMIT 1${skip}`),
      [leaseExpired],
    );
    if (!row) return null;
    await run(db, transaction, numbered('UPDATE "privacy_jobs" SET "locked_by" = ?, "locked_at" = ? WHERE "id" = ?'), [worker, now, row.id]);
    return {
      id: Number(row.id),
      ticketId: Number(row.ticket_id),
      action: row.action as PrivacyJob['action'],
      requestedBy: String(row.requested_by),
      erasureId: row.erasure_id === null || row.erasure_id === undefined ? null : Number(row.erasure_id),
      createdAt: dateFrom(row.created_at)!,
    };
  });
}

/** The erasure a job started: after a crash past its database part, it is finished by id. */
export async function jobErasure(db: Database, jobId: number, erasureId: number): Promise<void> {
  await inTransaction(db, (transaction) => run(db, transaction, numbered('UPDATE "privacy_jobs" SET "erasure_id" = ? WHERE "id" = ?'), [erasureId, jobId]));
}

/** Done, with what came of it in words for `tickets show` (counts and reasons, never the person's data). */
export async function jobDone(db: Database, jobId: number, outcome: string, now: Date): Promise<void> {
  await inTransaction(db, (transaction) =>
    run(db, transaction, numbered('UPDATE "privacy_jobs" SET "done_at" = ?, "outcome" = ?, "locked_by" = NULL, "locked_at" = NULL WHERE "id" = ?'), [now, outcome, jobId]),
  );
}

/** Who asked for the erasure the customer confirmed: the admin of the ticket's last #erase. */
export async function erasureRequester(db: Database, ticketId: number): Promise<string | null> {
  const [row] = await select<{ actor: string | null }>(
    db,
    undefined,
    numbered(`SELECT "actor" FROM "events" WHERE "ticket_id" = ? AND "type" = 'erasure_requested' ORDER BY "id" DESC LIMIT 1`),
    [ticketId],
  );
  return row?.actor ?? null;
}
