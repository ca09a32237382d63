import type { Database } from './db.js';
import { select } from './sqlRows.js';

/** Rows of a table counted by the values of one of its columns (`status`, `outcome`), for `guichet status`. */
export async function countBy(db: Database, table: 'tickets' | 'outbox' | 'inbound_mails', column: 'status' | 'outcome'): Promise<Record<string, number>> {
  const rows = await select<{ key: string; n: number | string }>(db, undefined, `SELECT "${column}" AS key, COUNT(*) AS n FROM "${table}" GROUP BY "${column}"`, []);
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}
