import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { createLogger } from '../../src/logger.js';
import { CUSTOMER } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { waitForMails } from '../harness/mailbox.js';
import { freePort } from '../harness/ports.js';
import { createWorld, type World } from '../harness/world.js';

/** One sample of a Prometheus text exposition: the value of `name{labels}`, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * `metrics.listen` on a running daemon, real Dovecot and SMTP, both databases: a
 * customer's mail shows in the counters, the acknowledgement's delay in the histogram,
 * the state read at each scrape; `/readyz` says why it is not ready.
 */
describe.each(['sqlite', 'postgres'] as const)('metrics and health (%s)', (dialect) => {
  let world: World;
  let daemon: Daemon;
  let base: string;
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    world = await createWorld(dialect, { metrics: { listen: `127.0.0.1:${port}` } });
    daemon = await world.daemon();
    await daemon.start();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('counts a mail, its deliveries and the wait for its acknowledgement, and reads the state now', async () => {
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await waitForMails(world.dovecot.imapPort, CUSTOMER, 1);
    let text = '';
    // The sender marks the row sent just after the relay accepts it.
    for (let i = 0; i < 50 && sample(text, 'guichet_acknowledgement_delay_seconds_count') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = (await get('/metrics')).body;
    }
    const metrics = await get('/metrics');
    expect(metrics.type).toContain('text/plain; version=0.0.4');
    text = metrics.body;
    expect(sample(text, 'guichet_mails_total{outcome="processed"}')).toBe(1);
    expect(sample(text, 'guichet_outbox_deliveries_total{result="sent"}')).toBe(2);
    expect(sample(text, 'guichet_acknowledgement_delay_seconds_count')).toBe(1);
    expect(sample(text, 'guichet_acknowledgement_delay_seconds_sum')).toBeLessThan(30);
    expect(sample(text, 'guichet_tickets_open{level="1",status="open"}')).toBe(1);
    expect(sample(text, 'guichet_outbox_rows{status="sent"}')).toBe(2);
    expect(sample(text, 'guichet_outbox_oldest_unsent_seconds')).toBe(0);
    expect(sample(text, 'guichet_imap_connected{mailbox="INBOX"}')).toBe(1);
    expect(sample(text, 'guichet_imap_seconds_since_last_poll')).toBeLessThan(10);
    expect(sample(text, 'guichet_timers_overdue')).toBe(0);
    expect(sample(text, 'guichet_quarantine_mails')).toBe(0);
    expect(text).toContain('# HELP guichet_tickets_sla_breached ');
  });

  it('answers /healthz, and /readyz with its checks', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { database: 'ok', imap: 'connected', poll: 'recent' } });
    expect((await get('/nowhere')).status).toBe(404);
  });

  it('is not ready when no pass over the inbox has completed for too long, and says so', async () => {
    const port = await freePort();
    // An instance that cannot reach its mailbox, 11 minutes on (alerts.poll_stalled_minutes is 10): the last pass of any instance is that old.
    const config = { ...world.config, imap: { ...world.config.imap, port: 1 }, metrics: { listen: `127.0.0.1:${port}` } };
    const later = () => new Date(Date.now() + 11 * 60_000);
    const stalled = await Daemon.open(config, createLogger('silent'), later);
    try {
      await stalled.start();
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { ready: boolean; checks: Record<string, string> };
      expect(body.ready).toBe(false);
      expect(body.checks.database).toBe('ok');
      expect(body.checks.poll).toMatch(/^none for 1[12] minutes \(alerts\.poll_stalled_minutes: 10\)$/);
    } finally {
      await stalled.stop();
    }
  });
});
