import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Config } from '../config/schema.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';

const require = createRequire(import.meta.url);
// hoodiecrow is an in-memory IMAP server written for client tests: deprecated but
// enough for a person to try guichet from Thunderbird. Tests use Dovecot instead.
const hoodiecrow = require('hoodiecrow-imap') as (options: object) => Server & { appendMessage: Function };

export interface Sandbox {
  accounts: { user: string; password: string; imapPort: number }[];
  smtpPort: number;
  stop(): Promise<void>;
}

/**
 * The built-in sandbox behind `npm start` with no configuration: one small IMAP
 * server per account (hoodiecrow serves a single user) on consecutive loopback
 * ports from `imap.port`, and an SMTP server on `smtp.port` that delivers each mail
 * into the INBOX of every recipient that has an account. Nothing is kept on disk:
 * a restart empties the mailboxes (the tickets stay in the database).
 */
export async function startSandbox(config: Config, logger: Logger): Promise<Sandbox> {
  const mailboxes = new Map<string, ReturnType<typeof hoodiecrow>>();
  const accounts = config.sandbox.accounts.map((account, index) => ({
    user: account.user,
    password: account.password,
    imapPort: config.imap.port + index,
  }));
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const account of accounts) {
      const server = hoodiecrow({
        plugins: ['ID', 'IDLE', 'ENABLE', 'UNSELECT', 'NAMESPACE', 'SASL-IR', 'AUTH-PLAIN', 'LITERALPLUS'],
        users: { [account.user]: { password: account.password } },
        storage: { INBOX: { messages: [] }, '': { separator: '/', folders: {} } },
      });
      await listen(server, account.imapPort);
      mailboxes.set(account.user, server);
      closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    }
    // Topic addresses (privacy@, fraude@…) are aliases of the support mailbox, as on a real server.
    const mailboxOf = (address: string) => {
      const lower = address.toLowerCase();
      return mailboxes.get(lower) ?? (lower in config.classification.addresses ? mailboxes.get(config.imap.user) : undefined);
    };
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const known = mailboxOf(address.address) !== undefined;
        callback(known ? undefined : Object.assign(new Error(`no sandbox mailbox for ${address.address}`), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          for (const rcpt of session.envelope.rcptTo) {
            const raw = Buffer.concat([Buffer.from(`Return-Path: <${from}>\r\nDelivered-To: ${rcpt.address}\r\n`), ...chunks]);
            mailboxOf(rcpt.address)?.appendMessage('INBOX', [], new Date(), raw.toString('binary'));
          }
          callback();
        });
      },
    });
    // A client that drops its connection mid-session is that client's problem, not the sandbox's.
    smtp.on('error', (error) => logger.debug({ err: error }, 'sandbox SMTP connection error'));
    await listen(smtp as unknown as Server, config.smtp.port);
    closers.push(() => new Promise((resolve) => smtp.close(() => resolve())));
    logger.info(
      { smtp: config.smtp.port, imap: accounts.map((a) => `${a.user}@127.0.0.1:${a.imapPort}`) },
      'sandbox mail servers started',
    );
    return {
      accounts,
      smtpPort: config.smtp.port,
      stop: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (cause) {
    for (const close of closers.reverse()) await close();
    throw new GuichetError('GUICHET_SANDBOX_FAILED', `cannot start the sandbox: ${(cause as Error).message}`, { cause });
  }
}

/** Listens on loopback only; a port in use is an error, not a silent second server. */
function listen(server: Server, port: number): Promise<void> {
  // hoodiecrow wraps its net.Server as `.server`; smtp-server exposes it the same way.
  const inner = (server as unknown as { server?: Server }).server ?? server;
  return new Promise((resolve, reject) => {
    inner.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      inner.off('error', reject);
      resolve();
    });
  });
}
