import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Senders an agent blocked with `#spam` (domain/spam.ts), and the state of the team's
 * daily spam count beside the admins' alerts. Idempotent (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('blocked_senders', {
    address: { type: DataTypes.STRING(320), primaryKey: true },
    blocked_at: { type: DataTypes.DATE, allowNull: false },
    blocked_by: { type: DataTypes.STRING(320), allowNull: false },
    /** The ticket the agent marked, or null when blocked from the command line. */
    reference: { type: DataTypes.STRING(32) },
  });
  await qi.sequelize.query(`INSERT INTO "alerts" ("kind", "active") VALUES ('spam_digest', ?) ON CONFLICT ("kind") DO NOTHING`, { replacements: [false] });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`DELETE FROM "alerts" WHERE "kind" = 'spam_digest'`);
  await qi.dropTable('blocked_senders');
}
