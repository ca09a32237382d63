import type { Logger } from '../logger.js';
import { openDatabase, type Database } from './db.js';
import { migrate } from './migrate.js';

/** Opens the configured database and brings its schema up to date: what every command and the daemon start with. */
export async function openStore(config: { database: { url: string } }, logger: Logger): Promise<Database> {
  const db = await openDatabase(config.database.url, logger);
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  return db;
}
