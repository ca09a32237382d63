import { DataTypes, type QueryInterface } from 'sequelize';

/** The addresses a ticket's mail did not reach (domain/deliveryFailure.ts), as JSON. Idempotent (see 001). */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  if (!('undeliverable' in columns)) await qi.addColumn('tickets', 'undeliverable', { type: DataTypes.TEXT });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('tickets', 'undeliverable');
}
