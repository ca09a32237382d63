import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Sequelize } from 'sequelize';
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
    sequelize = new Sequelize({ dialect: 'sqlite', storage, logging: false });
    // WAL lets readers (the CLI) work while the daemon writes; NORMAL sync is safe
    // with WAL (a power cut can lose the last commits, never corrupt the file).
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA synchronous = NORMAL');
    await sequelize.query('PRAGMA busy_timeout = 10000');
    await sequelize.query('PRAGMA foreign_keys = ON');
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    sequelize = new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: 5, min: 0, idle: 10_000 } });
    await sequelize.authenticate();
  } else {
    throw new Error(`database.url must start with sqlite: or postgres://, got ${url}`);
  }
  return { sequelize, models: defineModels(sequelize), dialect, url, close: () => sequelize.close() };
}
