import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The first schema: tickets, their messages and events, the inbound ledger, the outbox, mailbox state.
 *
 * Every migration must be idempotent: umzug records a migration as applied only after
 * it ran, so a process killed in between runs it again at the next start (the crash
 * test does exactly that). createTable is CREATE TABLE IF NOT EXISTS; indexes use
 * CREATE INDEX IF NOT EXISTS, which SQLite and PostgreSQL both have.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const addIndex = (table: string, columns: string[]) =>
    qi.sequelize.query(
      `CREATE INDEX IF NOT EXISTS "${table}_${columns.join('_')}" ON "${table}" (${columns.map((c) => `"${c}"`).join(', ')})`,
    );
  const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
  const at = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });

  await qi.createTable('tickets', {
    id,
    reference: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    status: { type: DataTypes.STRING(24), allowNull: false },
    level: { type: DataTypes.INTEGER, allowNull: false },
    category: { type: DataTypes.STRING(48), allowNull: false },
    order_number: { type: DataTypes.STRING(64) },
    locale: { type: DataTypes.STRING(8), allowNull: false },
    subject: { type: DataTypes.TEXT, allowNull: false },
    customer_email: { type: DataTypes.STRING(320), allowNull: false },
    customer_name: { type: DataTypes.STRING(256) },
    participants: { type: DataTypes.TEXT, allowNull: false },
    seller_id: { type: DataTypes.STRING(64) },
    opened_at: at(),
    first_response_due_at: at(true),
    first_response_at: at(true),
    updated_at: at(),
  });
  await addIndex('tickets', ['customer_email', 'order_number']);
  await addIndex('tickets', ['status']);

  // Every mail that entered, keyed by the SHA-256 of its raw bytes: replaying the same
  // mail after a crash finds its row and does nothing twice (invariant 2).
  await qi.createTable('inbound_mails', {
    id,
    raw_sha256: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    source: { type: DataTypes.STRING(512), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
    raw: { type: DataTypes.BLOB },
    outcome: { type: DataTypes.STRING(24), allowNull: false },
    reason: { type: DataTypes.TEXT },
    ticket_id: { type: DataTypes.INTEGER, references: { model: 'tickets', key: 'id' } },
    received_at: at(),
  });

  await qi.createTable('messages', {
    id,
    ticket_id: { type: DataTypes.INTEGER, references: { model: 'tickets', key: 'id' } },
    inbound_id: { type: DataTypes.INTEGER, references: { model: 'inbound_mails', key: 'id' } },
    direction: { type: DataTypes.STRING(3), allowNull: false },
    message_id: { type: DataTypes.STRING(998), allowNull: false },
    from_address: { type: DataTypes.STRING(320), allowNull: false },
    from_name: { type: DataTypes.STRING(256) },
    to_addresses: { type: DataTypes.TEXT, allowNull: false },
    subject: { type: DataTypes.TEXT, allowNull: false },
    text: { type: DataTypes.TEXT, allowNull: false },
    html: { type: DataTypes.TEXT },
    automatic: { type: DataTypes.STRING(32) },
    template: { type: DataTypes.STRING(64) },
    created_at: at(),
  });
  await addIndex('messages', ['message_id']);
  await addIndex('messages', ['ticket_id']);

  await qi.createTable('attachments', {
    id,
    message_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'messages', key: 'id' } },
    filename: { type: DataTypes.STRING(512), allowNull: false },
    content_type: { type: DataTypes.STRING(256), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
  });
  await addIndex('attachments', ['message_id']);

  await qi.createTable('events', {
    id,
    ticket_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tickets', key: 'id' } },
    type: { type: DataTypes.STRING(48), allowNull: false },
    data: { type: DataTypes.TEXT, allowNull: false },
    at: at(),
  });
  await addIndex('events', ['ticket_id']);

  // The outbox holds the fully rendered mail: a retry sends the same bytes and the same Message-ID.
  await qi.createTable('outbox', {
    id,
    ticket_id: { type: DataTypes.INTEGER, references: { model: 'tickets', key: 'id' } },
    message_id: { type: DataTypes.STRING(998), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(64), allowNull: false },
    recipient: { type: DataTypes.STRING(320), allowNull: false },
    mail: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: at(),
    last_error: { type: DataTypes.TEXT },
    locked_by: { type: DataTypes.STRING(128) },
    locked_at: at(true),
    sent_at: at(true),
    created_at: at(),
  });
  await addIndex('outbox', ['status', 'next_attempt_at']);
  await addIndex('outbox', ['recipient', 'kind', 'created_at']);

  await qi.createTable('mailbox_state', {
    mailbox: { type: DataTypes.STRING(512), primaryKey: true },
    uidvalidity: { type: DataTypes.STRING(32) },
    last_uid: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_poll_at: at(true),
    last_error: { type: DataTypes.TEXT },
    last_error_at: at(true),
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of ['mailbox_state', 'outbox', 'events', 'attachments', 'messages', 'inbound_mails', 'tickets']) {
    await qi.dropTable(table);
  }
}
