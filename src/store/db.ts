import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import { defineModels, type Models } from './models.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: Dialect;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database named by `database.url`: `sqlite:<file>` (one instance) or
 * `postgres://…` (several instances may share it).
 */
export async function openDatabase(url: string): Promise<Database> {
  let sequelize: Sequelize;
  let dialect: Dialect;
  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    const storage = url.slice('sqlite:'.length);
    if (storage !== ':memory:') await mkdir(path.dirname(storage), { recursive: true });
    // IMMEDIATE: a transaction takes the write lock when it begins. A deferred one that
    // reads and then writes gets SQLITE_BUSY at once when another writer is active,
    // whatever the busy timeout, because waiting could deadlock.
    sequelize = new Sequelize({ dialect: 'sqlite', storage, logging: false, transactionType: Transaction.TYPES.IMMEDIATE });
    configureEverySqliteConnection(sequelize);
    // WAL lets readers (the CLI) work while the daemon writes; it is stored in the file.
    await sequelize.query('PRAGMA journal_mode = WAL');
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 5, min: 0, idle: 10_000 } });
    await sequelize.authenticate();
  } else {
    throw new Error(`database.url must start with sqlite: or postgres://, got ${url}`);
  }
  return { sequelize, models: defineModels(sequelize), dialect, url, close: () => sequelize.close() };
}

/**
 * Sequelize's SQLite dialect opens a new connection for every transaction and runs
 * no connect hook on it, so per-connection settings must be applied here: a busy
 * timeout (wait for the other writer rather than fail) and NORMAL sync, which is
 * safe with WAL (a power cut can lose the last commits, never corrupt the file).
 */
function configureEverySqliteConnection(sequelize: Sequelize): void {
  type SqliteConnection = { configure(option: 'busyTimeout', ms: number): void; run(sql: string): void; guichetReady?: boolean };
  const manager = (sequelize as unknown as { connectionManager: { getConnection(options?: unknown): Promise<SqliteConnection> } })
    .connectionManager;
  const open = manager.getConnection.bind(manager);
  manager.getConnection = async (options?: unknown) => {
    const connection = await open(options);
    if (!connection.guichetReady) {
      connection.configure('busyTimeout', 15_000);
      connection.run('PRAGMA synchronous = NORMAL');
      connection.guichetReady = true;
    }
    return connection;
  };
}
