/**
 * bench/paired: is this change faster than that commit? Single runs of bench/ingest
 * cannot tell: the machine's speed wanders by ±20 % from run to run, the floor
 * included. This runner loads one Dovecot with the bench's mails, then alternates cold
 * processes of two checkouts (A B, B A, A B, …), each measuring its floor and its pass
 * on a fresh database, and prints the medians and how many pairs favour B.
 *
 *   npm run bench:paired -- REV [--runs 6] [--mails 5000] [--postgres]
 *
 * A is REV, checked out in a temporary git worktree that borrows this checkout's
 * node_modules (so REV must have the same dependencies, and a dependency patched under
 * patches/ is patched for both: compare such a patch with an env switch instead); B is this working tree,
 * uncommitted changes included. Each process runs bench/ingestPass.ts, copied into
 * A's worktree so that both measure the same way.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUPPORT } from '../test/harness/config.js';
import { startDovecot } from '../test/harness/dovecot.js';
import { appendMails, imapClient } from '../test/harness/mailbox.js';
import { benchMail } from './ingestMails.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const revision = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!revision) {
  process.stderr.write('usage: npm run bench:paired -- REV [--runs 6] [--mails 5000] [--postgres]\n');
  process.exit(2);
}
const runs = option('--runs', 6);
const mails = option('--mails', 5000);
const postgres = args.includes('--postgres');

interface Run {
  floor: number;
  pass: number;
  ratio: number;
}

const here = path.resolve(import.meta.dirname, '..');
const tsx = path.join(here, 'node_modules', '.bin', 'tsx');

/** One cold process of a checkout: its floor and its pass, on the mails in the inbox. */
function measure(checkout: string, imapPort: number): Promise<Run> {
  const flags = ['bench/ingestPass.ts', '--port', String(imapPort), ...(postgres ? ['--postgres'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, flags, { cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${checkout}: exit ${code}: ${out}`));
      else resolve(JSON.parse(line) as Run);
    });
  });
}

/** The pass moved the mails out of the inbox: put them back, in their order, for the next run. */
async function refill(imapPort: number): Promise<void> {
  const client = imapClient(imapPort, SUPPORT);
  await client.connect();
  try {
    for (const folder of ['Processed', 'Quarantine']) {
      if (!(await client.list()).some((m) => m.path === folder)) continue;
      await client.mailboxOpen(folder);
      if (client.mailbox && client.mailbox.exists > 0) await client.messageMove('1:*', 'INBOX', { uid: false });
    }
    const status = await client.status('INBOX', { messages: true });
    const held = status ? status.messages : undefined;
    if (held !== mails) throw new Error(`the inbox holds ${held} mails, not ${mails}`);
  } finally {
    await client.logout();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const whole = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  const worktree = mkdtempSync(path.join(tmpdir(), 'guichet-paired-'));
  execFileSync('git', ['worktree', 'add', '--detach', worktree, revision!], { cwd: here, stdio: 'ignore' });
  const dovecot = await startDovecot([SUPPORT]);
  try {
    symlinkSync(path.join(here, 'node_modules'), path.join(worktree, 'node_modules'));
    copyFileSync(path.join(here, 'bench', 'ingestPass.ts'), path.join(worktree, 'bench', 'ingestPass.ts'));
    await appendMails(dovecot.imapPort, SUPPORT, Array.from({ length: mails }, (_, i) => benchMail(i)));
    process.stdout.write(`bench/paired: A = ${revision}, B = this working tree; ${mails} mails, ${postgres ? 'postgres' : 'sqlite'}, ${runs} pairs\n`);
    const a: Run[] = [];
    const b: Run[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternating which goes first, so that a drift of the machine's speed favours neither.
      const order = i % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
      for (const which of order) {
        const run = await measure(which === 'A' ? worktree : here, dovecot.imapPort);
        (which === 'A' ? a : b).push(run);
        await refill(dovecot.imapPort);
      }
      process.stdout.write(
        `  pair ${i + 1}: A ${whole(a[i]!.pass)} mails/s (floor ${whole(a[i]!.floor)}, ratio ${a[i]!.ratio.toFixed(2)})` +
          `   B ${whole(b[i]!.pass)} mails/s (floor ${whole(b[i]!.floor)}, ratio ${b[i]!.ratio.toFixed(2)})\n`,
      );
    }
    const favour = a.filter((run, i) => b[i]!.pass > run.pass).length;
    process.stdout.write(
      [
        `  medians: A ${whole(median(a.map((r) => r.pass)))} mails/s, ratio ${median(a.map((r) => r.ratio)).toFixed(2)}` +
          `; B ${whole(median(b.map((r) => r.pass)))} mails/s, ratio ${median(b.map((r) => r.ratio)).toFixed(2)}`,
        `  B faster in ${favour} pairs of ${runs}`,
        '',
      ].join('\n'),
    );
  } finally {
    await dovecot.stop();
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: here, stdio: 'ignore' });
    rmSync(worktree, { recursive: true, force: true });
  }
}

await main();
