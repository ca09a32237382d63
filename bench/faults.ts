/**
 * bench/faults: what a PostgreSQL restart in the middle of a backlog costs. A running
 * daemon (IDLE, outbox sender, scheduler) works through N mails (default 400) on a real
 * Dovecot and SMTP relay; once a third of the acknowledgements are out, the machine's
 * PostgreSQL cluster is restarted (`pg_ctlcluster 15 main restart`, so run it only where
 * that is yours to do). Prints how long the backlog took, how many mails the relay got
 * twice (the same Message-ID: a mail sent whose `sent` mark was lost), and that every
 * mail made one ticket. It asserts nothing.
 *
 *   npm run bench:faults [-- N] [-- --cluster "15 main"] [-- --no-restart]
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SUPPORT } from '../test/harness/config.js';
import { appendMails } from '../test/harness/mailbox.js';
import { createWorld } from '../test/harness/world.js';

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 400);
const cluster = (args.includes('--cluster') ? args[args.indexOf('--cluster') + 1]! : '15 main').split(' ');
const customers = Array.from({ length: count }, (_, i) => `fault${i}@example.test`);
const mail = (i: number) =>
  Buffer.from(
    `From: <${customers[i]}>\r\nTo: ${SUPPORT}\r\nSubject: Colis CMD-${500000 + i}\r\nMessage-ID: <fault-${i}-${Date.now()}@example.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nBonjour, ma commande CMD-${500000 + i}.\r\n`,
  );

async function main(): Promise<void> {
  const world = await createWorld('postgres', { imap: { poll_seconds: 5 } }, customers);
  const daemon = await world.daemon();
  try {
    await appendMails(world.dovecot.imapPort, SUPPORT, Array.from({ length: count }, (_, i) => mail(i)));
    const acks = () => world.smtp.accepted.filter((a) => customers.some((c) => a.rcpt.includes(c))).length;
    const t0 = performance.now();
    daemon.start();
    while (acks() < count / 3) await sleep(20);
    const r0 = performance.now();
    // `--no-restart`: the same backlog without the fault, for the time it takes anyway.
    if (!args.includes('--no-restart')) execFileSync('pg_ctlcluster', [...cluster, 'restart']);
    const restartMs = performance.now() - r0;
    process.stdout.write(
      args.includes('--no-restart')
        ? `bench/faults: ${count} mails, no restart\n`
        : `bench/faults: ${count} mails, PostgreSQL restarted after ${acks()} acknowledgements (the restart took ${(restartMs / 1000).toFixed(1)} s)\n`,
    );
    const deadline = performance.now() + 600_000;
    while (new Set(world.smtp.accepted.filter((a) => customers.some((c) => a.rcpt.includes(c))).map((a) => a.rcpt[0])).size < count && performance.now() < deadline) await sleep(100);
    const doneMs = performance.now() - t0;
    await sleep(3000); // anything still to come twice
    const byId = new Map<string, number>();
    for (const a of world.smtp.accepted) if (a.messageId) byId.set(a.messageId, (byId.get(a.messageId) ?? 0) + 1);
    const twice = [...byId.values()].filter((n) => n > 1).length;
    const tickets = await daemon.ctx.db.models.Ticket.count();
    process.stdout.write(
      `  every customer acknowledged after ${(doneMs / 1000).toFixed(1)} s; ${world.smtp.accepted.length} mails accepted by the relay, ` +
        `${twice} of them twice (same Message-ID); ${tickets} tickets for ${count} mails\n`,
    );
  } finally {
    await daemon.stop();
    await world.stop();
  }
}

await main();
