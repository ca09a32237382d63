import * as crypto from 'node:crypto';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { ingestBatch, ingestRaw } from '../../src/app/ingest.js';
import { REFERENCE_ALPHABET } from '../../src/domain/reference.js';
import { SUPPORT, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

// randomBytes stays the real one unless a test says otherwise for one call.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: vi.fn(real.randomBytes) };
});

const T0 = new Date('2026-11-23T09:00:00+01:00');
const mail = (n: number) =>
  Buffer.from(`From: <client${n}@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Demande ${n}\r\nMessage-ID: <m${n}@example.test>\r\n\r\nBonjour.\r\n`);

/**
 * A new ticket's reference is drawn at random (5 characters and a check character by
 * default): with thousands of tickets, a draw sometimes gives one already taken. The
 * group sees it in its lookup and draws again, instead of failing at the INSERT and
 * committing its mails one by one.
 */
describe('a drawn reference already taken', () => {
  let database: TestDatabase;
  let daemon: Daemon;
  afterAll(async () => {
    await daemon?.stop();
    await database?.drop();
  });

  it('is drawn again, and the group commits at once', async () => {
    database = await createTestDatabase('sqlite');
    const logged: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(line) });
    daemon = await Daemon.open(testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url }), logger, () => T0);

    const first = await ingestRaw(daemon.ctx, mail(1), 'test:1', T0);
    const taken = first.reference!;
    // The next draw spells the taken reference for the group's first mail.
    const body = taken.slice(taken.indexOf('-') + 1, -1);
    vi.mocked(crypto.randomBytes).mockImplementationOnce(((size: number) => {
      const bytes = Buffer.alloc(size);
      for (const [i, char] of [...body].entries()) bytes[i] = REFERENCE_ALPHABET.indexOf(char);
      return bytes;
    }) as typeof crypto.randomBytes);

    const results = await ingestBatch(
      daemon.ctx,
      [2, 3].map((n) => ({ raw: mail(n), source: `test:${n}` })),
      T0,
    );
    expect(results.map((r) => [r.outcome, r.created])).toEqual([
      ['processed', true],
      ['processed', true],
    ]);
    expect(new Set([taken, ...results.map((r) => r.reference)]).size).toBe(3);
    expect(logged.filter((line) => line.includes('group commit failed'))).toEqual([]);
    const [rows] = await daemon.ctx.db.sequelize.query('SELECT reference, customer_email FROM tickets ORDER BY id');
    expect(rows).toEqual([
      { reference: taken, customer_email: 'client1@example.test' },
      { reference: results[0]!.reference, customer_email: 'client2@example.test' },
      { reference: results[1]!.reference, customer_email: 'client3@example.test' },
    ]);
  });
});
