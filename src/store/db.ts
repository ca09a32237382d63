import { GuichetError } from '../errors.js';
import { redactUrls } from '../secrets.js';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import type { Logger } from '../logger.js';
import { defineModels, type Models } from './models.js';
import { tuneSqliteConnections } from './sqliteConnections.js';

/** A transaction, as the store's functions take it: the application layer holds one and passes it on, and never looks inside. */
export type { Transaction } from 'sequelize';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: Dialect;
  /** Several instances may work on it at once (PostgreSQL): they take turns per sender and claim rows; one SQLite file has one writer. */
  shared: boolean;
  url: string;
  close(): Promise<void>;
}

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(db: Database, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  return db.sequelize.transaction(work);
}

/**
 * Opens the database named by `database.url`: `sqlite:<file>` (one instance) or
 * `postgres://…` (several instances may share it). `logger` hears of what goes wrong
 * in the background (SQLite's checkpoints).
 */
export async function openDatabase(url: string, logger?: Logger): Promise<Database> {
  let sequelize: Sequelize;
  let dialect: Dialect;
  let connections: { close(): Promise<void> } | undefined;
  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    const storage = url.slice('sqlite:'.length);
    if (storage !== ':memory:') await mkdir(path.dirname(storage), { recursive: true });
    // IMMEDIATE: a transaction takes the write lock when it begins. A deferred one that
    // reads and then writes gets SQLITE_BUSY at once when another writer is active,
    // whatever the busy timeout, because waiting could deadlock.
    sequelize = new Sequelize({ dialect: 'sqlite', storage, logging: false, transactionType: Transaction.TYPES.IMMEDIATE });
    connections = tuneSqliteConnections(sequelize, storage, (error) => logger?.error({ err: error }, 'SQLite checkpoint failed; the next one retries'));
    // WAL lets readers (the CLI) work while the daemon writes; it is stored in the file.
    await sequelize.query('PRAGMA journal_mode = WAL');
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 5, min: 0, idle: 10_000 } });
    await sequelize.authenticate();
  } else {
    throw new GuichetError('GUICHET_CONFIG_INVALID', `database.url must start with sqlite: or postgres://, got ${redactUrls(url)}`);
  }
  const closeConnections = connections?.close;
  return {
    sequelize,
    models: defineModels(sequelize),
    dialect,
    shared: dialect === 'postgres',
    url,
    close: async () => {
      await closeConnections?.();
      await sequelize.close();
    },
  };
}
