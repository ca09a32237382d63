import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, SUPPORT } from '../harness/config.js';
import { createWorld, type World } from '../harness/world.js';

function mail(id: string): Buffer {
  return Buffer.from(
    `From: Jeanne Dupont <${CUSTOMER}>\r\nTo: ${SUPPORT}\r\nSubject: Colis non reçu CMD-552211\r\nMessage-ID: <${id}@example.test>\r\n` +
      `Date: Thu, 03 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nBonjour, mon colis n'est pas arrivé.\r\n`,
  );
}

/** Waits until the SMTP server has accepted a mail to `to`, or gives up after `seconds`. */
async function acknowledged(world: World, to: string, seconds: number): Promise<boolean> {
  for (let waited = 0; waited < seconds * 10; waited++) {
    if (world.smtp.accepted.some((a) => a.rcpt.includes(to))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** `guichet ingest -`, as an MTA pipes a mail into it: another process than the daemon. */
function ingestFromPipe(config: string, raw: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/guichet.js', '--config', config, 'ingest', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolve(code ?? 1));
    child.stdin.end(raw);
  });
}

/**
 * The outbox poll is set to an hour: an acknowledgement that leaves at all was sent
 * because the commit that queued it woke the sender (in the process, or on PostgreSQL
 * through NOTIFY from another process).
 */
describe('answers leave when they are queued, not at the next poll', () => {
  let world: World | null = null;
  afterEach(async () => {
    await world?.stop();
    world = null;
  });

  it.each(['sqlite', 'postgres'] as const)('%s: the commit of a customer mail wakes the sender of the same daemon', async (dialect) => {
    world = await createWorld(dialect, { outbox: { poll_seconds: 3600 } });
    const daemon = await world.daemon();
    daemon.start();
    // The sender's first pass (at start) has run and found nothing: from now on only a wake sends.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await world.deliver(mail(`wake-${dialect}`), SUPPORT, CUSTOMER);
    expect(await acknowledged(world, CUSTOMER, 30)).toBe(true);
  });

  it('postgres: a mail ingested by another process wakes the running daemon through NOTIFY', async () => {
    world = await createWorld('postgres', { outbox: { poll_seconds: 3600 }, imap: { poll_seconds: 3600 } });
    const daemon = await world.daemon();
    daemon.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await ingestFromPipe(world.config.source, mail('piped'))).toBe(0);
    expect(await acknowledged(world, CUSTOMER, 30)).toBe(true);
  });
});
