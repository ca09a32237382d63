import { QueryTypes } from 'sequelize';
import type { Database } from './db.js';

/**
 * What became of the bytes an erasure deleted (docs/personal-data.md, "Free space").
 * SQLite zeroes deleted content as it goes (`secure_delete`, set on every connection)
 * and the WAL, which still holds the pages as they were, is checkpointed and truncated.
 * PostgreSQL keeps deleted rows' bytes in the table files until a table is rewritten:
 * a plain VACUUM marks the space reusable without blocking anyone; `guichet db compact`
 * (VACUUM FULL, which locks each table while it runs) removes them.
 */
export interface Compaction {
  done: boolean;
  detail: string;
}

/** Tables an erasure or a retention pass rewrites. */
const TABLES = ['tickets', 'messages', 'attachments', 'events', 'outbox', 'inbound_mails', 'report_facts', 'timers', 'blocked_senders'];

export async function compactAfterErasure(db: Database): Promise<Compaction> {
  if (db.dialect === 'sqlite') return truncateWal(db);
  await db.sequelize.query(`VACUUM ${TABLES.map((t) => `"${t}"`).join(', ')}`);
  return { done: false, detail: 'VACUUM done; the deleted rows\' bytes stay in the table files until guichet db compact (VACUUM FULL) rewrites them' };
}

/** Rewrites the database without its free space: `guichet db compact`, for a quiet hour. */
export async function compactDatabase(db: Database): Promise<Compaction> {
  if (db.dialect === 'postgres') {
    for (const table of TABLES) await db.sequelize.query(`VACUUM FULL "${table}"`);
    return { done: true, detail: `VACUUM FULL of ${TABLES.length} tables: their files were rewritten` };
  }
  await db.sequelize.query('VACUUM');
  return truncateWal(db);
}

/**
 * A TRUNCATE checkpoint copies every page of the WAL into the database and empties the
 * WAL; it waits for readers, so a long one (a report) may hold it up: tried for a while,
 * then said pending (the next erasure, or `guichet db compact`, finishes it).
 */
async function truncateWal(db: Database): Promise<Compaction> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [result] = await db.sequelize.query<{ busy: number; log: number; checkpointed: number }>('PRAGMA wal_checkpoint(TRUNCATE)', { type: QueryTypes.SELECT });
    if (result && Number(result.busy) === 0) return { done: true, detail: 'deleted content zeroed (secure_delete) and the WAL checkpointed and truncated' };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { done: false, detail: 'deleted content zeroed, but the WAL could not be truncated (a reader held it): run guichet db compact' };
}
