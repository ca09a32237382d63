/**
 * The two measurements of bench/ingest, on mails already in a Dovecot inbox: the
 * libraries' floor (imapflow alone, then mailparser alone) and guichet's inbox pass.
 *
 * Run as a script (`tsx bench/ingestPass.ts --port P [--postgres]`) it measures the
 * cold floor once, then the pass, and prints one line of JSON: that is how
 * bench/paired runs one cold process per checkout. It imports only what every
 * checkout since the pipeline's threads has, so the paired runner can copy it into
 * an older checkout and measure that checkout's code with it.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Daemon } from '../src/app/daemon.js';
import { MailboxWorker } from '../src/app/mailboxWorker.js';
import { createLogger } from '../src/logger.js';
import { SUPPORT, testConfig } from '../test/harness/config.js';
import { createTestDatabase, type TestDialect } from '../test/harness/databases.js';

export const rate = (n: number, ms: number) => (n / ms) * 1000;

export interface FloorTimes {
  count: number;
  /** One duration per try, the first cold. */
  fetchMs: number[];
  parseMs: number[];
}

/** Both in sequence: the rate of fetching then parsing every mail. */
export function floorRate(count: number, fetchMs: number, parseMs: number): number {
  return 1 / (1 / rate(count, fetchMs) + 1 / rate(count, parseMs));
}

/** imapflow alone fetches every source, in the groups guichet uses; then mailparser alone parses them. */
export async function measureFloor(imapPort: number, tries: number): Promise<FloorTimes> {
  const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: SUPPORT, pass: 'secret' }, logger: false });
  await client.connect();
  await client.mailboxOpen('INBOX', { readOnly: true });
  const count = client.mailbox ? client.mailbox.exists : 0;
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
  const parseMs: number[] = [];
  for (let t = 0; t < tries; t++) {
    const parse0 = performance.now();
    for (const source of sources) await simpleParser(source);
    parseMs.push(performance.now() - parse0);
  }
  return { count: sources.length, fetchMs, parseMs };
}

export interface PassFigures {
  seen: number;
  processed: number;
  ignored: number;
  runMs: number;
  /** Cores used on average over the pass, all threads of the process. */
  cores: number;
  tickets: number;
  acknowledgements: number;
  notifications: number;
}

/**
 * `start --once`'s inbox pass (fetch, parse, decide, commit, move) on a fresh
 * database. Set-up is not timed, as for the floor: the daemon's parsing threads
 * start with it, and their loading (~0.5-1 s) is waited for.
 */
export async function measurePass(imapPort: number, dialect: TestDialect, profileFile?: string): Promise<PassFigures> {
  const database = await createTestDatabase(dialect);
  try {
    const config = testConfig({ imapPort, smtpPort: 1, databaseUrl: database.url, overrides: { log: { level: 'silent' } } });
    const daemon = await Daemon.open(config, createLogger(process.env.BENCH_LOG ?? 'silent'), () => new Date());
    const worker = new MailboxWorker(daemon.ctx, () => new Date());
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
    const { Ticket, Outbox } = daemon.ctx.db.models;
    const figures: PassFigures = {
      seen: report.seen,
      processed: report.processed,
      ignored: report.ignored,
      runMs,
      cores: (cpu.user + cpu.system) / 1000 / runMs,
      tickets: await Ticket.count(),
      acknowledgements: await Outbox.count({ where: { kind: 'acknowledgement' } }),
      notifications: await Outbox.count({ where: { kind: 'agent-notification' } }),
    };
    await daemon.stop();
    return figures;
  } finally {
    await database.drop();
  }
}

/** As a script: one cold floor, one pass, one line of JSON. */
async function child(): Promise<void> {
  const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
  const dialect: TestDialect = process.argv.includes('--postgres') ? 'postgres' : 'sqlite';
  const floor = await measureFloor(port, 1);
  const pass = await measurePass(port, dialect);
  const floorMailsPerS = floorRate(floor.count, floor.fetchMs[0]!, floor.parseMs[0]!);
  const passMailsPerS = rate(pass.seen, pass.runMs);
  process.stdout.write(`${JSON.stringify({ floor: floorMailsPerS, pass: passMailsPerS, ratio: passMailsPerS / floorMailsPerS, ...pass })}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await child();
