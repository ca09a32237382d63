import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { InboundPipeline } from '../../src/app/ingest.js';
import { SUPPORT, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

const T0 = new Date('2026-11-23T09:00:00+01:00');
const mail = (n: number) =>
  Buffer.from(`From: <client${n}@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Demande ${n}\r\nMessage-ID: <w${n}@example.test>\r\n\r\nBonjour.\r\n`);

/**
 * The mailbox worker records its progress and quarantines too-large mails through
 * `InboundPipeline.write`: such a write runs in its turn, after every group submitted
 * before it, so it never waits for SQLite's write lock beside them and never records
 * progress past mails that are not committed.
 */
describe('a write on the pass chain', () => {
  let database: TestDatabase;
  let daemon: Daemon;
  afterAll(async () => {
    await daemon?.stop();
    await database?.drop();
  });

  it('runs after the groups submitted before it, and gives its result', async () => {
    database = await createTestDatabase('sqlite');
    daemon = await Daemon.open(testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url }), pino({ level: 'silent' }), () => T0);
    const pipeline = new InboundPipeline(daemon.ctx);
    // Three groups of 100: submit returns once they are parsed, with the commits still to come.
    const { committed } = await pipeline.submit(
      Array.from({ length: 250 }, (_, i) => ({ raw: mail(i), source: `test:${i}` })),
      T0,
    );
    const seen = await pipeline.write(() => daemon.ctx.db.models.Ticket.count());
    expect(seen).toBe(250);
    expect((await committed).every((r) => r.outcome === 'processed')).toBe(true);
  });

});
