import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * tickets.customer_thread: the Message-IDs of the customer's own mails, newest last,
 * so that an answer carries In-Reply-To/References the customer's mail client threads.
 * Idempotent like every migration (see 001).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('tickets');
  if (!('customer_thread' in columns)) {
    await qi.addColumn('tickets', 'customer_thread', { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' });
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('tickets', 'customer_thread');
}
