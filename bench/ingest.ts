/**
 * bench/ingest: how close guichet's inbound pipeline comes to the floor set by its
 * two libraries. Puts N mails (default 5,000; `npm run bench:ingest -- 2000`) into a
 * real Dovecot, then prints in one run:
 *   - the rate at which imapflow alone fetches them,
 *   - the rate at which mailparser alone parses them (each measured three times: the
 *     first, cold like guichet's pass, is the floor; the fastest, warm, is shown beside),
 *   - the floor: both in sequence (1 / (1/fetch + 1/parse)),
 *   - the rate at which `start --once`'s inbox pass turns them into tickets with
 *     queued acknowledgements (SQLite by default; `--postgres` for PostgreSQL),
 *   - the ratio guichet / floor (the target is at least 0.5 on SQLite).
 * It prints figures and asserts nothing.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { Daemon } from '../src/app/daemon.js';
import { MailboxWorker } from '../src/app/mailboxWorker.js';
import { createLogger } from '../src/logger.js';
import { SUPPORT, testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { appendMails } from '../test/harness/mailbox.js';

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const dialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';
// `--profile FILE`: a V8 CPU profile of guichet's run only (open it in Chrome DevTools or speedscope).
const profileIndex = process.argv.indexOf('--profile');
const profileFile = profileIndex > 0 ? process.argv[profileIndex + 1] : undefined;

/** A realistic mix: new requests from many customers, follow-ups on the same orders, some HTML, some auto-replies. */
function mail(i: number): Buffer {
  const customer = `client${i % 1500}@example.test`;
  const order = `CMD-${300000 + (i % 2500)}`;
  const auto = i % 25 === 24 ? 'Auto-Submitted: auto-replied\r\n' : '';
  const text = `Bonjour,\r\n\r\nJe n'ai pas reçu ma commande ${order}. Le suivi ne bouge plus depuis cinq jours.\r\nPouvez-vous vérifier auprès du transporteur ?\r\n\r\nMerci d'avance,\r\nClient ${i % 1500}\r\n`;
  const html = `<div dir="ltr"><p>Bonjour,</p><p>Je n'ai pas reçu ma commande ${order}. Le suivi ne bouge plus depuis cinq jours.</p><p>Merci d'avance,<br>Client ${i % 1500}</p></div>`;
  return Buffer.from(
    `From: Client ${i % 1500} <${customer}>\r\nTo: ${SUPPORT}\r\nSubject: =?UTF-8?Q?Colis_non_re=C3=A7u_${order}?=\r\n` +
      `Message-ID: <bench-${i}@example.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n${auto}` +
      `Content-Type: multipart/alternative; boundary="b${i}"\r\n\r\n` +
      `--b${i}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n` +
      `--b${i}\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}\r\n--b${i}--\r\n`,
  );
}

const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (r: number) => `${Math.round(r).toLocaleString('en')} mails/s`;

async function main() {
  const dovecot = await startDovecot([SUPPORT]);
  const database = await createTestDatabase(dialect);
  try {
    process.stdout.write(`bench/ingest: ${count} mails, ${dialect}, Dovecot on 127.0.0.1:${dovecot.imapPort}\n`);
    const load0 = performance.now();
    await appendMails(dovecot.imapPort, SUPPORT, Array.from({ length: count }, (_, i) => mail(i)));
    process.stdout.write(`  loaded with APPEND in ${((performance.now() - load0) / 1000).toFixed(1)} s\n`);

    // The floor is measured three times. The first run is cold, like guichet's pass (its
    // code is compiled while it runs): that one makes the floor of the ratio, as in every
    // earlier figure. The fastest, warm, is printed beside it, as the libraries' best.
    const tries = 3;
    // 1. imapflow alone: every source, in the same groups guichet uses.
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, auth: { user: SUPPORT, pass: 'secret' }, logger: false });
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
    const fetchMs: number[] = [];
    let sources: Buffer[] = [];
    for (let t = 0; t < tries; t++) {
      const fetch0 = performance.now();
      sources = [];
      for (let start = 1; start <= count; start += 200) {
        const batch = await client.fetchAll(`${start}:${Math.min(count, start + 199)}`, { uid: true, source: true });
        for (const m of batch) sources.push(m.source!);
      }
      fetchMs.push(performance.now() - fetch0);
    }
    await client.logout();

    // 2. mailparser alone.
    const parseMs: number[] = [];
    for (let t = 0; t < tries; t++) {
      const parse0 = performance.now();
      for (const source of sources) await simpleParser(source);
      parseMs.push(performance.now() - parse0);
    }

    const floorOf = (fetch: number, parse: number) => 1 / (1 / rate(sources.length, fetch) + 1 / rate(sources.length, parse));
    const fetchRate = rate(sources.length, fetchMs[0]!);
    const parseRate = rate(sources.length, parseMs[0]!);
    const floor = floorOf(fetchMs[0]!, parseMs[0]!);
    const warmFloor = floorOf(Math.min(...fetchMs), Math.min(...parseMs));

    // 3. guichet: the inbox pass of `start --once` (fetch, parse, decide, commit, move).
    const config = testConfig({ imapPort: dovecot.imapPort, smtpPort: 1, databaseUrl: database.url, overrides: { log: { level: 'silent' } } });
    const daemon = await Daemon.open(config, createLogger(process.env.BENCH_LOG ?? 'silent'), () => new Date());
    const worker = new MailboxWorker(daemon.ctx, () => new Date());
    // Set-up is not timed, as for the floor (its connection and its imports): the daemon's
    // parsing threads start with it, and their loading (~0.5-1 s) is waited for here.
    await daemon.ctx.parsers.warm();
    const profiler = profileFile ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const run0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await worker.runOnce();
    const runMs = performance.now() - run0;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(profileFile!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const tickets = await daemon.ctx.db.models.Ticket.count();
    const queued = await daemon.ctx.db.models.Outbox.count({ where: { kind: 'acknowledgement' } });
    const notifications = await daemon.ctx.db.models.Outbox.count({ where: { kind: 'agent-notification' } });
    await daemon.stop();
    const guichetRate = rate(report.seen, runMs);

    process.stdout.write(
      [
        `  imapflow fetch alone     ${fmt(fetchRate)}  (${(fetchMs[0]! / 1000).toFixed(2)} s; warm, fastest of ${tries}: ${fmt(rate(sources.length, Math.min(...fetchMs)))})`,
        `  mailparser parse alone   ${fmt(parseRate)}  (${(parseMs[0]! / 1000).toFixed(2)} s; warm, fastest of ${tries}: ${fmt(rate(sources.length, Math.min(...parseMs)))})`,
        `  floor (fetch + parse)    ${fmt(floor)}  (warm: ${fmt(warmFloor)})`,
        `  guichet start --once     ${fmt(guichetRate)}  (${(runMs / 1000).toFixed(2)} s: ${report.processed} processed, ${report.ignored} ignored, ${tickets} tickets, ${queued} acknowledgements and ${notifications} team notifications queued)`,
        `  ratio guichet / floor    ${(guichetRate / floor).toFixed(2)}  (against the warm floor: ${(guichetRate / warmFloor).toFixed(2)})`,
        `  guichet's CPU            ${((cpu.user + cpu.system) / 1000 / runMs).toFixed(2)} of a core on average (all threads of the process)`,
        '',
      ].join('\n'),
    );
  } finally {
    await dovecot.stop();
    await database.drop();
  }
}

await main();
