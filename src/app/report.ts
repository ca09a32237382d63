import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import { bands, share, spread, trend, type Distribution } from '../domain/report.js';
import { reportPeriod, ReportPeriodError, type ReportGrain, type ReportPeriod } from '../domain/reportPeriod.js';
import { CATEGORIES } from '../domain/vocabulary.js';
import { GuichetError } from '../errors.js';
import type { Policy } from '../domain/policy.js';
import type { Database } from '../store/db.js';
import { ReportQueries, type ReportScope } from '../store/reportQueries.js';
import { backlogJson } from './reportBacklog.js';

/** What `guichet report` was asked for (options of the CLI, or the weekly mail's). */
export interface ReportRequest {
  from?: string;
  to?: string;
  by?: ReportGrain;
  policy?: string | null;
  category?: string | null;
}

/** First-answer times are charted in these business-hour bands (upper bounds). */
export const ANSWER_BANDS_HOURS = [1, 2, 4, 8, 16, 24, 48] as const;

const minutes = (d: { median: number | null; p90: number | null }) => ({ median: d.median, p90: d.p90 });

/**
 * The report, in the shape `--format json` prints (docs/report.md defines each figure
 * and docs/cli.md the shape). Every figure but the backlog is about the tickets first
 * written in the period (their cohort), whenever what it counts happened.
 */
export async function buildReport(db: Database, config: Config, request: ReportRequest, now: Date) {
  const policyName = request.policy ?? null;
  const policy = config.policies[policyName ?? config.policy.default];
  const invalid = (message: string) => new GuichetError('GUICHET_REPORT_INVALID', message);
  if (!policy) throw invalid(`--policy ${policyName}: no such policy; the policies are ${Object.keys(config.policies).join(', ')}`);
  if (request.category && !(CATEGORIES as readonly string[]).includes(request.category)) throw invalid(`--category ${request.category}: no such category; the categories are ${CATEGORIES.join(', ')}`);
  let period: ReportPeriod;
  try {
    period = reportPeriod(request, now, policy.calendar.spec.timezone);
  } catch (error) {
    throw error instanceof ReportPeriodError ? invalid(error.message) : error;
  }
  const scope: ReportScope = { from: period.from, to: period.to, policy: policyName, category: request.category ?? null };
  const q = await ReportQueries.open(db);
  try {
    return await figures(q, config, period, scope, policy, now);
  } finally {
    await q.close();
  }
}

async function figures(q: ReportQueries, config: Config, period: ReportPeriod, scope: ReportScope, policy: Policy, now: Date) {
  const thresholds = Object.fromEntries(Object.values(config.policies).map((p) => [p.name, p.satisfaction.alertAtOrBelow]));
  // Independent aggregations, started together: on SQLite they share two read connections.
  // Answers are counted per agent: the configured ones and whoever gave a first answer.
  const firstsOf = q.byActor(scope, 'first_open');
  const [volumes, previous, channels, totals, firsts, answerElapsed, solvedOpen, solvedElapsed, holdMinutes, ratings, low, returning, sellers, answers, backlog] = await Promise.all([
    q.volumes(scope, [...period.buckets.map((b) => b.start), period.to], CATEGORIES),
    q.volumes({ ...scope, from: period.previousFrom, to: period.from }, [period.previousFrom, period.from], CATEGORIES),
    q.byActor(scope, 'opened'),
    q.totals(scope),
    firstsOf,
    q.distribution(scope, 'first_elapsed'),
    q.byActor(scope, 'solved_open'),
    q.distribution(scope, 'solved_elapsed'),
    q.distribution(scope, 'hold'),
    q.byActor(scope, 'rating'),
    q.lowRatings(scope, thresholds, 50),
    q.returning(scope),
    sellersJson(q, scope, config),
    firstsOf.then((rows) => q.countsByActor(scope, 'agent_replied', agentsOf(rows, config))),
    backlogJson(q, scope, policy, now),
  ]);
  const byCategory = sumBy(volumes, (v) => v.category);
  const previousByCategory = sumBy(previous, (v) => v.category);
  const byChannel = sumBy(channels, (c) => c.actor ?? '(unknown)');
  const answerOpen = overall(firsts);
  const solvedOpenAll = overall(solvedOpen);
  const categories = [...new Set([...byCategory.keys(), ...previousByCategory.keys()])].sort();
  const solved = spread(solvedOpenAll).count;
  const rated = ratings.reduce((sum, r) => sum + r.n, 0);
  const ratingOf = (value: number) => ratings.filter((r) => r.value === value).reduce((sum, r) => sum + r.n, 0);
  return {
    period: periodJson(period, scope.policy, scope.category, now),
    volumes: {
      tickets: totals.tickets,
      buckets: period.buckets.map((b, i) => {
        const rows = volumes.filter((v) => v.bucket === i);
        return { label: b.label, start: b.start.toISOString(), tickets: rows.reduce((s, r) => s + r.n, 0), by_category: Object.fromEntries(rows.map((r) => [r.category, r.n])) };
      }),
      by_category: categories
        .map((category) => ({ category, tickets: byCategory.get(category) ?? 0, previous: previousByCategory.get(category) ?? 0, trend: trend(byCategory.get(category) ?? 0, previousByCategory.get(category) ?? 0) }))
        .sort((a, b) => b.tickets - a.tickets || a.category.localeCompare(b.category)),
      by_channel: [...byChannel].map(([channel, tickets]) => ({ channel, tickets })).sort((a, b) => b.tickets - a.tickets || a.channel.localeCompare(b.channel)),
    },
    first_response: {
      answered: spread(answerOpen).count,
      unanswered: totals.tickets - spread(answerOpen).count,
      business_minutes: minutes(spread(answerOpen)),
      elapsed_minutes: minutes(spread(answerElapsed)),
      promised: totals.promised,
      within_promise: totals.kept,
      within_promise_share: share(totals.kept, totals.promised),
      promise_business_hours: promiseHours(policy),
      business_hour_bands: bandsJson(answerOpen, ANSWER_BANDS_HOURS.map((h) => h * 60), (bound) => `${bound / 60} h`),
    },
    resolution: {
      solved,
      business_minutes: minutes(spread(solvedOpenAll)),
      elapsed_minutes: minutes(spread(solvedElapsed)),
      within_target: totals.solvedInTarget,
      within_target_share: share(totals.solvedInTarget, solved),
      by_level: ([1, 2, 3] as const).map((level) => ({ level, solved: totals.solvedAtLevel[level], share: share(totals.solvedAtLevel[level], solved) })),
      escalated: totals.escalated,
      escalation_rate: share(totals.escalated, totals.tickets),
    },
    first_contact: { solved: totals.firstContact, share: share(totals.firstContact, solved) },
    satisfaction: {
      ratings: rated,
      average: rated === 0 ? null : Math.round((ratings.reduce((sum, r) => sum + r.value * r.n, 0) / rated) * 100) / 100,
      distribution: { 1: ratingOf(1), 2: ratingOf(2), 3: ratingOf(3), 4: ratingOf(4), 5: ratingOf(5) },
      response_rate: share(rated, solved),
      low: low.map((l) => ({ reference: l.reference, rating: l.rating, category: l.category, rated_at: l.ratedAt?.toISOString() ?? null })),
    },
    reopen: { reopened: totals.reopened, rate: share(totals.reopened, solved) },
    holds: { tickets: spread(holdMinutes).count, ...minutesOf(spread(holdMinutes)) },
    retention: retentionJson(returning),
    sellers,
    agents: agentsJson(firsts, solvedOpen, ratings, answers, config),
    backlog,
  };
}

/** A distribution summed over actors. */
function overall(rows: ActorRows): Distribution {
  return [...sumBy(rows, (r) => String(r.value))].map(([v, n]) => [Number(v), n] as const);
}

function sumBy<T extends { n: number }>(rows: readonly T[], key: (row: T) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + row.n);
  return sums;
}

export type ReportJson = Awaited<ReturnType<typeof buildReport>>;

function periodJson(period: ReportPeriod, policy: string | null, category: string | null, now: Date) {
  const lastDay = DateTime.fromJSDate(period.to, { zone: period.timezone }).minus({ days: 1 }).toISODate();
  return {
    from: DateTime.fromJSDate(period.from, { zone: period.timezone }).toISODate()!,
    to: lastDay!,
    by: period.by,
    timezone: period.timezone,
    policy,
    category,
    generated_at: now.toISOString(),
  };
}

const minutesOf = (d: { median: number | null; p90: number | null }) => ({ median_minutes: d.median, p90_minutes: d.p90 });

function bandsJson(distribution: Distribution, bounds: readonly number[], label: (bound: number) => string) {
  const counts = bands(distribution, bounds);
  return counts.map((tickets, i) => ({ band: i < bounds.length ? `< ${label(bounds[i]!)}` : `≥ ${label(bounds[bounds.length - 1]!)}`, tickets }));
}

/**
 * The first-answer promise of the report's policy in business hours, for the chart's
 * line: business hours as they are; days as that many average open days (calendar
 * hours on a calendar open all day are business hours too). The share within the promise
 * is exact per ticket; only this line is an average.
 */
function promiseHours(policy: Policy): number {
  const target = policy.targets.firstResponse;
  if (target.unit === 'hours') return target.amount;
  const week = Object.values(policy.calendar.spec.openingHours).flat();
  const openDays = Object.values(policy.calendar.spec.openingHours).filter((d) => d.length > 0).length || 7;
  const dayHours = week.reduce((s, i) => s + (i.to - i.from), 0) / 60 / openDays || 24;
  return target.business ? target.amount * dayHours : target.amount * 24;
}

function retentionJson(r: { customers: number; returning: number; previousRatings: Map<number | null, number> }) {
  let well = 0;
  let low = 0;
  let unrated = 0;
  for (const [rating, n] of r.previousRatings) {
    if (rating === null) unrated += n;
    else if (rating >= 4) well += n;
    else low += n;
  }
  return { customers: r.customers, returning: r.returning, share: share(r.returning, r.customers), previous_rated_4_or_5: well, previous_rated_1_to_3: low, previous_unrated: unrated };
}

async function sellersJson(q: ReportQueries, scope: ReportScope, config: Config) {
  const [requests, answers, chases, records] = await Promise.all([
    q.eventsBy(scope, 'seller_requested'),
    q.eventsBy(scope, 'seller_replied', 'afterSeconds'),
    q.eventsBy(scope, 'seller_replied', 'chasesBefore'),
    q.sellerRecords(),
  ]);
  const ids = [...new Set([...config.sellers.map((s) => s.id), ...requests.map((r) => r.key)])];
  return ids
    .map((id) => {
      const asked = requests.filter((r) => r.key === id).reduce((s, r) => s + r.n, 0);
      const waits = answers.filter((a) => a.key === id && a.value !== null).map((a) => [Math.floor(a.value! / 60), a.n] as const);
      const replied = answers.filter((a) => a.key === id).reduce((s, a) => s + a.n, 0);
      const known = chases.filter((c) => c.key === id && c.value !== null);
      const beforeChase = known.filter((c) => c.value === 0).reduce((s, c) => s + c.n, 0);
      const record = records.get(id);
      return {
        seller: id,
        name: config.sellers.find((s) => s.id === id)?.name ?? null,
        requests: asked,
        answers: replied,
        median_answer_minutes: spread(waits).median,
        answered_before_first_chase_share: share(beforeChase, known.reduce((s, c) => s + c.n, 0)),
        strikes: record?.strikes ?? 0,
        restricted: record?.restrictedAt != null,
      };
    })
    .filter((s) => s.requests > 0 || s.strikes > 0 || s.restricted);
}

type ActorRows = Awaited<ReturnType<ReportQueries['byActor']>>;

/** The configured agents and whoever else gave a first answer in the scope. */
function agentsOf(firsts: ActorRows, config: Config): string[] {
  return [...new Set([...config.agents.list.map((a) => a.email.toLowerCase()), ...firsts.map((r) => r.actor).filter((a): a is string => a !== null)])];
}

function agentsJson(firsts: ActorRows, solved: ActorRows, ratings: ActorRows, answers: ReadonlyMap<string, number>, config: Config) {
  const of = (rows: ActorRows, agent: string) => rows.filter((r) => r.actor === agent);
  const count = (rows: readonly { n: number }[]) => rows.reduce((s, r) => s + r.n, 0);
  const agents = [...new Set([...answers.keys(), ...[...firsts, ...solved].map((r) => r.actor).filter((a): a is string => a !== null)])]
    .filter((agent) => (answers.get(agent) ?? 0) > 0 || of(firsts, agent).length > 0 || of(solved, agent).length > 0)
    .sort();
  return agents.map((agent) => {
    const rated = of(ratings, agent);
    return {
      agent,
      name: config.agents.list.find((a) => a.email.toLowerCase() === agent.toLowerCase())?.name ?? null,
      answers: answers.get(agent) ?? 0,
      first_answers: count(of(firsts, agent)),
      median_first_answer_business_minutes: spread(of(firsts, agent).map((r) => [r.value, r.n] as const)).median,
      solved: count(of(solved, agent)),
      average_rating: count(rated) === 0 ? null : Math.round((rated.reduce((s, r) => s + r.value * r.n, 0) / count(rated)) * 100) / 100,
    };
  });
}
