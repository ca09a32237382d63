import { DataTypes, type QueryInterface } from 'sequelize';

/** Where a large mail's bytes are kept when not in its ledger row (mail/rawStore.ts), under the data folder. Idempotent (see 001). */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const columns = await qi.describeTable('inbound_mails');
  if (!('raw_path' in columns)) await qi.addColumn('inbound_mails', 'raw_path', { type: DataTypes.STRING(300) });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('inbound_mails', 'raw_path');
}
