import type { Distribution } from '../domain/report.js';
import type { Database } from './db.js';
import { dateFrom, numbered, select, type Row } from './sqlRows.js';

/**
 * The report's SQL (docs/report.md): every figure is an aggregation the database does,
 * returning a few hundred rows at most, whatever the number of tickets. Answer times
 * come back as distributions (value, count) so that medians and percentiles are exact
 * on SQLite too, which has no percentile function; the domain reads them (domain/report.ts).
 */

/** Which tickets a report is about: opened in [from, to), optionally of one policy or category. */
export interface ReportScope {
  from: Date;
  to: Date;
  policy: string | null;
  category: string | null;
}


export interface CohortTotals {
  tickets: number;
  answered: number;
  promised: number;
  kept: number;
  solved: number;
  solvedInTarget: number;
  solvedAtLevel: Record<1 | 2 | 3, number>;
  escalated: number;
  firstContact: number;
  reopened: number;
  held: number;
  rated: number;
  ratingSum: number;
  ratings: Record<1 | 2 | 3 | 4 | 5, number>;
}

const num = (v: unknown) => Number(v ?? 0);

export class ReportQueries {
  constructor(private readonly db: Database) {}

  /** Tickets of the scope, by bucket (index into `bounds`, the buckets' starts) and category. */
  async volumes(scope: ReportScope, bounds: readonly Date[]): Promise<{ bucket: number; category: string; n: number }[]> {
    const cases = bounds.slice(1).map(() => `WHEN t."opened_at" < ? THEN`);
    const bucket = bounds.length <= 1 ? '0' : `CASE ${cases.map((c, i) => `${c} ${i}`).join(' ')} ELSE ${bounds.length - 1} END`;
    const where = this.where(scope);
    const rows = await this.rows(`SELECT ${bucket} AS "bucket", t."category" AS "category", COUNT(*) AS "n" FROM "tickets" t WHERE ${where.sql} GROUP BY 1, 2`, [...bounds.slice(1), ...where.values]);
    return rows.map((r) => ({ bucket: num(r.bucket), category: String(r.category), n: num(r.n) }));
  }

  async countsBy(scope: ReportScope, column: 'category' | 'channel'): Promise<Map<string, number>> {
    const where = this.where(scope);
    const rows = await this.rows(`SELECT t."${column}" AS "key", COUNT(*) AS "n" FROM "tickets" t WHERE ${where.sql} GROUP BY 1`, where.values);
    return new Map(rows.map((r) => [r.key === null ? '(unknown)' : String(r.key), num(r.n)]));
  }

  /** One pass over the scope's tickets for every count the report shares out. */
  async totals(scope: ReportScope): Promise<CohortTotals> {
    const where = this.where(scope);
    const when = (condition: string) => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
    const [r] = await this.rows(
      `SELECT COUNT(*) AS "tickets",
        ${when('t."first_answer_minutes" IS NOT NULL')} AS "answered",
        ${when('t."first_answer_kept" IS NOT NULL')} AS "promised",
        ${when('t."first_answer_kept"')} AS "kept",
        ${when('t."solved_at" IS NOT NULL')} AS "solved",
        ${when('t."solved_in_target"')} AS "solved_in_target",
        ${when('t."solved_level" = 1')} AS "solved_l1",
        ${when('t."solved_level" = 2')} AS "solved_l2",
        ${when('t."solved_level" = 3')} AS "solved_l3",
        ${when('t."escalations" > 0')} AS "escalated",
        ${when('t."solved_level" = 1 AND t."agent_answers" = 1 AND t."reopens" = 0')} AS "first_contact",
        ${when('t."solved_at" IS NOT NULL AND t."reopens" > 0')} AS "reopened",
        ${when('t."holds" > 0')} AS "held",
        COUNT(t."rating") AS "rated", SUM(t."rating") AS "rating_sum",
        ${[1, 2, 3, 4, 5].map((n) => `${when(`t."rating" = ${n}`)} AS "r${n}"`).join(', ')}
       FROM "tickets" t WHERE ${where.sql}`,
      where.values,
    );
    return {
      tickets: num(r!.tickets),
      answered: num(r!.answered),
      promised: num(r!.promised),
      kept: num(r!.kept),
      solved: num(r!.solved),
      solvedInTarget: num(r!.solved_in_target),
      solvedAtLevel: { 1: num(r!.solved_l1), 2: num(r!.solved_l2), 3: num(r!.solved_l3) },
      escalated: num(r!.escalated),
      firstContact: num(r!.first_contact),
      reopened: num(r!.reopened),
      held: num(r!.held),
      rated: num(r!.rated),
      ratingSum: num(r!.rating_sum),
      ratings: { 1: num(r!.r1), 2: num(r!.r2), 3: num(r!.r3), 4: num(r!.r4), 5: num(r!.r5) },
    };
  }

  /** How the scope's tickets spread over one of the record's minute columns (tickets without a value left out). */
  async distribution(scope: ReportScope, column: 'first_answer_minutes' | 'first_answer_open_minutes' | 'solved_minutes' | 'solved_open_minutes' | 'hold_minutes'): Promise<Distribution> {
    const where = this.where(scope);
    const present = column === 'hold_minutes' ? 't."holds" > 0' : `t."${column}" IS NOT NULL`;
    const rows = await this.rows(`SELECT t."${column}" AS "v", COUNT(*) AS "n" FROM "tickets" t WHERE ${where.sql} AND ${present} GROUP BY 1`, where.values);
    return rows.map((r) => [num(r.v), num(r.n)] as const);
  }

  /** Rated tickets at or under their policy's alert threshold (`thresholds` by policy name), newest first. */
  async lowRatings(scope: ReportScope, thresholds: Readonly<Record<string, number>>, limit: number): Promise<{ reference: string; rating: number; category: string; ratedAt: Date | null }[]> {
    const where = this.where(scope);
    const names = Object.keys(thresholds);
    const threshold = names.length === 0 ? '2' : `CASE t."policy" ${names.map(() => 'WHEN ? THEN ?').join(' ')} ELSE 2 END`;
    const pairs = names.flatMap((n) => [n, thresholds[n]]);
    const rows = await this.rows(
      `SELECT t."reference", t."rating", t."category", t."rated_at" FROM "tickets" t WHERE ${where.sql} AND t."rating" IS NOT NULL AND t."rating" <= ${threshold} ORDER BY t."rated_at" DESC, t."id" DESC LIMIT ${Number(limit)}`,
      [...where.values, ...pairs],
    );
    return rows.map((r) => ({ reference: String(r.reference), rating: num(r.rating), category: String(r.category), ratedAt: dateFrom(r.rated_at) }));
  }

  /**
   * Customers of the scope who came back: for each customer, their latest ticket in the
   * scope, whether an earlier ticket of theirs exists (in the scope or before it), and
   * the rating of the one just before (null: not rated).
   */
  async returning(scope: ReportScope): Promise<{ customers: number; returning: number; previousRatings: Map<number | null, number> }> {
    const where = this.where(scope);
    const rows = await this.rows(
      `SELECT "previous_rating", COUNT(*) AS "n", SUM(CASE WHEN "previous_id" IS NULL THEN 0 ELSE 1 END) AS "returning" FROM (
         SELECT f."customer_email",
           (SELECT p."id" FROM "tickets" p WHERE p."customer_email" = f."customer_email" AND p."opened_at" < f."latest_at" AND p."status" <> 'spam' ORDER BY p."opened_at" DESC LIMIT 1) AS "previous_id",
           (SELECT p."rating" FROM "tickets" p WHERE p."customer_email" = f."customer_email" AND p."opened_at" < f."latest_at" AND p."status" <> 'spam' ORDER BY p."opened_at" DESC LIMIT 1) AS "previous_rating"
         FROM (SELECT t."customer_email", MAX(t."opened_at") AS "latest_at" FROM "tickets" t WHERE ${where.sql} GROUP BY t."customer_email") f
       ) c GROUP BY "previous_rating"`,
      where.values,
    );
    let customers = 0;
    let returning = 0;
    const previousRatings = new Map<number | null, number>();
    for (const r of rows) {
      customers += num(r.n);
      returning += num(r.returning);
      if (num(r.returning) > 0) previousRatings.set(r.previous_rating === null ? null : num(r.previous_rating), num(r.returning));
    }
    return { customers, returning, previousRatings };
  }

  /** Events of one type on the scope's tickets, grouped by a field of their data (and optionally a second, numeric one). */
  async eventsBy(scope: ReportScope, type: string, field: string, valueField?: string): Promise<{ key: string; value: number | null; n: number }[]> {
    const where = this.where(scope);
    const value = valueField ? this.jsonNumber('e', valueField) : 'NULL';
    const rows = await this.rows(
      `SELECT ${this.jsonText('e', field)} AS "key", ${value} AS "value", COUNT(*) AS "n" FROM "events" e JOIN "tickets" t ON t."id" = e."ticket_id"
       WHERE e."type" = ? AND ${where.sql} GROUP BY 1, 2`,
      [type, ...where.values],
    );
    return rows.map((r) => ({ key: String(r.key), value: r.value === null ? null : num(r.value), n: num(r.n) }));
  }

  /** The scope's tickets grouped by an agent column and a minute column, for per-agent medians. */
  async byAgent(scope: ReportScope, agentColumn: 'first_agent' | 'solved_by', valueColumn: 'first_answer_open_minutes' | 'rating'): Promise<{ agent: string; value: number | null; n: number }[]> {
    const where = this.where(scope);
    const rows = await this.rows(
      `SELECT t."${agentColumn}" AS "agent", t."${valueColumn}" AS "value", COUNT(*) AS "n" FROM "tickets" t WHERE ${where.sql} AND t."${agentColumn}" IS NOT NULL GROUP BY 1, 2`,
      where.values,
    );
    return rows.map((r) => ({ agent: String(r.agent), value: r.value === null ? null : num(r.value), n: num(r.n) }));
  }

  async sellerRecords(): Promise<Map<string, { strikes: number; restrictedAt: Date | null }>> {
    const rows = await this.rows('SELECT "seller_id", "strikes", "restricted_at" FROM "sellers"', []);
    return new Map(rows.map((r) => [String(r.seller_id), { strikes: num(r.strikes), restrictedAt: dateFrom(r.restricted_at) }]));
  }

  /** Tickets waiting for the team now (not resolved, closed or spam), by status, level, category and age band (`ageBounds`: oldest first). */
  async backlog(filter: Pick<ReportScope, 'policy' | 'category'>, ageBounds: readonly Date[]): Promise<{ status: string; level: number; category: string; band: number; n: number }[]> {
    const where = this.filters(filter);
    const band = `CASE ${ageBounds.map((_, i) => `WHEN t."opened_at" < ? THEN ${i}`).join(' ')} ELSE ${ageBounds.length} END`;
    const rows = await this.rows(
      `SELECT t."status", t."level", t."category", ${band} AS "band", COUNT(*) AS "n" FROM "tickets" t
       WHERE t."status" NOT IN ('resolved', 'closed', 'spam')${where.sql} GROUP BY 1, 2, 3, 4`,
      [...ageBounds, ...where.values],
    );
    return rows.map((r) => ({ status: String(r.status), level: num(r.level), category: String(r.category), band: num(r.band), n: num(r.n) }));
  }

  /**
   * Open tickets past a promise now: a first answer not given by its due time, or the
   * resolution target missed (`sla_breached_at`). Oldest first, with how many in all.
   */
  async overdue(filter: Pick<ReportScope, 'policy' | 'category'>, now: Date, limit: number): Promise<{ total: number; tickets: { reference: string; status: string; level: number; category: string; openedAt: Date; dueAt: Date | null; kind: 'first_answer' | 'resolution' }[] }> {
    const where = this.filters(filter);
    const late = `t."status" NOT IN ('resolved', 'closed', 'spam') AND ((t."first_response_at" IS NULL AND t."first_response_due_at" < ?) OR t."sla_breached_at" IS NOT NULL)${where.sql}`;
    const [count] = await this.rows(`SELECT COUNT(*) AS "n" FROM "tickets" t WHERE ${late}`, [now, ...where.values]);
    const rows = await this.rows(
      `SELECT t."reference", t."status", t."level", t."category", t."opened_at", t."first_response_due_at", t."first_response_at", t."sla_breached_at" FROM "tickets" t WHERE ${late} ORDER BY t."opened_at", t."id" LIMIT ${Number(limit)}`,
      [now, ...where.values],
    );
    return {
      total: num(count!.n),
      tickets: rows.map((r) => {
        const firstAnswer = r.first_response_at === null && dateFrom(r.first_response_due_at) !== null && dateFrom(r.first_response_due_at)!.getTime() < now.getTime();
        return {
          reference: String(r.reference),
          status: String(r.status),
          level: num(r.level),
          category: String(r.category),
          openedAt: dateFrom(r.opened_at)!,
          dueAt: firstAnswer ? dateFrom(r.first_response_due_at) : dateFrom(r.sla_breached_at),
          kind: firstAnswer ? 'first_answer' : 'resolution',
        };
      }),
    };
  }

  /** Unanswered open tickets whose first answer falls due in [from, to), and the oldest unanswered one. */
  async unanswered(filter: Pick<ReportScope, 'policy' | 'category'>, from: Date, to: Date): Promise<{ dueInWindow: number; oldest: { reference: string; openedAt: Date } | null }> {
    const where = this.filters(filter);
    const open = `t."status" NOT IN ('resolved', 'closed', 'spam') AND t."first_response_at" IS NULL${where.sql}`;
    const [due] = await this.rows(`SELECT COUNT(*) AS "n" FROM "tickets" t WHERE t."first_response_due_at" >= ? AND t."first_response_due_at" < ? AND ${open}`, [from, to, ...where.values]);
    const [oldest] = await this.rows(`SELECT t."reference", t."opened_at" FROM "tickets" t WHERE ${open} ORDER BY t."opened_at", t."id" LIMIT 1`, where.values);
    return { dueInWindow: num(due!.n), oldest: oldest ? { reference: String(oldest.reference), openedAt: dateFrom(oldest.opened_at)! } : null };
  }

  private where(scope: ReportScope): { sql: string; values: unknown[] } {
    const filters = this.filters(scope);
    return { sql: `t."opened_at" >= ? AND t."opened_at" < ? AND t."status" <> 'spam'${filters.sql}`, values: [scope.from, scope.to, ...filters.values] };
  }

  private filters(filter: Pick<ReportScope, 'policy' | 'category'>): { sql: string; values: unknown[] } {
    let sql = '';
    const values: unknown[] = [];
    if (filter.policy !== null) (sql += ' AND t."policy" = ?'), values.push(filter.policy);
    if (filter.category !== null) (sql += ' AND t."category" = ?'), values.push(filter.category);
    return { sql, values };
  }

  private jsonText(alias: string, field: string): string {
    const key = field.replace(/[^A-Za-z]/g, '');
    return this.db.dialect === 'sqlite' ? `json_extract(${alias}."data", '$.${key}')` : `(${alias}."data"::json ->> '${key}')`;
  }

  private jsonNumber(alias: string, field: string): string {
    const key = field.replace(/[^A-Za-z]/g, '');
    return this.db.dialect === 'sqlite' ? `json_extract(${alias}."data", '$.${key}')` : `(${alias}."data"::json ->> '${key}')::numeric`;
  }

  private rows(sql: string, values: unknown[]): Promise<Row[]> {
    return select(this.db, undefined, numbered(sql), values);
  }
}
