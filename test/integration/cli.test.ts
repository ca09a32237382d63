import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CUSTOMER } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `guichet` command in its own process, optionally feeding standard input. */
function guichet(args: string[], input?: Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['bin/guichet.js', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

describe('the guichet command', () => {
  let world: World;
  let config: string;
  beforeAll(async () => {
    world = await createWorld('sqlite');
    config = world.config.source;
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('config check names the file, line and key of each problem, and exits 2', async () => {
    const bad = path.join(tmpdir(), `guichet-bad-${process.pid}.yaml`);
    writeFileSync(bad, 'support:\n  address: not-an-address\n  name: Service client\n');
    const run = await guichet(['config', 'check', '--config', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:2:12: support.address: Invalid email`);
    expect(run.stderr).toContain(`${bad}:1:1: imap: Required`);

    const good = await guichet(['config', 'check', '--config', config]);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toContain(': OK');
  });

  it('ingest takes a file, then the same mail on standard input is a duplicate', async () => {
    const file = path.resolve('fixtures/mail/new-gmail-fr-delivery.eml');
    const first = await guichet(['--config', config, 'ingest', file]);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ outcome: 'processed', created: true });
    expect(result.reference).toMatch(/^SAV-[0-9A-Z]{6}$/);

    const again = await guichet(['--config', config, 'ingest', '-'], fixture('new-gmail-fr-delivery.eml'));
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'duplicate', previous: 'processed' });
  });

  it('ingest - answers an MTA pipe in sysexits: 0 kept (even quarantined), 75 try again, 65 never a mail', async () => {
    const pipe = (command: string) =>
      new Promise<Run>((resolve) => {
        execFile('sh', ['-c', command], { encoding: 'utf8' }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
      });
    const variant = (change: (yaml: Record<string, any>) => void) => {
      const yaml = parse(readFileSync(config, 'utf8')) as Record<string, any>;
      change(yaml);
      const file = path.join(path.dirname(config), `variant-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, stringify(yaml));
      return file;
    };
    const mail = path.resolve('fixtures/mail/new-applemail-en-attachment.eml');
    // A database of its own: the quarantined mail must not show in the other tests' status.
    const broken = variant((y) => {
      y.paths.templates = '/nonexistent/templates';
      y.database.url = `sqlite:${path.join(path.dirname(config), 'broken.sqlite')}`;
    });
    const quarantined = await pipe(`cat ${mail} | ${process.execPath} bin/guichet.js --config ${broken} ingest -`);
    expect(quarantined.code).toBe(0);
    expect(JSON.parse(quarantined.stdout)).toMatchObject({ outcome: 'quarantined', reason: expect.stringContaining('GUICHET_TEMPLATE_NOT_FOUND') });

    const down = variant((y) => (y.database.url = 'postgres://postgres@127.0.0.1:1/guichet'));
    const later = await pipe(`cat ${mail} | ${process.execPath} bin/guichet.js --config ${down} ingest -`);
    expect(later.code).toBe(75);
    expect(later.stderr).toContain('the mail was not kept: try again later');
    const unreadable = variant((y) => (y.support.address = 'not an address'));
    expect((await pipe(`cat ${mail} | ${process.execPath} bin/guichet.js --config ${unreadable} ingest -`)).code).toBe(75);

    const empty = await pipe(`printf '' | ${process.execPath} bin/guichet.js --config ${config} ingest -`);
    expect(empty.code).toBe(65);
    expect(empty.stderr).toContain('the input is empty');
  });

  it('runs from a configuration outside the checkout named by GUICHET_CONFIG, its paths read from its own folder', async () => {
    const etc = mkdtempSync(path.join(tmpdir(), 'guichet-etc-'));
    const yaml = parse(readFileSync(config, 'utf8')) as Record<string, any>;
    yaml.database.url = 'sqlite:guichet.sqlite';
    yaml.paths = { data: 'data' };
    writeFileSync(path.join(etc, 'guichet.yaml'), stringify(yaml));
    const env = { ...process.env, GUICHET_CONFIG: path.join(etc, 'guichet.yaml') };
    const run = (args: string[]) =>
      new Promise<Run>((resolve) => {
        execFile(process.execPath, [path.resolve('bin/guichet.js'), ...args], { encoding: 'utf8', cwd: tmpdir(), env }, (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const check = await run(['config', 'check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`database   sqlite:${etc}/guichet.sqlite`);
    expect(check.stdout).toContain(`data       ${etc}/data`);
    expect(check.stdout).toContain(`templates  ${path.resolve('templates')}`);
    const ingested = await run(['ingest', path.resolve('fixtures/mail/new-applemail-en-attachment.eml')]);
    expect(ingested.code).toBe(0);
    expect(JSON.parse(ingested.stdout)).toMatchObject({ outcome: 'processed', created: true });
    expect(existsSync(path.join(etc, 'guichet.sqlite'))).toBe(true);
  });

  it('tickets list and show print the documented JSON, and an unknown reference is an error', async () => {
    const list = JSON.parse((await guichet(['--config', config, 'tickets', 'list', '--json'])).stdout);
    expect(list).toHaveLength(1);
    const reference = list[0].reference;
    expect(list[0]).toMatchObject({ status: 'open', category: 'livraison', customer: { email: CUSTOMER, name: 'Jeanne Dupont' } });

    const show = JSON.parse((await guichet(['--config', config, 'tickets', 'show', reference, '--json'])).stdout);
    expect(show.messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'out', 'out']);
    expect(show.events.map((e: { type: string }) => e.type)).toEqual(['ticket_created', 'message_received']);
    expect(show.outbox).toEqual([
      expect.objectContaining({ kind: 'acknowledgement', status: 'pending', to: CUSTOMER }),
      expect.objectContaining({ kind: 'agent-notification', status: 'pending', to: 'level1@example.test' }),
    ]);

    const human = await guichet(['--config', config, 'tickets', 'show', reference]);
    expect(human.stdout).toContain(`${reference}  Colis jamais reçu`);

    const missing = await guichet(['--config', config, 'ingest', '/nonexistent/mail.eml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("guichet: ENOENT: no such file or directory, open '/nonexistent/mail.eml'\n");
    const bogus = await guichet(['--config', config, 'tickets', 'list', '--status', 'bogus']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain("argument 'bogus' is invalid. Allowed choices are open, waiting_customer, waiting_seller, on_hold, resolved, closed, spam");
    expect((await guichet(['tickets', 'list', '--help'])).stdout).toContain('only tickets with this status (choices: "open",');
    const german = await guichet(['--config', config, 'templates', 'preview', 'acknowledgement', '--locale', 'de']);
    expect(german.code).toBe(1);
    expect(german.stderr).toContain("argument 'de' is invalid. Allowed choices are fr, en");

    const unknown = await guichet(['--config', config, 'tickets', 'show', 'SAV-000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no ticket has the reference SAV-000000');
  });

  it('start --once delivers what ingest queued and prints its report', async () => {
    const run = await guichet(['--config', config, 'start', '--once']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      inbox: { seen: 0, processed: 0, ignored: 0, quarantined: 0, duplicates: 0 },
      timers: { tickets: 0, fired: 0 },
      outbox: { sent: 2, retried: 0, failed: 0 },
      retention: { quarantined: 0, raw_mails: 0, tickets: 0, imap_mails: 0 },
      privacy: 0,
    });
    const [ack] = await waitForMails(world.dovecot.imapPort, CUSTOMER, 1);
    expect(ack!.parsed.subject).toMatch(/^\[SAV-[0-9A-Z]{6}\] Colis jamais reçu$/);
  });

  it('status shows the last poll, the outbox and the inbound ledger', async () => {
    const report = JSON.parse((await guichet(['--config', config, 'status', '--json'])).stdout);
    expect(report.mailboxes).toEqual([expect.objectContaining({ mailbox: 'INBOX', last_error: null })]);
    expect(new Date(report.mailboxes[0].last_poll_at).getTime()).toBeGreaterThan(Date.now() - 120_000);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(report).toMatchObject({ version, tickets: { open: 1 }, outbox: { sent: 2 }, inbound: { processed: 1 }, quarantine: [] });
    expect(await guichet(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await guichet(['--config', config, 'status'])).stdout).toMatch(/^mailbox INBOX: last poll 20/);
  });

  it('templates check passes the shipped templates; templates preview renders a mail from the sample or a real ticket', async () => {
    const check = await guichet(['--config', config, 'templates', 'check']);
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toMatch(/66 template\(s\) checked in .*: 0 problem\(s\)/);

    // Decoded headers and the text part by default, in the preview's language, to whom the mail goes.
    const sample = await guichet(['--config', config, 'templates', 'preview', 'resolved', '--sample', '--locale', 'en']);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toMatch(/^From: .*\nTo: Jeanne Dupont <jeanne\.dupont@example\.test>\nSubject: \[SAV-7M3Q9F\] Your request is solved\n/);
    expect(sample.stdout).toContain('The refund has been made.');
    expect(sample.stdout).not.toMatch(/=\?UTF-8\?|quoted-printable|Content-Type/);
    const french = await guichet(['--config', config, 'templates', 'preview', 'agent-notification']);
    expect(french.stdout).toContain('Subject: [SAV-7M3Q9F] Colis jamais reçu\n');
    expect(french.stdout).toContain("mon colis n'est jamais arrivé.");
    expect(french.stdout).toMatch(/^To: level1@example\.test$/m);
    expect((await guichet(['--config', config, 'templates', 'preview', 'seller-chase'])).stdout).toMatch(/^To: Boutique Exemple <vendeur@example\.test>$/m);
    expect((await guichet(['--config', config, 'templates', 'preview', 'command-help'])).stdout).toMatch(/^To: Camille <agent1@example\.test>$/m);
    const raw = await guichet(['--config', config, 'templates', 'preview', 'resolved', '--raw']);
    expect(raw.stdout).toContain('Content-Type: multipart/alternative');

    const reference = JSON.parse((await guichet(['--config', config, 'tickets', 'list', '--json'])).stdout)[0].reference;
    const out = path.join(tmpdir(), `guichet-preview-${process.pid}.html`);
    const real = await guichet(['--config', config, 'templates', 'preview', 'acknowledgement', '--ticket', reference, '--out', out]);
    expect(real.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(reference);
  });

  it('start answers mail until Ctrl-C, and stops cleanly though the signal comes twice (the terminal and tsx both send it)', async () => {
    const before = (await readFolder(world.dovecot.imapPort, CUSTOMER)).length;
    const child = spawn(process.execPath, ['bin/guichet.js', '--config', config, 'start'], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await world.deliver(Buffer.from(`From: <${CUSTOMER}>\r\nTo: support@example.test\r\nSubject: Toujours rien\r\nMessage-ID: <ctrl-c@example.test>\r\n\r\nBonjour, mon colis n'est pas arrivé.\r\n`));
    // Running: its acknowledgement reaches the customer's mailbox.
    await waitForMails(world.dovecot.imapPort, CUSTOMER, before + 1);
    child.kill('SIGINT');
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    // Closed, not cut off: the last connection to close removes SQLite's WAL.
    expect(existsSync(`${world.database.url.slice('sqlite:'.length)}-wal`)).toBe(false);
  });

  it("customer and audit: a person's data shown, exported, refused, erased, each step logged without naming them", async () => {
    const unknown = await guichet(['--config', config, 'customer', 'show', 'nobody@example.test']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toContain('guichet: guichet holds nothing about nobody@example.test');
    const wrong = await guichet(['--config', config, 'customer', 'erase', 'jeanne']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('"jeanne" is not a mail address');

    const shown = JSON.parse((await guichet(['--config', config, 'customer', 'show', CUSTOMER, '--json'])).stdout);
    expect(shown.tickets.length).toBeGreaterThan(0);
    const open = await guichet(['--config', config, 'customer', 'erase', CUSTOMER]);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/still open: close (it|them) first, or erase with --force/);
    const dry = await guichet(['--config', config, 'customer', 'erase', CUSTOMER, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would erase: \d+ tickets, .*\nbut would refuse: /);
    const zip = path.join(tmpdir(), `guichet-export-${process.pid}.zip`);
    const exported = await guichet(['--config', config, 'customer', 'export', CUSTOMER, '--out', zip]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`wrote ${zip}: `);
    expect(existsSync(zip)).toBe(true);

    const erased = await guichet(['--config', config, 'customer', 'erase', CUSTOMER, '--force', '--keep-statistics', '--json']);
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ dry_run: false, pseudonym: expect.stringMatching(/@erased\.invalid$/), compaction: { done: true } });

    const audit = await guichet(['--config', config, 'audit', 'list']);
    expect(audit.stdout.split('\n').filter(Boolean).map((line) => line.split(/\s+/).slice(2, 4).join(' '))).toEqual([
      'show done',
      'erase refused',
      'erase dry-run',
      'export done',
      'erase done',
    ]);
    expect(audit.stdout).not.toContain(CUSTOMER);
  });

  it('stops cleanly when the npm or shell in front of it is sent SIGTERM', async () => {
    const logs = (child: ReturnType<typeof spawn>) => {
      let text = '';
      child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return () => text;
    };
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = async (what: () => boolean, ms = 20_000) => {
      for (const end = Date.now() + ms; !what(); ) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const childOf = (pid: number) => Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().trim().split(/\s+/)[0]);
    // The same configuration, logging: the test waits on the log's lines.
    const yaml = parse(readFileSync(config, 'utf8')) as Record<string, any>;
    yaml.log = { level: 'info' };
    const logging = path.join(path.dirname(config), 'logging.yaml');
    writeFileSync(logging, stringify(yaml));
    const env = { ...process.env, GUICHET_CONFIG: logging };

    // npm start: its script execs node, so npm's own forwarding reaches guichet.
    const npm = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const npmLog = logs(npm);
    await until(() => npmLog().includes('watching the support mailbox'));
    const daemon = childOf(npm.pid!);
    npm.kill('SIGTERM');
    await until(() => !alive(daemon));
    expect(npmLog()).toContain('"signal":"SIGTERM","msg":"stopping"');

    // npx and other npm commands put a shell between: it dies, and guichet, re-parented, stops too.
    const shell = spawn('sh', ['-c', `${process.execPath} bin/guichet.js start; true`], { env: { ...env, npm_execpath: 'npm' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const shellLog = logs(shell);
    await until(() => shellLog().includes('watching the support mailbox'));
    const orphan = childOf(shell.pid!);
    shell.kill('SIGTERM');
    await until(() => !alive(orphan));
    expect(shellLog()).toContain('"signal":"parent exited","msg":"stopping"');
    expect(existsSync(`${world.database.url.slice('sqlite:'.length)}-wal`)).toBe(false);
  });
});
