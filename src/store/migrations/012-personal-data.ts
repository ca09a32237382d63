import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Personal data (docs/personal-data.md): when a ticket was erased, the erasures under
 * way (so that a crashed one is finished, and said unfinished until then), and the
 * audit log of who looked at, exported, corrected or erased a customer's data.
 * Neither new table holds a customer's address or words. Idempotent (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  // An erased ticket keeps its figures under a pseudonym; no mail threads into it again.
  if (!('erased_at' in columns)) await qi.addColumn('tickets', 'erased_at', { type: DataTypes.DATE });
  // An admin's #erase, waiting for the customer's confirmation.
  if (!('erasure_requested_at' in columns)) await qi.addColumn('tickets', 'erasure_requested_at', { type: DataTypes.DATE });
  // What admins asked by mail (#export, a confirmed #erase), done by the daemon after the mail's commit.
  await qi.createTable('privacy_jobs', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    ticket_id: { type: DataTypes.INTEGER, allowNull: false },
    action: { type: DataTypes.STRING(16), allowNull: false },
    requested_by: { type: DataTypes.STRING(320), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    locked_by: { type: DataTypes.STRING(64) },
    locked_at: { type: DataTypes.DATE },
    /** The erasure it started, so that a crash after the database part is finished without the address. */
    erasure_id: { type: DataTypes.INTEGER },
    done_at: { type: DataTypes.DATE },
    outcome: { type: DataTypes.TEXT },
  });
  await qi.createTable('erasures', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    /** The address that replaced the customer's in what stays (…@erased.invalid). */
    pseudonym: { type: DataTypes.STRING(320), allowNull: false },
    /** While unfinished: SHA-256 of salt and address, so that running the erase again finds it; emptied when done. */
    salt: { type: DataTypes.STRING(32) },
    lookup: { type: DataTypes.STRING(64) },
    /** started -> database (rows scrubbed, `files` listed) -> finished. */
    stage: { type: DataTypes.STRING(16), allowNull: false },
    /** The data folder's files to remove (raw mails, attachments), by path under it: content addresses, not names. */
    files: { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' },
    counts: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
    started_at: { type: DataTypes.DATE, allowNull: false },
    finished_at: { type: DataTypes.DATE },
  });
  await qi.createTable('audit_log', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    at: { type: DataTypes.DATE, allowNull: false },
    /** Who: `cli:<system user>`, or the admin's address for a request handled by mail. */
    actor: { type: DataTypes.STRING(320), allowNull: false },
    /** show, export, correct, erase, retention. */
    command: { type: DataTypes.STRING(24), allowNull: false },
    /** Which request: a ticket reference or an erasure's pseudonym, never the customer's address. */
    subject: { type: DataTypes.STRING(320) },
    /** How much: counts of tickets, messages, files, bytes. */
    counts: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
    outcome: { type: DataTypes.STRING(24), allowNull: false },
  });
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "audit_log_at" ON "audit_log" ("at")');
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "messages_from_address" ON "messages" ("from_address")');
  await qi.sequelize.query('CREATE INDEX IF NOT EXISTS "outbox_recipient" ON "outbox" ("recipient")');
  // Rows deleted before `secure_delete` was set left their bytes in free space: one
  // rewrite of the file starts every SQLite database clean (docs/personal-data.md).
  if (qi.sequelize.getDialect() === 'sqlite') await qi.sequelize.query('VACUUM');
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query('DROP INDEX IF EXISTS "outbox_recipient"');
  await qi.sequelize.query('DROP INDEX IF EXISTS "messages_from_address"');
  await qi.dropTable('privacy_jobs');
  await qi.dropTable('audit_log');
  await qi.dropTable('erasures');
  await qi.removeColumn('tickets', 'erasure_requested_at');
  await qi.removeColumn('tickets', 'erased_at');
}
