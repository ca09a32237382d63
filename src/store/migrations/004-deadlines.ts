import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Deadlines (issue 4): what a ticket needs to know to compute its next timers, the
 * timers themselves, and the sellers' record. Idempotent (see 001).
 *
 * A timer row is derived from its ticket and replaced with every change of the
 * ticket, in the same transaction; the scheduler reads only `due_at`, through its
 * index, so a pass costs the number of due timers, not the number of tickets.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  const add = async (name: string, spec: Parameters<QueryInterface['addColumn']>[2]) => {
    if (!(name in columns)) await qi.addColumn('tickets', name, spec);
  };
  await add('policy', { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'marketplace' });
  await add('reminded_at', { type: DataTypes.DATE });
  await add('sla_breached_at', { type: DataTypes.DATE });
  await add('last_customer_update_at', { type: DataTypes.DATE });
  await add('resolved_at', { type: DataTypes.DATE });
  await add('closed_at', { type: DataTypes.DATE });
  await add('rating', { type: DataTypes.INTEGER });
  await add('seller_requested_at', { type: DataTypes.DATE });
  await add('seller_chases', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await add('seller_last_chase_at', { type: DataTypes.DATE });
  await add('linked_reference', { type: DataTypes.STRING(32) });

  await qi.createTable('timers', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    ticket_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tickets', key: 'id' } },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    due_at: { type: DataTypes.DATE, allowNull: false },
    locked_by: { type: DataTypes.STRING(128) },
    locked_at: { type: DataTypes.DATE },
  });
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "timers_due_at" ON "timers" ("due_at")');
  await qi.sequelize.query('CREATE UNIQUE INDEX IF NOT EXISTS "timers_ticket_id_kind" ON "timers" ("ticket_id", "kind")');

  await qi.createTable('sellers', {
    seller_id: { type: DataTypes.STRING(64), primaryKey: true },
    strikes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    restricted_at: { type: DataTypes.DATE },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('sellers');
  await qi.dropTable('timers');
  for (const column of ['linked_reference', 'seller_last_chase_at', 'seller_chases', 'seller_requested_at', 'rating', 'closed_at', 'resolved_at', 'last_customer_update_at', 'sla_breached_at', 'reminded_at', 'policy']) {
    await qi.removeColumn('tickets', column);
  }
}
