import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * What the reports read about a ticket (domain/ticketRecord.ts), as plain columns, and
 * the indexes the report's aggregations walk. Idempotent (see 001).
 *
 * Tickets opened before this migration have no record: reports count them in volumes
 * and backlog, not in answer times (their business minutes were never computed).
 */
const COLUMNS: Record<string, Parameters<QueryInterface['addColumn']>[2]> = {
  channel: { type: DataTypes.STRING(320) },
  first_answer_minutes: { type: DataTypes.INTEGER },
  first_answer_open_minutes: { type: DataTypes.INTEGER },
  first_answer_kept: { type: DataTypes.BOOLEAN },
  first_agent: { type: DataTypes.STRING(320) },
  solved_at: { type: DataTypes.DATE },
  solved_minutes: { type: DataTypes.INTEGER },
  solved_open_minutes: { type: DataTypes.INTEGER },
  solved_in_target: { type: DataTypes.BOOLEAN },
  solved_level: { type: DataTypes.INTEGER },
  solved_by: { type: DataTypes.STRING(320) },
  agent_answers: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  reopens: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  escalations: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  holds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  hold_minutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  hold_started_at: { type: DataTypes.DATE },
  rated_at: { type: DataTypes.DATE },
};

/**
 * The report's counts read a period's tickets through this index alone, never the wide
 * ticket rows: on SQLite a scan of a million index entries costs a third of a table
 * scan (docs/performance.md, "Reports").
 */
const REPORT_INDEX = ['opened_at', 'status', 'policy', 'category', 'first_answer_kept', 'solved_in_target', 'solved_level', 'escalations', 'agent_answers', 'reopens', 'rating'];

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  for (const [name, spec] of Object.entries(COLUMNS)) if (!(name in columns)) await qi.addColumn('tickets', name, spec);
  const events = await qi.describeTable('events');
  // Who an event is about (an agent's address, a seller's id), so that counting answers per agent reads an index, not JSON.
  if (!('actor' in events)) {
    await qi.addColumn('events', 'actor', { type: DataTypes.STRING(320) });
    const field = (key: string) => (qi.sequelize.getDialect() === 'postgres' ? `("data"::json ->> '${key}')` : `json_extract("data", '$.${key}')`);
    await qi.sequelize.query(`UPDATE "events" SET "actor" = COALESCE(${field('sellerId')}, ${field('agent')}, ${field('by')}) WHERE "type" IN (${ACTOR_EVENTS.map((t) => `'${t}'`).join(', ')})`);
  }
  // The scheduled report mail's state (store/reportRuns.ts).
  await qi.sequelize.query(`INSERT INTO "alerts" ("kind", "active") VALUES ('report_mail', ?) ON CONFLICT ("kind") DO NOTHING`, { replacements: [false] });
  await qi.createTable('report_facts', {
    ticket_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'tickets', key: 'id' } },
    fact: { type: DataTypes.STRING(16), allowNull: false, primaryKey: true },
    value: { type: DataTypes.INTEGER, allowNull: false },
    actor: { type: DataTypes.STRING(320) },
    opened_at: { type: DataTypes.DATE, allowNull: false },
    policy: { type: DataTypes.STRING(64), allowNull: false },
    category: { type: DataTypes.STRING(48), allowNull: false },
  });
  // Tickets opened before the reports: each counts as opened (no other figure was recorded for them).
  await qi.sequelize.query(
    `INSERT INTO "report_facts" ("ticket_id", "fact", "value", "actor", "opened_at", "policy", "category")
     SELECT "id", 'opened', 0, "channel", "opened_at", "policy", "category" FROM "tickets" t
     WHERE "status" <> 'spam' AND NOT EXISTS (SELECT 1 FROM "report_facts" f WHERE f."ticket_id" = t."id" AND f."fact" = 'opened')`,
  );
  // Returns already made: a ticket that followed an earlier one of its customer (the rating is the earlier ticket's as it is now).
  const previous = (column: string) =>
    `(SELECT p."${column}" FROM "tickets" p WHERE p."customer_email" = t."customer_email" AND p."opened_at" < t."opened_at" AND p."status" <> 'spam' ORDER BY p."opened_at" DESC LIMIT 1)`;
  await qi.sequelize.query(
    `INSERT INTO "report_facts" ("ticket_id", "fact", "value", "actor", "opened_at", "policy", "category")
     SELECT t."id", 'returning', COALESCE(${previous('rating')}, 0), t."customer_email", t."opened_at", t."policy", t."category" FROM "tickets" t
     WHERE t."status" <> 'spam' AND ${previous('id')} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "report_facts" f WHERE f."ticket_id" = t."id" AND f."fact" = 'returning')`,
  );
  const index = (name: string, table: string, columns: string[]) => qi.sequelize.query(`CREATE INDEX IF NOT EXISTS "${name}" ON "${table}" (${columns.map((c) => `"${c}"`).join(', ')})`);
  await index('tickets_report', 'tickets', REPORT_INDEX);
  // The backlog reads the tickets waiting now through this index alone.
  await index('tickets_waiting', 'tickets', ['status', 'opened_at', 'level', 'category', 'policy', 'first_response_at', 'first_response_due_at', 'sla_breached_at']);
  // Retention walks each customer's tickets in order (store/reportQueries.ts, `returning`).
  await index('tickets_customer_opened_rating', 'tickets', ['customer_email', 'opened_at', 'status', 'rating', 'policy', 'category']);
  // Answers per agent are read in (type, actor) order, so that SQLite groups without sorting.
  await index('events_type_actor_at', 'events', ['type', 'actor', 'at']);
  // A distribution is read in value order, an agent's in (agent, value) order, and volumes count ranges of opening times by category.
  await index('report_facts_value', 'report_facts', ['fact', 'value', 'opened_at', 'policy', 'category']);
  await index('report_facts_actor', 'report_facts', ['fact', 'actor', 'value', 'opened_at', 'policy', 'category']);
  await index('report_facts_category', 'report_facts', ['fact', 'category', 'opened_at', 'policy']);
}

/** The events whose actor the report counts; the same list as store/decisionWriter.ts fills. */
const ACTOR_EVENTS = ['agent_replied', 'first_response', 'resolved', 'seller_requested', 'seller_replied', 'seller_struck', 'seller_chased'];

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('report_facts');
  for (const name of ['tickets_report', 'tickets_waiting', 'tickets_customer_opened_rating', 'events_type_actor_at']) await qi.sequelize.query(`DROP INDEX IF EXISTS "${name}"`);
  await qi.removeColumn('events', 'actor');
  for (const name of Object.keys(COLUMNS).reverse()) await qi.removeColumn('tickets', name);
}
