import { execFile } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_USERS, testConfig } from '../harness/config.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { fixture } from '../harness/fixtures.js';
import { appendMails } from '../harness/mailbox.js';
import { startSmtpRelay, type SmtpRelay } from '../harness/smtpRelay.js';

const IMAP_PASSWORD = 'Imap-Pw-7f3k9Q';
const SMTP_PASSWORD = 'Smtp/Pw:2m8x@Z';
const DB_PASSWORD = 'Pg-Pw-9x4Lw';
const PASSWORDS = [IMAP_PASSWORD, SMTP_PASSWORD, DB_PASSWORD, encodeURIComponent(SMTP_PASSWORD)];

function guichet(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/guichet.js', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** Every output of a run at trace level, searched for the configured passwords (docs/security.md). */
describe('secrets are never printed', () => {
  let dovecot: Dovecot;
  let smtp: SmtpRelay;
  let database: TestDatabase;
  let file: string;
  let yaml: string;
  let postgresUrl: string;
  beforeAll(async () => {
    dovecot = await startDovecot(ALL_USERS, IMAP_PASSWORD);
    smtp = await startSmtpRelay(dovecot.lmtpPort);
    // A relay that refuses our login: its error must not print the password either.
    smtp.refuseLogins(true);
    database = await createTestDatabase('postgres');
    // Trust authentication on the test server: any password is accepted, so it travels in the URL for real.
    postgresUrl = database.url.replace('postgres://postgres@', `postgres://postgres:${DB_PASSWORD}@`);
    const config = testConfig({
      imapPort: dovecot.imapPort,
      smtpPort: smtp.port,
      databaseUrl: postgresUrl,
      overrides: { imap: { password: IMAP_PASSWORD }, smtp: { user: 'relay', password: SMTP_PASSWORD }, log: { level: 'trace' } },
    });
    file = config.source;
    yaml = readFileSync(file, 'utf8');
    await appendMails(dovecot.imapPort, 'support@example.test', [fixture('new-gmail-fr-delivery.eml'), Buffer.from('not a mail at all')], 'INBOX', IMAP_PASSWORD);
  });
  afterAll(async () => {
    await smtp?.stop();
    await dovecot?.stop();
    await database?.drop();
  });

  it('appear in no output of a working run, of status, of config check, nor of a failing relay', async () => {
    const runs = [
      await guichet(['--config', file, 'config', 'check']),
      await guichet(['--config', file, 'start', '--once']),
      await guichet(['--config', file, 'status']),
      await guichet(['--config', file, 'status', '--json']),
      await guichet(['--config', file, 'tickets', 'list']),
      await guichet(['--config', file, 'quarantine', 'list']),
    ];
    const output = runs.map((r) => r.output).join('\n');
    // The run did real work at trace level: a ticket, and the relay refused our login.
    expect(runs[1]!.code).toBe(0);
    expect(output).toContain('Invalid login: 535');
    expect(runs[4]!.output).toMatch(/SAV-/);
    for (const password of PASSWORDS) expect(output).not.toContain(password);
    expect(runs[0]!.output).toContain('database postgres');
  });

  it('appear in no error about a database URL, and config check refuses a URL of the wrong scheme by its key', async () => {
    const wrongScheme = `${file}.scheme.yaml`;
    writeFileSync(wrongScheme, yaml.replace(postgresUrl, postgresUrl.replace('postgres://', 'postgresql+pg://')));
    const unreachable = `${file}.down.yaml`;
    writeFileSync(unreachable, yaml.replace(postgresUrl, `postgres://postgres:${DB_PASSWORD}@127.0.0.1:1/nowhere`));
    const runs = [];
    for (const args of [['config', 'check'], ['status'], ['start', '--once']]) runs.push(await guichet(['--config', wrongScheme, ...args]));
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.output).toContain('database.url: must start with sqlite: (one instance) or postgres:// (several instances)');
    }
    const down = await guichet(['--config', unreachable, 'status']);
    expect(down.code).toBe(1);
    const output = [...runs, down].map((r) => r.output).join('\n');
    for (const password of PASSWORDS) expect(output).not.toContain(password);
  });
});
