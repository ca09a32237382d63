import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface SmtpRelay {
  port: number;
  /** Every mail accepted, in order: what the SMTP server saw (for duplicate checks). */
  accepted: { messageId: string | null; rcpt: string[]; subject: string; at: number }[];
  /** Makes the next `n` mails fail with this SMTP reply code (transient 4xx or permanent 5xx). */
  failNext(n: number, code: number): void;
  stop(): Promise<void>;
}

/**
 * A real SMTP server (nodemailer's smtp-server) that hands every mail to Dovecot
 * over LMTP, so that tests read what was sent from the recipient's own IMAP mailbox.
 */
export async function startSmtpRelay(lmtpPort: number): Promise<SmtpRelay> {
  const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: lmtpPort, lmtp: true, secure: false, ignoreTLS: true });
  const accepted: SmtpRelay['accepted'] = [];
  let failures = { count: 0, code: 451 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
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
          .then(() => {
            accepted.push({ messageId, rcpt, subject, at: performance.now() });
            callback();
          }, callback);
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
    stop: () => new Promise((resolve) => server.close(() => (lmtp.close(), resolve()))),
  };
}
