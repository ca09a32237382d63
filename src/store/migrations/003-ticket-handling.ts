import { DataTypes, type QueryInterface } from 'sequelize';

/** What agents' commands set on a ticket: priority, assignee, end of a hold. Idempotent (see 001). */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  if (!('priority' in columns)) await qi.addColumn('tickets', 'priority', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'normal' });
  if (!('assignee' in columns)) await qi.addColumn('tickets', 'assignee', { type: DataTypes.STRING(320) });
  if (!('hold_until' in columns)) await qi.addColumn('tickets', 'hold_until', { type: DataTypes.DATE });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const column of ['hold_until', 'assignee', 'priority']) await qi.removeColumn('tickets', column);
}
