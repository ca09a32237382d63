import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../src/app/mailboxWorker.js';

describe('the IMAP reconnect delay', () => {
  const highest = () => 1;
  const lowest = () => 0;

  it('grows from a second and never passes 8 s, however long the outage: a server that is back is found within 10 s', () => {
    expect(reconnectDelayMs(1, false, highest)).toBe(1000);
    expect([1, 2, 3, 4, 5, 10, 100].map((n) => reconnectDelayMs(n, false, highest))).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('never drops under 5 s while the database is down, whatever the jitter', () => {
    for (const failures of [1, 2, 3, 50]) expect(reconnectDelayMs(failures, true, lowest)).toBeGreaterThanOrEqual(5000);
  });
});
