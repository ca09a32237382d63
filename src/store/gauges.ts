import type { Database } from './db.js';
import { dateFrom, numbered, select } from './sqlRows.js';

/** What the metrics read from the database when scraped: the state now, shared by every instance. */
export interface StoreGauges {
  openTickets: { level: number; status: string; n: number }[];
  slaBreachedOpen: number;
  outbox: { status: string; n: number }[];
  oldestUnsentAt: Date | null;
  timersDue: number;
  timersOverdue: number;
  quarantined: number;
  lastPollAt: Date | null;
}

/** `overdueBefore`: a due timer older than this is overdue (the scheduler should have fired it). */
export async function storeGauges(db: Database, now: Date, overdueBefore: Date, mailbox: string): Promise<StoreGauges> {
  const q = <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => select<T>(db, undefined, numbered(sql), values);
  const [open, breached, outbox, oldest, due, overdue, quarantined, poll] = await Promise.all([
    q<{ level: number; status: string; n: number }>(`SELECT "level", "status", COUNT(*) AS "n" FROM "tickets" WHERE "status" NOT IN ('closed', 'spam') GROUP BY "level", "status"`),
    q<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "tickets" WHERE "status" NOT IN ('closed', 'spam') AND "sla_breached_at" IS NOT NULL`),
    q<{ status: string; n: number }>('SELECT "status", COUNT(*) AS "n" FROM "outbox" GROUP BY "status"'),
    q<{ at: unknown }>(`SELECT MIN("created_at") AS "at" FROM "outbox" WHERE "status" IN ('pending', 'sending')`),
    q<{ n: number }>('SELECT COUNT(*) AS "n" FROM "timers" WHERE "due_at" <= ?', [now]),
    q<{ n: number }>('SELECT COUNT(*) AS "n" FROM "timers" WHERE "due_at" <= ?', [overdueBefore]),
    q<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "inbound_mails" WHERE "outcome" = 'quarantined'`),
    q<{ at: unknown }>('SELECT "last_poll_at" AS "at" FROM "mailbox_state" WHERE "mailbox" = ?', [mailbox]),
  ]);
  return {
    openTickets: open.map((r) => ({ level: Number(r.level), status: String(r.status), n: Number(r.n) })),
    slaBreachedOpen: Number(breached[0]?.n ?? 0),
    outbox: outbox.map((r) => ({ status: String(r.status), n: Number(r.n) })),
    oldestUnsentAt: dateFrom(oldest[0]?.at),
    timersDue: Number(due[0]?.n ?? 0),
    timersOverdue: Number(overdue[0]?.n ?? 0),
    quarantined: Number(quarantined[0]?.n ?? 0),
    lastPollAt: dateFrom(poll[0]?.at),
  };
}
