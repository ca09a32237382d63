import { existsSync, statSync } from 'node:fs';
import { QueryTypes, type Transaction } from 'sequelize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

/**
 * How guichet uses SQLite connections (src/store/sqliteConnections.ts), on a real
 * database file: transactions share one kept connection, commits are synced to disk,
 * and checkpoints happen beside the writers.
 */
describe('SQLite connections', () => {
  let file: TestDatabase;
  let db: Database;
  let storage: string;

  beforeEach(async () => {
    file = await createTestDatabase('sqlite');
    storage = file.url.slice('sqlite:'.length);
    db = await openDatabase(file.url);
    await db.sequelize.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    await file.drop();
  });

  const connectionOf = (t: Transaction) => (t as unknown as { connection: object }).connection;
  const count = async () => (await db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM notes', { type: QueryTypes.SELECT }))[0]!.n;

  it('hands one connection from transaction to transaction, with commits synced to disk', async () => {
    const seen: object[] = [];
    const synchronous: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      await db.sequelize.transaction(async (transaction) => {
        seen.push(connectionOf(transaction));
        synchronous.push((await db.sequelize.query('PRAGMA synchronous', { transaction, type: QueryTypes.SELECT }))[0]);
        await db.sequelize.query('INSERT INTO notes (body) VALUES (?)', { replacements: [`note ${i}`], transaction });
      });
    }
    expect(new Set(seen).size).toBe(1);
    // 2 is FULL: the WAL is synced at each commit.
    expect(synchronous).toEqual([{ synchronous: 2 }, { synchronous: 2 }, { synchronous: 2 }]);
    expect(await count()).toBe(3);
  });

  it('keeps using the connection after a transaction rolled back', async () => {
    await expect(
      db.sequelize.transaction(async (transaction) => {
        await db.sequelize.query("INSERT INTO notes (body) VALUES ('rolled back')", { transaction });
        throw new Error('a bug in the middle of a group');
      }),
    ).rejects.toThrow('a bug in the middle of a group');
    await db.sequelize.transaction((transaction) => db.sequelize.query("INSERT INTO notes (body) VALUES ('kept')", { transaction }));
    expect(await db.sequelize.query('SELECT body FROM notes', { type: QueryTypes.SELECT })).toEqual([{ body: 'kept' }]);
  });

  it('gives a transaction that starts while another runs a connection of its own', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const connections: object[] = [];
    const first = db.sequelize.transaction(async (transaction) => {
      connections.push(connectionOf(transaction));
      await db.sequelize.query("INSERT INTO notes (body) VALUES ('first')", { transaction });
      await held;
    });
    // Waits for the write lock (busy timeout), then writes.
    const second = db.sequelize.transaction(async (transaction) => {
      connections.push(connectionOf(transaction));
      await db.sequelize.query("INSERT INTO notes (body) VALUES ('second')", { transaction });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([first, second]);
    expect(new Set(connections).size).toBe(2);
    expect(await count()).toBe(2);
  });

  it('checkpoints the WAL in the background; closing leaves none', async () => {
    const sizeOf = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    const before = sizeOf(storage);
    // ~2 MB in one commit: below the size at which a commit would checkpoint by itself.
    await db.sequelize.transaction(async (transaction) => {
      for (let i = 0; i < 20; i++) {
        await db.sequelize.query('INSERT INTO notes (body) VALUES (?)', { replacements: [`${i}`.padEnd(100_000, 'x')], transaction });
      }
    });
    expect(sizeOf(storage)).toBe(before);
    expect(sizeOf(`${storage}-wal`)).toBeGreaterThan(2_000_000);
    // The background checkpoint copies the pages into the database file within a second or so.
    const deadline = Date.now() + 10_000;
    while (sizeOf(storage) < 2_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sizeOf(storage)).toBeGreaterThan(2_000_000);
    await db.close();
    expect(sizeOf(`${storage}-wal`)).toBe(0);
    db = await openDatabase(file.url);
    expect(await count()).toBe(20);
  });

  it('leaves an in-memory database on its one shared connection', async () => {
    const memory = await openDatabase('sqlite::memory:');
    try {
      await memory.sequelize.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
      for (let i = 0; i < 3; i++) {
        await memory.sequelize.transaction((transaction) => memory.sequelize.query('INSERT INTO notes (body) VALUES (?)', { replacements: [`${i}`], transaction }));
      }
      expect(await memory.sequelize.query('SELECT COUNT(*) AS n FROM notes', { type: QueryTypes.SELECT })).toEqual([{ n: 3 }]);
    } finally {
      await memory.close();
    }
  });
});
