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

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  for (const [name, spec] of Object.entries(COLUMNS)) if (!(name in columns)) await qi.addColumn('tickets', name, spec);
  const index = (name: string, table: string, columns: string) => qi.sequelize.query(`CREATE INDEX IF NOT EXISTS "${name}" ON "${table}" (${columns})`);
  await index('tickets_opened_at', 'tickets', '"opened_at"');
  await index('tickets_customer_email_opened_at', 'tickets', '"customer_email", "opened_at"');
  await index('tickets_rated_at', 'tickets', '"rated_at"');
  await index('events_type_at', 'events', '"type", "at"');
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const name of ['tickets_opened_at', 'tickets_customer_email_opened_at', 'tickets_rated_at', 'events_type_at']) await qi.sequelize.query(`DROP INDEX IF EXISTS "${name}"`);
  for (const name of Object.keys(COLUMNS).reverse()) await qi.removeColumn('tickets', name);
}
