import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The loop budget (docs/security.md): a ticket's flag, and an index to count a
 * ticket's recent mails without reading its whole outbox. Idempotent (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  if (!('loop_suspected_at' in columns)) await qi.addColumn('tickets', 'loop_suspected_at', { type: DataTypes.DATE });
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "outbox_ticket_id_created_at" ON "outbox" ("ticket_id", "created_at")');
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP INDEX IF EXISTS "outbox_ticket_id_created_at"');
  await qi.removeColumn('tickets', 'loop_suspected_at');
}
