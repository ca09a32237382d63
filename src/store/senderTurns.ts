import type { Database, Transaction } from './db.js';

/**
 * PostgreSQL, several instances: this transaction waits for its turn on the sender's
 * mails. The lock is transaction-scoped (released at commit, safe through a pool,
 * unlike session locks), keyed by a hash of the address.
 */
export async function takeSenderTurn(db: Database, transaction: Transaction, sender: string): Promise<void> {
  await db.sequelize.query('SELECT pg_advisory_xact_lock(hashtext($1))', { bind: [sender], transaction });
}
