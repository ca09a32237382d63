import type { Database } from './db.js';
import { dateFrom } from './sqlRows.js';

/** The last successful poll of a mailbox, so that a stalled mailbox shows (`guichet status`, logs). */
export async function recordPoll(db: Database, mailbox: string, uidValidity: string, lastUid: number | null, at: Date): Promise<void> {
  const values: Record<string, unknown> = { mailbox, uidvalidity: uidValidity, last_poll_at: at };
  if (lastUid !== null) values.last_uid = lastUid;
  await db.models.MailboxState.upsert(values);
}

/** The last error met on a mailbox, with when. */
export async function recordMailboxError(db: Database, mailbox: string, error: string, at: Date): Promise<void> {
  await db.models.MailboxState.upsert({ mailbox, last_error: error, last_error_at: at });
}

export interface MailboxState {
  mailbox: string;
  uidvalidity: string | null;
  lastPollAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** Every mailbox polled, by name. */
export async function mailboxStates(db: Database): Promise<MailboxState[]> {
  const rows = await db.models.MailboxState.findAll({ order: [['mailbox', 'ASC']], raw: true });
  return rows.map((m: any) => ({
    mailbox: m.mailbox,
    uidvalidity: m.uidvalidity ?? null,
    lastPollAt: dateFrom(m.last_poll_at),
    lastError: m.last_error ?? null,
    lastErrorAt: dateFrom(m.last_error_at),
  }));
}
