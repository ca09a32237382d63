import { DateTime } from 'luxon';
import type { Policy } from '../domain/policy.js';
import type { ReportQueries } from '../store/reportQueries.js';

/** The backlog's age bands (upper bounds, in days since the first mail). */
export const AGE_BANDS_DAYS = [1, 2, 5, 10, 30] as const;

/**
 * The tickets waiting for the team now, as the report and `guichet status` show them:
 * by status, level, category and age; those past a promise; the first answers due
 * before midnight in the policy's time zone; the oldest waiting for an answer.
 */
export async function backlogJson(q: ReportQueries, scope: { policy: string | null; category: string | null }, policy: Policy, now: Date, listed = 20) {
  const day = 86_400_000;
  const ageBounds = [...AGE_BANDS_DAYS].reverse().map((d) => new Date(now.getTime() - d * day));
  const zone = policy.calendar.spec.timezone;
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const [rows, overdue, unanswered] = await Promise.all([
    q.backlog(scope, ageBounds),
    q.overdue(scope, now, listed),
    q.unanswered(scope, today.toJSDate(), today.plus({ days: 1 }).toJSDate()),
  ]);
  const sum = (key: (r: (typeof rows)[number]) => string) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + r.n;
    return out;
  };
  const labels = [`≥ ${AGE_BANDS_DAYS.at(-1)} d`, ...[...AGE_BANDS_DAYS].reverse().slice(1).map((d, i) => `${d}-${[...AGE_BANDS_DAYS].reverse()[i]} d`), `< ${AGE_BANDS_DAYS[0]} d`];
  return {
    open: rows.reduce((s, r) => s + r.n, 0),
    by_status: sum((r) => r.status),
    by_level: sum((r) => String(r.level)),
    by_category: sum((r) => r.category),
    by_age: labels.map((band, i) => ({ band, tickets: rows.filter((r) => r.band === i).reduce((s, r) => s + r.n, 0) })).reverse(),
    overdue: {
      total: overdue.total,
      oldest: overdue.tickets.map((t) => ({ reference: t.reference, status: t.status, level: t.level, category: t.category, opened_at: t.openedAt.toISOString(), due_at: t.dueAt?.toISOString() ?? null, late: t.kind })),
    },
    first_answers_due_today: unanswered.dueInWindow,
    oldest_unanswered: unanswered.oldest ? { reference: unanswered.oldest.reference, opened_at: unanswered.oldest.openedAt.toISOString() } : null,
  };
}
