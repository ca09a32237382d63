import { QueryTypes } from 'sequelize';
import type { Database } from './db.js';

export interface OutboxRow {
  id: number;
  message_id: string;
  /** The composed mail as JSON; rows queued for a ticket leave the bodies to its message row. */
  mail: string;
  attempts: number;
  /** From the message row of the same Message-ID, when there is one. */
  text: string | null;
  html: string | null;
}

/**
 * Claims up to `limit` due rows for `worker` in one statement. On PostgreSQL,
 * `FOR UPDATE SKIP LOCKED` lets several instances claim side by side without
 * waiting on or taking each other's rows (invariant 7); SQLite is single-instance
 * and serialises writers anyway.
 */
export async function claimOutbox(db: Database, worker: string, now: Date, limit: number): Promise<OutboxRow[]> {
  const skipLocked = db.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const rows = await db.sequelize.query<Omit<OutboxRow, 'text' | 'html'>>(
    `UPDATE outbox SET status = 'sending', locked_by = :worker, locked_at = :now
      WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now
                   ORDER BY id LIMIT :limit ${skipLocked})
      RETURNING id, message_id, mail, attempts`,
    { replacements: { worker, now, limit }, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return [];
  const bodies = await db.sequelize.query<{ message_id: string; text: string | null; html: string | null }>(
    `SELECT message_id, text, html FROM messages WHERE direction = 'out' AND message_id IN (:ids)`,
    { replacements: { ids: rows.map((r) => r.message_id) }, type: QueryTypes.SELECT },
  );
  const bodyOf = new Map(bodies.map((b) => [b.message_id, b]));
  return rows.map((row) => {
    const body = bodyOf.get(row.message_id);
    return { ...row, text: body?.text ?? null, html: body?.html ?? null };
  });
}

/**
 * A row left 'sending' by a worker that died goes back to 'pending'. Its mail may
 * already have been accepted by the SMTP server: the resend carries the same
 * Message-ID, the one duplicate the design allows.
 *
 * On PostgreSQL other instances may be alive, so only claims older than the lease
 * are taken back. SQLite is single-instance: any claim that is not ours belongs to
 * a process that is gone, whatever its age.
 */
export async function releaseStaleClaims(db: Database, worker: string, staleBefore: Date): Promise<void> {
  const condition = db.dialect === 'sqlite' ? 'locked_by <> :worker' : 'locked_at < :staleBefore';
  await db.sequelize.query(
    `UPDATE outbox SET status = 'pending', locked_by = NULL, locked_at = NULL
      WHERE status = 'sending' AND ${condition}`,
    { replacements: { worker, staleBefore } },
  );
}

export async function markSent(db: Database, id: number, worker: string, now: Date): Promise<void> {
  await db.models.Outbox.update(
    { status: 'sent', sent_at: now, locked_by: null, locked_at: null, attempts: db.sequelize.literal('attempts + 1') },
    { where: { id, locked_by: worker } },
  );
}

export async function markRetry(db: Database, id: number, worker: string, attempts: number, nextAttemptAt: Date, error: string) {
  await db.models.Outbox.update(
    { status: 'pending', attempts, next_attempt_at: nextAttemptAt, last_error: error, locked_by: null, locked_at: null },
    { where: { id, locked_by: worker } },
  );
}

export async function markFailed(db: Database, id: number, worker: string, attempts: number, error: string) {
  await db.models.Outbox.update(
    { status: 'failed', attempts, last_error: error, locked_by: null, locked_at: null },
    { where: { id, locked_by: worker } },
  );
}

/** Queues mails that belong to no decision (an admin's alert), in a transaction of their own. */
export async function queueOutbox(db: Database, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length > 0) await db.models.Outbox.bulkCreate(rows);
}
