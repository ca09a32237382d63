import { afterAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { ingestRaw } from '../../src/app/ingest.js';
import { createLogger } from '../../src/logger.js';
import { SUPPORT, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

const T0 = new Date('2026-11-23T09:00:00+01:00');

/** Invariant 5 after an upgrade: an open ticket without timers (opened before they existed) gets them at the first pass. */
describe('timers for tickets that have none', () => {
  let database: TestDatabase;
  let daemon: Daemon;
  afterAll(async () => {
    await daemon?.stop();
    await database?.drop();
  });

  it('are derived and stored at the first scheduler pass', async () => {
    database = await createTestDatabase('sqlite');
    const config = testConfig({ imapPort: 1, smtpPort: 1, databaseUrl: database.url });
    daemon = await Daemon.open(config, createLogger('silent'), () => T0);
    const raw = Buffer.from(`From: <old@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Ancienne demande\r\nMessage-ID: <old@example.test>\r\n\r\nBonjour.\r\n`);
    await ingestRaw(daemon.ctx, raw, 'test:old', T0);
    const { sequelize } = daemon.ctx.db;
    const kinds = async () => ((await sequelize.query('SELECT kind FROM timers ORDER BY kind'))[0] as { kind: string }[]).map((r) => r.kind);
    expect(await kinds()).toEqual(['customer_update', 'escalate', 'first_response_reminder', 'sla_breach']);
    await sequelize.query('DELETE FROM timers');
    await daemon.scheduler.runDue();
    expect(await kinds()).toEqual(['customer_update', 'escalate', 'first_response_reminder', 'sla_breach']);
  });
});
