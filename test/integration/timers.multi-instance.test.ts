import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/app/ingest.js';
import { Daemon } from '../../src/app/daemon.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/logger.js';
import { SUPPORT, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

const TICKETS = 60;
const T0 = new Date('2026-11-23T09:00:00+01:00');
const DAY2 = new Date(T0.getTime() + 24 * 3_600_000);

/**
 * DESIGN invariant 7 for timers: three schedulers on one PostgreSQL database fire the
 * same due timers at the same moment; every timer fires once, whoever takes it.
 */
describe('several schedulers on one PostgreSQL database', () => {
  let database: TestDatabase;
  let config: Config;
  const daemons: Daemon[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    config = testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url, overrides: { scheduler: { batch_size: 10 } } });
    const first = await Daemon.open(config, createLogger('silent'), () => DAY2);
    daemons.push(first);
    const mails = Array.from({ length: TICKETS }, (_, i) => ({
      raw: Buffer.from(`From: <timer${i}@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Colis ${i}\r\nMessage-ID: <timer-${i}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour.\r\n`),
      source: `test:${i}`,
    }));
    await ingestBatch(first.ctx, mails, T0);
    for (let i = 0; i < 2; i++) daemons.push(await Daemon.open(config, createLogger('silent'), () => DAY2));
  });
  afterAll(async () => {
    for (const d of daemons) await d.stop().catch(() => undefined);
    await database?.drop();
  });

  it('each due timer fires exactly once, the work shared between instances', async () => {
    const counts = await Promise.all(daemons.map((d) => d.scheduler.runDue()));
    console.log(`timers multi-instance: ${JSON.stringify(counts)}`);
    // Each ticket: the first-response reminder (20 h) and the escalation to level 2 (24 h).
    expect(counts.reduce((sum, c) => sum + c.fired, 0)).toBe(TICKETS * 2);
    expect(counts.filter((c) => c.fired > 0).length).toBeGreaterThan(1);
    const q = async (sql: string) => (await daemons[0]!.ctx.db.sequelize.query(sql))[0] as { n: string }[];
    expect(Number((await q(`SELECT COUNT(*) AS n FROM events WHERE type = 'escalated'`))[0]!.n)).toBe(TICKETS);
    expect(Number((await q(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'escalation-notice'`))[0]!.n)).toBe(TICKETS);
    expect(Number((await q(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'first-response-reminder'`))[0]!.n)).toBe(TICKETS);
    expect(Number((await q(`SELECT COUNT(DISTINCT ticket_id) AS n FROM events WHERE type = 'escalated'`))[0]!.n)).toBe(TICKETS);
    // And the next pass finds nothing more to do.
    const again = await Promise.all(daemons.map((d) => d.scheduler.runDue()));
    expect(again.reduce((sum, c) => sum + c.fired, 0)).toBe(0);
  });
});
