import type { Config } from '../config/schema.js';
import { judgeTrouble } from '../domain/trouble.js';
import { troubleSnapshot } from '../store/alerts.js';
import { alertRules } from './troubleWatch.js';
import type { Database } from '../store/db.js';
import { countBy } from '../store/counts.js';
import { ReportQueries } from '../store/reportQueries.js';
import { backlogJson } from './reportBacklog.js';
import { mailboxStates } from '../store/mailboxState.js';
import { quarantineList } from './quarantineRelease.js';
import { unfinishedErasures } from '../store/erasures.js';
import { VERSION } from '../version.js';

/**
 * What an admin checks first when "nothing happens": when the mailbox was last
 * polled and the last error, what waits in the outbox, what sits in quarantine.
 * Shape documented in docs/cli.md.
 */
export interface StatusJson {
  /** guichet's version (package.json). */
  version: string;
  mailboxes: { mailbox: string; uidvalidity: string | null; last_poll_at: string | null; last_error: string | null; last_error_at: string | null }[];
  tickets: Record<string, number>;
  outbox: Record<string, number>;
  inbound: Record<string, number>;
  quarantine: { source: string; reason: string | null; received_at: string }[];
  /** guichet's own trouble going on now, as the admins are told of it (domain/trouble.ts). */
  trouble: { kind: string; since: string | null; detail: string }[];
  /** Erasures that started and did not finish (a crash, an IMAP server down): run `guichet customer erase` again. */
  unfinished_erasures: { pseudonym: string; stage: string; started_at: string }[];
  /** What the team looks at each morning (the same queries as the report's backlog). */
  today: {
    /** Open tickets past their first-answer promise or their resolution target. */
    overdue: number;
    /** First answers due before midnight, in the default policy's time zone. */
    first_answers_due_today: number;
    oldest_unanswered: { reference: string; opened_at: string; waiting_minutes: number } | null;
  };
}

const iso = (value: Date | null) => value?.toISOString() ?? null;

export async function status(db: Database, config: Config, now: Date): Promise<StatusJson> {
  const mailboxes = await mailboxStates(db);
  const quarantine = (await quarantineList(db)).slice(0, 20);
  return {
    version: VERSION,
    mailboxes: mailboxes.map((m) => ({
      mailbox: m.mailbox,
      uidvalidity: m.uidvalidity,
      last_poll_at: iso(m.lastPollAt),
      last_error: m.lastError,
      last_error_at: iso(m.lastErrorAt),
    })),
    tickets: await countBy(db, 'tickets', 'status'),
    outbox: await countBy(db, 'outbox', 'status'),
    inbound: await countBy(db, 'inbound_mails', 'outcome'),
    quarantine: quarantine.map(({ source, reason, received_at }) => ({ source, reason, received_at })),
    trouble: await troubleNow(db, config, now),
    unfinished_erasures: (await unfinishedErasures(db)).map((e) => ({ pseudonym: e.pseudonym, stage: e.stage, started_at: e.started_at.toISOString() })),
    today: await today(db, config, now),
  };
}

/** The same judgement the daemon makes, read-only: nothing is marked as told. */
async function troubleNow(db: Database, config: Config, now: Date): Promise<StatusJson['trouble']> {
  // No states: lists count from the start, and `status` shows what is there, told or not.
  const snapshot = await troubleSnapshot(db, undefined, [], config.imap.inbox);
  const { ongoing } = judgeTrouble(snapshot, [], alertRules(config, new Date(0)), now);
  return ongoing.map((t) => ({ kind: t.kind, since: iso(t.since), detail: t.detail }));
}

async function today(db: Database, config: Config, now: Date): Promise<StatusJson['today']> {
  const q = await ReportQueries.open(db);
  try {
    const backlog = await backlogJson(q, { policy: null, category: null }, config.policies[config.policy.default]!, now, 0);
    const oldest = backlog.oldest_unanswered;
    return {
      overdue: backlog.overdue.total,
      first_answers_due_today: backlog.first_answers_due_today,
      oldest_unanswered: oldest ? { ...oldest, waiting_minutes: Math.floor((now.getTime() - new Date(oldest.opened_at).getTime()) / 60_000) } : null,
    };
  } finally {
    await q.close();
  }
}
