import { QueryTypes } from 'sequelize';
import type { Database, Transaction } from './db.js';
import { dateFrom } from './sqlRows.js';

export interface OutboxRow {
  id: number;
  message_id: string;
  /** The composed mail as JSON; rows queued for a ticket leave the bodies to its message row. */
  mail: string;
  attempts: number;
  ticket_id: number | null;
  /** The template it was rendered from. */
  kind: string;
  recipient: string;
  /** When it was queued (the mail it answers was decided then). */
  created_at: Date | string;
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
      RETURNING id, message_id, mail, attempts, ticket_id, kind, recipient, created_at`,
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
 * On PostgreSQL other instances may be alive, so only their claims older than the
 * lease are taken back. SQLite is single-instance: any claim belongs to a process
 * that is gone or to a pass of ours that could not mark it, whatever its age.
 */
export async function releaseStaleClaims(db: Database, worker: string, staleBefore: Date): Promise<void> {
  // Our own claims too: the caller holds none between passes, so any left is a marking that failed.
  const condition = db.dialect === 'sqlite' ? 'TRUE' : '(locked_by = :worker OR locked_at < :staleBefore)';
  await db.sequelize.query(
    `UPDATE outbox SET status = 'pending', locked_by = NULL, locked_at = NULL
      WHERE status = 'sending' AND ${condition}`,
    { replacements: { worker, staleBefore } },
  );
}

/** A sent row removed with what it named: a mail to a person whose data is gone keeps nothing of them (app/privacyJobs.ts). */
export async function forgetSent(db: Database, id: number): Promise<void> {
  await db.models.Outbox.destroy({ where: { id, status: 'sent' } });
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

export async function markFailed(db: Database, id: number, worker: string, attempts: number, error: string, at: Date, transaction?: Transaction) {
  await db.models.Outbox.update(
    { status: 'failed', attempts, last_error: error, failed_at: at, locked_by: null, locked_at: null },
    { where: { id, locked_by: worker }, transaction },
  );
}

/** Queues mails that belong to no decision (an admin's alert), in the caller's transaction or one of their own. */
export async function queueOutbox(db: Database, rows: Record<string, unknown>[], transaction?: Transaction): Promise<void> {
  if (rows.length > 0) await db.models.Outbox.bulkCreate(rows, { transaction });
}

export interface UnsentRow {
  id: number;
  kind: string;
  recipient: string;
  reference: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date;
}

/** Every mail not sent: failed ones, and pending ones that have already failed once; oldest first. */
export async function unsentRows(db: Database): Promise<UnsentRow[]> {
  const rows = await db.sequelize.query<Record<string, unknown>>(
    `SELECT o.id, o.kind, o.recipient, t.reference, o.status, o.attempts, o.last_error, o.created_at, o.next_attempt_at
       FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
      WHERE o.status = 'failed' OR (o.status IN ('pending', 'sending') AND o.attempts > 0) ORDER BY o.id`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    recipient: String(r.recipient),
    reference: (r.reference as string | null) ?? null,
    status: String(r.status),
    attempts: Number(r.attempts),
    last_error: (r.last_error as string | null) ?? null,
    created_at: dateFrom(r.created_at)!,
    next_attempt_at: dateFrom(r.next_attempt_at)!,
  }));
}

/** Failed rows (these, or all) go back to pending, due now, with a fresh count of attempts; returns their ids. */
export async function retryFailed(db: Database, ids: number[] | 'all', now: Date): Promise<number[]> {
  const where = ids === 'all' ? { status: 'failed' } : { status: 'failed', id: ids };
  const rows = await db.models.Outbox.findAll({ where, attributes: ['id'], raw: true });
  const found = rows.map((r: any) => Number(r.id));
  if (found.length > 0) {
    await db.models.Outbox.update({ status: 'pending', attempts: 0, next_attempt_at: now, failed_at: null }, { where: { id: found, status: 'failed' } });
  }
  return found;
}
