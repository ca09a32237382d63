import type { AlertState, TroubleKind, TroubleSnapshot } from '../domain/trouble.js';
import type { Database, Transaction } from './db.js';
import { dateFrom, numbered, select } from './sqlRows.js';

/** What was told of each kind of trouble; locked until commit where instances share the database, so one of them tells. */
export async function lockAlertStates(db: Database, transaction: Transaction): Promise<AlertState[]> {
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await select<{ kind: string; last_sent_at: unknown; active: unknown; cursor: string | null }>(db, transaction, `SELECT * FROM "alerts" ORDER BY "kind"${lock}`, []);
  return rows.map((r) => ({ kind: r.kind as TroubleKind, lastSentAt: dateFrom(r.last_sent_at), active: r.active === true || r.active === 1, cursor: r.cursor }));
}

export async function saveAlertStates(db: Database, transaction: Transaction, states: readonly AlertState[]): Promise<void> {
  for (const s of states) {
    await db.sequelize.query(`UPDATE "alerts" SET "last_sent_at" = :lastSentAt, "active" = :active, "cursor" = :cursor WHERE "kind" = :kind`, {
      replacements: { kind: s.kind, lastSentAt: s.lastSentAt, active: s.active, cursor: s.cursor },
      transaction,
    });
  }
}

/** How many items one alert lists at most; the rest come in the next one. */
const LIST_LIMIT = 20;

/** What the trouble judgement needs, new items counted from each kind's cursor. */
export async function troubleSnapshot(db: Database, transaction: Transaction | undefined, states: readonly AlertState[], inbox: string): Promise<TroubleSnapshot> {
  const cursor = (kind: TroubleKind) => states.find((s) => s.kind === kind)?.cursor ?? null;
  const quarantineAfter = Number(cursor('quarantine') ?? 0);
  const failedAfter = cursor('outbox_failed');
  const quarantined = await select<{ id: number; source: string; reason: string | null; received_at: unknown }>(
    db,
    transaction,
    numbered(`SELECT "id", "source", "reason", "received_at" FROM "inbound_mails" WHERE "outcome" = 'quarantined' AND "id" > ? ORDER BY "id" LIMIT ${LIST_LIMIT}`),
    [quarantineAfter],
  );
  const failed = await select<{ id: number; kind: string; recipient: string; reference: string | null; last_error: string | null; failed_at: unknown }>(
    db,
    transaction,
    numbered(
      `SELECT o."id", o."kind", o."recipient", t."reference", o."last_error", o."failed_at" FROM "outbox" o LEFT JOIN "tickets" t ON t."id" = o."ticket_id" ` +
        `WHERE o."status" = 'failed' AND o."failed_at" IS NOT NULL${failedAfter ? ' AND o."failed_at" > ?' : ''} ORDER BY o."failed_at", o."id" LIMIT ${LIST_LIMIT}`,
    ),
    failedAfter ? [new Date(failedAfter)] : [],
  );
  const [mailbox] = await select<{ last_poll_at: unknown; last_error: string | null; last_error_at: unknown }>(
    db,
    transaction,
    numbered(`SELECT "last_poll_at", "last_error", "last_error_at" FROM "mailbox_state" WHERE "mailbox" = ?`),
    [inbox],
  );
  const [unsent] = await select<{ oldest: unknown }>(db, transaction, `SELECT MIN("created_at") AS oldest FROM "outbox" WHERE "status" IN ('pending', 'sending')`, []);
  // The newest error of a mail still waiting: what the relay says now.
  const [waiting] = await select<{ last_error: string }>(
    db,
    transaction,
    `SELECT "last_error" FROM "outbox" WHERE "status" IN ('pending', 'sending') AND "last_error" IS NOT NULL ORDER BY "id" DESC LIMIT 1`,
    [],
  );
  const smtpError = waiting?.last_error ?? null;
  const lastPollAt = dateFrom(mailbox?.last_poll_at);
  const errorAt = dateFrom(mailbox?.last_error_at);
  return {
    quarantined: quarantined.map((q) => ({ id: Number(q.id), source: q.source, reason: q.reason, at: dateFrom(q.received_at)! })),
    failed: failed.map((f) => ({ id: Number(f.id), kind: f.kind, recipient: f.recipient, reference: f.reference, error: f.last_error, at: dateFrom(f.failed_at)! })),
    lastPollAt,
    imapError: mailbox?.last_error && errorAt && (!lastPollAt || errorAt > lastPollAt) ? mailbox.last_error : null,
    oldestUnsentAt: dateFrom(unsent?.oldest),
    smtpAuthError: smtpError?.startsWith('GUICHET_SMTP_AUTH') ? smtpError : null,
    smtpError,
  };
}

/** When the team last got its spam count; locked like the alerts. */
export async function lockSpamDigest(db: Database, transaction: Transaction): Promise<Date | null> {
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [row] = await select<{ last_sent_at: unknown }>(db, transaction, `SELECT "last_sent_at" FROM "alerts" WHERE "kind" = 'spam_digest'${lock}`, []);
  return dateFrom(row?.last_sent_at);
}

export async function saveSpamDigest(db: Database, transaction: Transaction, at: Date): Promise<void> {
  await db.sequelize.query(`UPDATE "alerts" SET "last_sent_at" = :at WHERE "kind" = 'spam_digest'`, { replacements: { at }, transaction });
}

export interface SpamSeen {
  count: number;
  /** The first ones, oldest first. */
  mails: { reference: string; from: string; subject: string; reason: string; score: number | null }[];
}

/** Spam received since `since`, as its `spam_received` events recorded it. */
export async function spamSince(db: Database, transaction: Transaction, since: Date): Promise<SpamSeen> {
  const [counted] = await select<{ n: number | string }>(db, transaction, numbered(`SELECT COUNT(*) AS n FROM "events" WHERE "type" = 'spam_received' AND "at" > ?`), [since]);
  const rows = await select<{ reference: string; data: string }>(
    db,
    transaction,
    numbered(`SELECT t."reference", e."data" FROM "events" e JOIN "tickets" t ON t."id" = e."ticket_id" WHERE e."type" = 'spam_received' AND e."at" > ? ORDER BY e."id" LIMIT ${LIST_LIMIT}`),
    [since],
  );
  return {
    count: Number(counted?.n ?? 0),
    mails: rows.map((r) => {
      const data = JSON.parse(r.data) as { from: string; subject: string; reason: string; score: number | null };
      return { reference: r.reference, from: data.from, subject: data.subject, reason: data.reason, score: data.score };
    }),
  };
}
