import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { independent, together } from '../../src/store/sqlRows.js';

/**
 * Statements sent to the driver together must all have settled before the caller
 * hears of a failure: it rolls back at once, and a statement still queued would then
 * run outside the transaction.
 */
describe('together', () => {
  it('gives every result in order', async () => {
    expect(await together<[number, string]>([Promise.resolve(1), Promise.resolve('a')])).toEqual([1, 'a']);
  });

  it('rejects with the first failure only once the slower statements have settled', async () => {
    let slowDone = false;
    const slow = new Promise<void>((resolve) => setTimeout(() => ((slowDone = true), resolve()), 50));
    const failing = Promise.reject(new Error('UNIQUE constraint failed'));
    await expect(together([failing, slow])).rejects.toThrow('UNIQUE constraint failed');
    expect(slowDone).toBe(true);
  });
});

/**
 * `independent`: the same statements, started at once on SQLite (one wait for the
 * driver), one after the other on PostgreSQL (node-postgres deprecates a query sent
 * while another runs on the same client).
 */
describe('independent', () => {
  const track = () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const statement = (name: string) => () => {
      started.push(name);
      return new Promise<string>((resolve) => release.push(() => resolve(name)));
    };
    return { started, release, statement };
  };

  it('starts every statement at once on SQLite', async () => {
    const { started, release, statement } = track();
    const all = independent<[string, string]>({ dialect: 'sqlite' } as Database, [statement('a'), statement('b')]);
    expect(started).toEqual(['a', 'b']);
    release.forEach((r) => r());
    expect(await all).toEqual(['a', 'b']);
  });

  it('starts the next statement once the previous one is done on PostgreSQL', async () => {
    const { started, release, statement } = track();
    const all = independent<[string, string]>({ dialect: 'postgres' } as Database, [statement('a'), statement('b')]);
    expect(started).toEqual(['a']);
    release[0]!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'b']);
    release[1]!();
    expect(await all).toEqual(['a', 'b']);
  });
});
