import { DataTypes, type QueryInterface } from 'sequelize';
import { TROUBLE_KINDS } from '../../domain/trouble.js';

/**
 * What the admins were told of guichet's own trouble (domain/trouble.ts), one row per
 * kind, made here so that instances only ever update them (under a lock); and when an
 * outbox row was given up, so that each is told once. Idempotent (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('alerts', {
    kind: { type: DataTypes.STRING(32), primaryKey: true },
    last_sent_at: { type: DataTypes.DATE },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    cursor: { type: DataTypes.STRING(64) },
  });
  for (const kind of TROUBLE_KINDS) {
    await qi.sequelize.query(`INSERT INTO "alerts" ("kind", "active") VALUES (?, ?) ON CONFLICT ("kind") DO NOTHING`, { replacements: [kind, false] });
  }
  const columns = await qi.describeTable('outbox');
  if (!('failed_at' in columns)) await qi.addColumn('outbox', 'failed_at', { type: DataTypes.DATE });
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "outbox_failed_at" ON "outbox" ("failed_at")');
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP INDEX IF EXISTS "outbox_failed_at"');
  await qi.removeColumn('outbox', 'failed_at');
  await qi.dropTable('alerts');
}
