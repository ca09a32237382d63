import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * A reopened ticket counts its deadlines from the reopening, not from the first
 * contact: `cycle_started_at` (null until a ticket is reopened). Idempotent (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  if (!('cycle_started_at' in columns)) await qi.addColumn('tickets', 'cycle_started_at', { type: DataTypes.DATE });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('tickets', 'cycle_started_at');
}
