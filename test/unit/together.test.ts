import { describe, expect, it } from 'vitest';
import { together } from '../../src/store/sqlRows.js';

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
