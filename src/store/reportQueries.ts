import type { Distribution } from '../domain/report.js';
import type { Database } from './db.js';
import type { FactName } from './reportFacts.js';
import { bindValue, dateFrom, numbered, select, type Row } from './sqlRows.js';
import { SqliteReaders } from './sqliteReaders.js';

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


/** The counts of the scope's tickets that need a flag of the ticket row; sizes of distributions come from the facts. */
export interface CohortTotals {
  tickets: number;
  promised: number;
  kept: number;
  solvedInTarget: number;
  solvedAtLevel: Record<1 | 2 | 3, number>;
  escalated: number;
  firstContact: number;
  reopened: number;
}

const num = (v: unknown) => Number(v ?? 0);

/** Tickets that wait for the team: the backlog (an IN list, so that the status index serves it). */
const WAITING = `('open', 'waiting_customer', 'waiting_seller', 'on_hold')`;

export class ReportQueries {
  private constructor(
    private readonly db: Database,
    private readonly readers: SqliteReaders | null,
  ) {}

  /** Queries for one report; on a SQLite file, on read connections of their own (close them with `close`). */
  static async open(db: Database): Promise<ReportQueries> {
    const file = db.dialect === 'sqlite' ? db.url.slice('sqlite:'.length) : null;
    return new ReportQueries(db, file && file !== ':memory:' ? await SqliteReaders.open(file, 2) : null);
  }

  async close(): Promise<void> {
    await this.readers?.close();
  }

  /**
   * New tickets by bucket (`bounds`: the buckets' starts, then the period's end) and
   * category: one count of an index range per cell, so the cost follows the number of
   * cells, not of tickets.
   */
  async volumes(scope: ReportScope, bounds: readonly Date[], categories: readonly string[]): Promise<{ bucket: number; category: string; n: number }[]> {
    const cells = scope.category === null ? categories : [scope.category];
    const at = this.db.dialect === 'postgres' ? 'CAST(? AS timestamptz)' : '?';
    const buckets = bounds.slice(0, -1).map((_, i) => `SELECT ${i} AS "i", ${at} AS "s", ${at} AS "e"`).join(' UNION ALL ');
    const names = cells.map(() => (this.db.dialect === 'postgres' ? `SELECT CAST(? AS text) AS "category"` : `SELECT ? AS "category"`)).join(' UNION ALL ');
    const policy = scope.policy === null ? '' : ' AND f."policy" = ?';
    const rows = await this.rows(
      `SELECT b."i" AS "bucket", c."category" AS "category",
         (SELECT COUNT(*) FROM "report_facts" f WHERE f."fact" = 'opened' AND f."category" = c."category" AND f."opened_at" >= b."s" AND f."opened_at" < b."e"${policy}) AS "n"
       FROM (${buckets}) b CROSS JOIN (${names}) c`,
      // In the order the marks appear: the policy in the count, then the buckets, then the categories.
      [...(scope.policy === null ? [] : [scope.policy]), ...bounds.slice(0, -1).flatMap((b, i) => [b, bounds[i + 1]]), ...cells],
    );
    return rows.map((r) => ({ bucket: num(r.bucket), category: String(r.category), n: num(r.n) })).filter((r) => r.n > 0);
  }

  /** A distribution of one fact over the scope's tickets: value -> tickets (those without the fact left out). */
  async distribution(scope: ReportScope, fact: FactName): Promise<Distribution> {
    const where = this.factWhere(scope);
    const rows = await this.rows(`SELECT f."value" AS "v", COUNT(*) AS "n" FROM "report_facts" f${this.indexed('report_facts_value')} WHERE f."fact" = ? AND ${where.sql} GROUP BY 1`, [fact, ...where.values]);
    return rows.map((r) => [num(r.v), num(r.n)] as const);
  }

  /** The same by actor (the agent who answered or solved; the channel of an opening). */
  async byActor(scope: ReportScope, fact: FactName): Promise<{ actor: string | null; value: number; n: number }[]> {
    const where = this.factWhere(scope);
    const rows = await this.rows(
      `SELECT f."actor" AS "actor", f."value" AS "value", COUNT(*) AS "n" FROM "report_facts" f${this.indexed('report_facts_actor')} WHERE f."fact" = ? AND ${where.sql} GROUP BY 1, 2`,
      [fact, ...where.values],
    );
    return rows.map((r) => ({ actor: r.actor === null ? null : String(r.actor), value: num(r.value), n: num(r.n) }));
  }

  /** One pass over the scope's tickets (their covering index) for every count that needs a flag of the ticket. */
  async totals(scope: ReportScope): Promise<CohortTotals> {
    const where = this.where(scope);
    // A boolean or comparison is 0 or 1 in SQLite; PostgreSQL needs the cast.
    const count = (condition: string) => (this.db.dialect === 'sqlite' ? `SUM(${condition})` : `SUM((${condition})::int)`);
    const [r] = await this.rows(
      `SELECT COUNT(*) AS "tickets",
        COUNT(t."first_answer_kept") AS "promised",
        ${count('t."first_answer_kept"')} AS "kept",
        ${count('t."solved_in_target"')} AS "solved_in_target",
        ${count('t."solved_level" = 1')} AS "solved_l1",
        ${count('t."solved_level" = 2')} AS "solved_l2",
        ${count('t."solved_level" = 3')} AS "solved_l3",
        ${count('t."escalations" > 0')} AS "escalated",
        ${count('t."solved_level" = 1 AND t."agent_answers" = 1 AND t."reopens" = 0')} AS "first_contact",
        ${count('t."solved_level" IS NOT NULL AND t."reopens" > 0')} AS "reopened"
       FROM "tickets" t WHERE ${where.sql}`,
      where.values,
    );
    return {
      tickets: num(r!.tickets),
      promised: num(r!.promised),
      kept: num(r!.kept),
      solvedInTarget: num(r!.solved_in_target),
      solvedAtLevel: { 1: num(r!.solved_l1), 2: num(r!.solved_l2), 3: num(r!.solved_l3) },
      escalated: num(r!.escalated),
      firstContact: num(r!.first_contact),
      reopened: num(r!.reopened),
    };
  }

  /** Rated tickets at or under their policy's alert threshold (`thresholds` by policy name), the most recently opened first. */
  async lowRatings(scope: ReportScope, thresholds: Readonly<Record<string, number>>, limit: number): Promise<{ reference: string; rating: number; category: string; ratedAt: Date | null }[]> {
    const where = this.where(scope);
    const names = Object.keys(thresholds);
    const threshold = names.length === 0 ? '2' : `CASE t."policy" ${names.map(() => 'WHEN ? THEN ?').join(' ')} ELSE 2 END`;
    const pairs = names.flatMap((n) => [n, thresholds[n]]);
    const rows = await this.rows(
      `SELECT t."reference", t."rating", t."category", t."rated_at" FROM "tickets" t WHERE ${where.sql} AND t."rating" IS NOT NULL AND t."rating" <= ${threshold} ORDER BY t."opened_at" DESC LIMIT ${Number(limit)}`,
      [...where.values, ...pairs],
    );
    return rows.map((r) => ({ reference: String(r.reference), rating: num(r.rating), category: String(r.category), ratedAt: dateFrom(r.rated_at) }));
  }

  /**
   * The scope's customers, and those who came back: customers with a ticket of the scope
   * that followed an earlier one of theirs, by how they had rated that earlier ticket
   * when they came back (0: not rated). Counted per customer, their latest return first.
   */
  async returning(scope: ReportScope): Promise<{ customers: number; returning: number; previousRatings: Map<number | null, number> }> {
    const where = this.where(scope);
    const facts = this.factWhere(scope);
    const [customers] = await this.rows(
      `SELECT COUNT(*) AS "n" FROM (SELECT t."customer_email" FROM "tickets" t${this.indexed('tickets_customer_opened_rating')} WHERE ${this.sqliteNoRange(where.sql)} GROUP BY 1) c`,
      where.values,
    );
    const rows = await this.rows(
      `SELECT "value", COUNT(*) AS "n" FROM (
         SELECT f."actor", MAX(f."opened_at") AS "latest", ${this.db.dialect === 'sqlite' ? 'f."value"' : `(ARRAY_AGG(f."value" ORDER BY f."opened_at" DESC))[1] AS "value"`}
         FROM "report_facts" f${this.indexed('report_facts_actor')} WHERE f."fact" = 'returning' AND ${facts.sql} GROUP BY f."actor"
       ) c GROUP BY "value"`,
      facts.values,
    );
    const previousRatings = new Map<number | null, number>();
    for (const r of rows) previousRatings.set(num(r.value) === 0 ? null : num(r.value), num(r.n));
    return { customers: num(customers!.n), returning: [...previousRatings.values()].reduce((s, n) => s + n, 0), previousRatings };
  }

  /**
   * Events of one type that happened in the scope's period, by actor (the agent, the
   * seller), optionally with a numeric field of their data. With a policy or category,
   * only those of the matching tickets.
   */
  async eventsBy(scope: ReportScope, type: string, valueField?: string): Promise<{ key: string; value: number | null; n: number }[]> {
    const value = valueField ? this.jsonNumber('e', valueField) : 'NULL';
    const filters = this.filters(scope);
    const join = filters.sql === '' ? '' : ` JOIN "tickets" t ON t."id" = e."ticket_id"`;
    // On SQLite the period is read from the index entries, walked in actor order (see factWhere).
    const at = this.db.dialect === 'sqlite' ? '+e."at"' : 'e."at"';
    const rows = await this.rows(
      `SELECT e."actor" AS "key", ${value} AS "value", COUNT(*) AS "n" FROM "events" e${this.indexed('events_type_actor_at')}${join}
       WHERE e."type" = ? AND ${at} >= ? AND ${at} < ? AND e."actor" IS NOT NULL${filters.sql} GROUP BY 1, 2`,
      [type, scope.from, scope.to, ...filters.values],
    );
    return rows.map((r) => ({ key: String(r.key), value: r.value === null ? null : num(r.value), n: num(r.n) }));
  }

  /**
   * Events of one type written in the period by each of `actors`: one count of an index
   * range per actor, so the cost follows the actors, not the events.
   */
  async countsByActor(scope: ReportScope, type: string, actors: readonly string[]): Promise<Map<string, number>> {
    if (actors.length === 0) return new Map();
    const filters = this.filters(scope);
    const join = filters.sql === '' ? '' : ` JOIN "tickets" t ON t."id" = e."ticket_id"`;
    const names = actors.map(() => (this.db.dialect === 'postgres' ? `SELECT CAST(? AS text) AS "actor"` : `SELECT ? AS "actor"`)).join(' UNION ALL ');
    const at = this.db.dialect === 'postgres' ? 'CAST(? AS timestamptz)' : '?';
    const rows = await this.rows(
      `SELECT a."actor" AS "actor", (SELECT COUNT(*) FROM "events" e${join} WHERE e."type" = ? AND e."actor" = a."actor" AND e."at" >= ${at} AND e."at" < ${at}${filters.sql}) AS "n" FROM (${names}) a`,
      [type, scope.from, scope.to, ...filters.values, ...actors],
    );
    return new Map(rows.map((r) => [String(r.actor), num(r.n)]));
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
       WHERE t."status" IN ${WAITING}${where.sql} GROUP BY 1, 2, 3, 4`,
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
    const late = `t."status" IN ${WAITING} AND ((t."first_response_at" IS NULL AND t."first_response_due_at" < ?) OR t."sla_breached_at" IS NOT NULL)${where.sql}`;
    const [count] = await this.rows(`SELECT COUNT(*) AS "n" FROM "tickets" t WHERE ${late}`, [now, ...where.values]);
    const rows = await this.rows(
      `SELECT t."reference", t."status", t."level", t."category", t."opened_at", t."first_response_due_at", t."first_response_at", t."sla_breached_at" FROM "tickets" t WHERE ${late} ORDER BY t."opened_at" LIMIT ${Number(limit)}`,
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
    const open = `t."status" IN ${WAITING} AND t."first_response_at" IS NULL${where.sql}`;
    const [due] = await this.rows(`SELECT COUNT(*) AS "n" FROM "tickets" t WHERE t."first_response_due_at" >= ? AND t."first_response_due_at" < ? AND ${open}`, [from, to, ...where.values]);
    const [oldest] = await this.rows(`SELECT t."reference", t."opened_at" FROM "tickets" t WHERE ${open} ORDER BY t."opened_at" LIMIT 1`, where.values);
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

  /**
   * The facts of the scope. On SQLite the period and filters are read from the index
   * entries (`+` keeps SQLite from using them to pick a range), so that it walks the
   * fact's entries in value order and groups them without sorting a million rows.
   * PostgreSQL hashes its groups and needs no such help.
   */
  private factWhere(scope: ReportScope): { sql: string; values: unknown[] } {
    const col = (c: string) => (this.db.dialect === 'sqlite' ? `+f."${c}"` : `f."${c}"`);
    let sql = `${col('opened_at')} >= ? AND ${col('opened_at')} < ?`;
    const values: unknown[] = [scope.from, scope.to];
    if (scope.policy !== null) (sql += ` AND ${col('policy')} = ?`), values.push(scope.policy);
    if (scope.category !== null) (sql += ` AND ${col('category')} = ?`), values.push(scope.category);
    return { sql, values };
  }

  /** On SQLite, the period's range read from index entries rather than used to pick one (see factWhere). */
  private sqliteNoRange(sql: string): string {
    return this.db.dialect === 'sqlite' ? sql.replace(/t\."(opened_at|status|policy|category)"/g, '+t."$1"') : sql;
  }

  private indexed(index: string): string {
    return this.db.dialect === 'sqlite' ? ` INDEXED BY "${index}"` : '';
  }

  private jsonNumber(alias: string, field: string): string {
    const key = field.replace(/[^A-Za-z]/g, '');
    return this.db.dialect === 'sqlite' ? `json_extract(${alias}."data", '$.${key}')` : `(${alias}."data"::json ->> '${key}')::numeric`;
  }

  private rows(sql: string, values: unknown[]): Promise<Row[]> {
    if (this.readers) return this.readers.all(sql, values.map((v) => bindValue(this.db, v)));
    return select(this.db, undefined, numbered(sql), values);
  }
}
