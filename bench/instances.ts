/**
 * bench/instances: does a second instance on the same PostgreSQL database and the
 * same mailbox add throughput? Puts N mails (default 2,000; `npm run bench:instances
 * -- 1000`) into a fresh Dovecot inbox, then for 1, 2 and 3 instances, each a process
 * of its own with its parsing threads warm, starts their inbox passes at the same
 * instant and times until the last one is done. Prints the throughput of each run and
 * what each instance did, and checks from the database that nothing was done twice
 * (one ticket per new request, one acknowledgement each). It asserts nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Daemon } from '../src/app/daemon.js';
import { MailboxWorker } from '../src/app/mailboxWorker.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/logger.js';
import { SUPPORT, testConfig } from '../test/harness/config.js';
import { createTestDatabase } from '../test/harness/databases.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { appendMails } from '../test/harness/mailbox.js';
import { benchMail } from './ingestMails.js';

interface ChildReport {
  seen: number;
  processed: number;
  ignored: number;
  duplicates: number;
  ms: number;
}

/** One instance: opens, warms, says "ready", waits for "go", runs the inbox pass, prints what it did. */
async function child(configFile: string): Promise<void> {
  const config = loadConfig(configFile, process.env);
  const daemon = await Daemon.open(config, createLogger('silent'), () => new Date());
  const worker = new MailboxWorker(daemon.ctx, () => new Date());
  await daemon.ctx.parsers.warm();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy();
  const t0 = performance.now();
  const counts = await worker.runOnce();
  const report: ChildReport = { ...counts, ms: performance.now() - t0 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await daemon.stop();
  process.exit(0);
}

function startInstance(configFile: string): { process: ChildProcess; ready: Promise<void>; done: Promise<ChildReport> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/instances.ts', '--child', configFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  let onReady: () => void;
  let onDone: (r: ChildReport) => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const done = new Promise<ChildReport>((resolve) => (onDone = resolve));
  lines.on('line', (line) => (line === 'ready' ? onReady() : line.startsWith('{') ? onDone(JSON.parse(line) as ChildReport) : undefined));
  return { process: proc, ready, done };
}

async function run(instances: number, count: number): Promise<void> {
  const dovecot = await startDovecot([SUPPORT]);
  const database = await createTestDatabase('postgres');
  try {
    await appendMails(dovecot.imapPort, SUPPORT, Array.from({ length: count }, (_, i) => benchMail(i)));
    const config = testConfig({ imapPort: dovecot.imapPort, smtpPort: 1, databaseUrl: database.url, overrides: { log: { level: 'silent' } } });
    // Migrated once here, so the instances start on an up-to-date schema together.
    await (await Daemon.open(config, createLogger('silent'), () => new Date())).stop();
    const children = Array.from({ length: instances }, () => startInstance(config.source));
    await Promise.all(children.map((c) => c.ready));
    const t0 = performance.now();
    for (const c of children) c.process.stdin!.write('go\n');
    const reports = await Promise.all(children.map((c) => c.done));
    const wallMs = performance.now() - t0;
    const check = await Daemon.open(config, createLogger('silent'), () => new Date());
    const { Ticket, Outbox, InboundMail } = check.ctx.db.models;
    const [tickets, acks, ledger] = [await Ticket.count(), await Outbox.count({ where: { kind: 'acknowledgement' } }), await InboundMail.count()];
    await check.stop();
    const each = reports.map((r) => `${r.processed}+${r.ignored} done, ${r.duplicates} dup in ${(r.ms / 1000).toFixed(1)} s`).join('; ');
    process.stdout.write(
      `  ${instances} instance(s): ${Math.round((count / wallMs) * 1000).toLocaleString('en')} mails/s (${(wallMs / 1000).toFixed(1)} s)  [${each}]\n` +
        `    database: ${ledger} mails in the ledger, ${tickets} tickets, ${acks} acknowledgements\n`,
    );
  } finally {
    await database.drop();
    await dovecot.stop();
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2000);
  process.stdout.write(`bench/instances: ${count} mails, PostgreSQL, one Dovecot inbox shared by every instance\n`);
  for (const instances of [1, 2, 3]) await run(instances, count);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex > 0) await child(process.argv[childIndex + 1]!);
else await main();
