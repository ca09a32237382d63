/**
 * bench/memory: how much memory a running daemon holds, idle and at its peak while it
 * takes in a mail with a large attachment (default 25 MB; `npm run bench:memory -- 10`).
 * The daemon runs in a process of its own, started as `guichet start` starts it, on a
 * real Dovecot and SQLite (`--postgres` for PostgreSQL); its resident memory is read
 * from /proc (VmRSS now, VmHWM the high-water mark). `--timeline` also prints it every
 * 25 ms while the mail goes through, to see which step holds what. It prints figures
 * and asserts nothing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CUSTOMER, SUPPORT, testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { appendMails, readFolder } from '../test/harness/mailbox.js';
import { startSmtpRelay } from '../test/harness/smtpRelay.js';

const mb = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 25);
const dialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';

/** VmRSS and VmHWM of a process, in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function bigMail(megabytes: number): Buffer {
  const attachment = randomBytes(megabytes * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `From: Jeanne Dupont <${CUSTOMER}>\r\nTo: ${SUPPORT}\r\nSubject: Photos du colis abîmé\r\nMessage-ID: <memory-bench@example.test>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
      `Bonjour, voici la vidéo du colis abîmé.\r\n--b\r\nContent-Type: video/mp4; name="colis.mp4"\r\nContent-Disposition: attachment; filename="colis.mp4"\r\n` +
      `Content-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--b--\r\n`,
  );
}

async function main(): Promise<void> {
  const dovecot = await startDovecot([SUPPORT, CUSTOMER, 'level1@example.test']);
  const smtp = await startSmtpRelay(dovecot.lmtpPort);
  const database = await createTestDatabase(dialect);
  const config = testConfig({
    imapPort: dovecot.imapPort,
    smtpPort: smtp.port,
    databaseUrl: database.url,
    overrides: { log: { level: (process.env.BENCH_LOG as 'warn') ?? 'warn' }, imap: { poll_seconds: 1 } },
  });
  const daemon = spawn(process.execPath, ['bin/guichet.js', '--config', config.source, 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const epoch0 = Date.now();
  try {
    process.stdout.write(`bench/memory: ${dialect}, one mail with a ${mb} MB attachment, daemon pid ${daemon.pid}\n`);
    // Idle: started, connected, nothing to do, for a few polls.
    await sleep(8000);
    const idle = memoryOf(daemon.pid!);
    process.stdout.write(`  idle after start: ${idle.rss.toFixed(0)} MiB resident (high-water mark so far ${idle.peak.toFixed(0)} MiB)\n`);
    const raw = bigMail(mb);
    await appendMails(dovecot.imapPort, SUPPORT, [raw]);
    const t0 = Date.now();
    const timeline: string[] = [];
    const sampler = setInterval(() => timeline.push(`${Date.now() - t0}:${memoryOf(daemon.pid!).rss.toFixed(0)}`), 25);
    const done = async () => (await readFolder(dovecot.imapPort, SUPPORT, 'Processed')).length + (await readFolder(dovecot.imapPort, SUPPORT, 'Quarantine')).length > 0;
    while (!(await done()) && Date.now() - t0 < 120_000) await sleep(500);
    clearInterval(sampler);
    if (process.argv.includes("--timeline")) process.stdout.write(`  timeline from ${t0} (ms:MiB) ${timeline.join(' ')}\n`);
    const after = memoryOf(daemon.pid!);
    process.stdout.write(`  the mail (${(raw.length / 1024 / 1024).toFixed(1)} MiB raw) processed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`  peak (VmHWM): ${after.peak.toFixed(0)} MiB; resident after: ${after.rss.toFixed(0)} MiB\n`);
    await sleep(10_000);
    process.stdout.write(`  resident 10 s later: ${memoryOf(daemon.pid!).rss.toFixed(0)} MiB\n`);
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('exit', resolve));
    await smtp.stop();
    await dovecot.stop();
    await database.drop();
  }
}

await main();
