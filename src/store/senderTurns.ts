import type { Database, Transaction } from './db.js';

/**
 * PostgreSQL, several instances: this transaction waits for its turn on each of these
 * senders' mails. The locks are transaction-scoped (released at commit, safe through a
 * pool, unlike session locks), keyed by a hash of the address, and taken in one
 * statement in the order of the addresses, so that two groups never wait on each
 * other in a circle (the subquery's sort, fenced by OFFSET 0, is the order the outer
 * scan takes them in).
 */
export async function takeSenderTurns(db: Database, transaction: Transaction, senders: string[]): Promise<void> {
  if (senders.length === 0) return;
  await db.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(s)) FROM (SELECT s FROM unnest($1::text[]) AS s ORDER BY s OFFSET 0) AS ordered', {
    bind: [senders],
    transaction,
  });
}
