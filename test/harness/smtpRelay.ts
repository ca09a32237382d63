import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';
import { deliveryStatusNotification } from './dsn.js';

export interface SmtpRelay {
  port: number;
  /** Every mail accepted, in order: what the SMTP server saw (for duplicate checks). */
  accepted: { messageId: string | null; rcpt: string[]; subject: string; at: number }[];
  /** Makes the next `n` mails fail with this SMTP reply code (transient 4xx or permanent 5xx). */
  failNext(n: number, code: number): void;
  /** Takes a refused recipient back (the customer's mailbox was fixed). */
  acceptRecipient(address: string): void;
  /** From now on, refuses every login with 535 (a password rotated on the relay's side). */
  refuseLogins(on: boolean): void;
  /** Closes every open SMTP session: the next mail opens a new one, and logs in again. */
  dropConnections(): void;
  /** Refuses this recipient at RCPT TO from now on, with a permanent 550 (a relay that knows the address is dead). */
  refuseRecipient(address: string): void;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (nodemailer's smtp-server) that hands every mail to Dovecot
 * over LMTP, so that tests read what was sent from the recipient's own IMAP mailbox.
 */
export async function startSmtpRelay(lmtpPort: number, options: { checkToken?: (user: string, token: string) => boolean } = {}): Promise<SmtpRelay> {
  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
  const accepted: SmtpRelay['accepted'] = [];
  let failures = { count: 0, code: 451 };
  const refused = new Set<string>();
  let loginsRefused = false;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    ...(options.checkToken ? { authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'] } : {}),
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2') {
        // As Gmail answers a refused token: the client asks for a new one and tries again.
        if (options.checkToken?.(auth.username ?? '', auth.accessToken ?? '')) return callback(null, { user: auth.username });
        return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
      }
      if (loginsRefused) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      callback(null, { user: auth.username });
    },
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refused.has(address.address.toLowerCase())) return callback();
      callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures.count > 0) {
          failures.count--;
          return callback(Object.assign(new Error('test failure'), { responseCode: failures.code }));
        }
        const raw = Buffer.concat(chunks);
        const rcpt = session.envelope.rcptTo.map((r) => r.address);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const head = raw.subarray(0, 16384).toString('latin1');
        const messageId = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? null;
        const subject = /^subject:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
        lmtp
          .sendMail({ envelope: { from, to: rcpt }, raw: Buffer.concat([Buffer.from(`Return-Path: <${from}>\r\n`), raw]) })
          .then(
            () => {
              accepted.push({ messageId, rcpt, subject, at: performance.now() });
              callback();
            },
            (error: { code?: string; response?: string; responseCode?: number }) => {
              // A mailbox Dovecot does not know: accepted, then bounced to the sender, as a
              // smarthost does (its DSN comes back into the sender's own inbox). Not for a
              // bounce itself (null sender), which is dropped, as MTAs do.
              if (error.code !== 'EENVELOPE' || (error.responseCode ?? 0) < 500) return callback(error as Error);
              accepted.push({ messageId, rcpt, subject, at: performance.now() });
              callback();
              if (from === '') return;
              const dsn = deliveryStatusNotification({ to: from, recipients: rcpt, diagnostic: error.response ?? `${error.responseCode}`, original: raw });
              lmtp.sendMail({ envelope: { from: '', to: [from] }, raw: dsn }).catch(() => undefined);
            },
          );
      });
    },
  });
  // The crash test kills senders mid-session: a reset connection is expected, not a test failure.
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    accepted,
    failNext: (count, code) => void (failures = { count, code }),
    refuseRecipient: (address) => void refused.add(address.toLowerCase()),
    refuseLogins: (on) => void (loginsRefused = on),
    dropConnections: () => {
      for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections) connection.close();
    },
    acceptRecipient: (address) => void refused.delete(address.toLowerCase()),
    stop: () => new Promise((resolve) => server.close(() => (lmtp.close(), resolve()))),
  };
}
