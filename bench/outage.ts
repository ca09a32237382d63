/**
 * bench/outage: how soon a running daemon works again after its IMAP server comes
 * back. Dovecot is stopped for S seconds (default 70; `npm run bench:outage -- 30`)
 * under a daemon on IDLE; a customer's mail is delivered the moment it is back, and the
 * time until its acknowledgement is accepted by SMTP is printed (the target: within
 * 10 s of the server's return). It prints figures and asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CUSTOMER, SUPPORT } from '../test/harness/config.js';
import { fixture } from '../test/harness/fixtures.js';
import { createWorld } from '../test/harness/world.js';

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 70);

async function main(): Promise<void> {
  // A poll every 5 minutes: only a reconnection (and IDLE once connected) can pick the mail up.
  const world = await createWorld('sqlite', { imap: { poll_seconds: 300 } });
  const daemon = await world.daemon();
  try {
    daemon.start();
    await sleep(2000);
    const t0 = performance.now();
    await world.dovecot.restart(seconds * 1000);
    const back = performance.now();
    await world.deliver(fixture('new-gmail-fr-delivery.eml'), SUPPORT, CUSTOMER);
    const acked = () => world.smtp.accepted.some((a) => a.rcpt.includes(CUSTOMER));
    while (!acked() && performance.now() - back < 120_000) await sleep(50);
    const at = world.smtp.accepted.find((a) => a.rcpt.includes(CUSTOMER))?.at;
    process.stdout.write(
      `bench/outage: Dovecot down ${((back - t0) / 1000).toFixed(1)} s; ` +
        (at === undefined ? 'no acknowledgement within 120 s of its return\n' : `the first mail after its return acknowledged ${((at - back) / 1000).toFixed(1)} s after it came back\n`),
    );
  } finally {
    await daemon.stop();
    await world.stop();
  }
}

await main();
