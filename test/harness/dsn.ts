import { randomUUID } from 'node:crypto';

/**
 * A delivery status notification as Postfix writes one (RFC 3464): a human-readable
 * part, the machine-readable status, and the original's headers. The test relay sends
 * it for a mailbox the server does not have, so tests read a bounce produced from a
 * real refusal (Dovecot's own LMTP reply), not a file.
 */
export function deliveryStatusNotification(input: { to: string; recipients: string[]; diagnostic: string; original: Buffer }): Buffer {
  const boundary = `dsn-${randomUUID()}`;
  const headers = input.original.toString('utf8').split(/\r?\n\r?\n/)[0]!;
  const status = /\b5\.\d{1,3}\.\d{1,3}\b/.exec(input.diagnostic)?.[0] ?? '5.0.0';
  const perRecipient = input.recipients
    .map((r) => [`Final-Recipient: rfc822; ${r}`, `Original-Recipient: rfc822;${r}`, 'Action: failed', `Status: ${status}`, `Diagnostic-Code: smtp; ${input.diagnostic}`].join('\r\n'))
    .join('\r\n\r\n');
  return Buffer.from(
    [
      'Return-Path: <>',
      'From: MAILER-DAEMON@relay.guichet.test (Mail Delivery System)',
      `To: ${input.to}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-replied',
      `Message-ID: <${randomUUID()}@relay.guichet.test>`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      '',
      'This is a MIME-encapsulated message.',
      '',
      `--${boundary}`,
      'Content-Description: Notification',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      "I'm sorry to have to inform you that your message could not",
      'be delivered to one or more recipients.',
      '',
      ...input.recipients.map((r) => `<${r}>: ${input.diagnostic}`),
      '',
      `--${boundary}`,
      'Content-Description: Delivery report',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.guichet.test',
      '',
      perRecipient,
      '',
      `--${boundary}`,
      'Content-Description: Undelivered Message Headers',
      'Content-Type: text/rfc822-headers',
      '',
      headers,
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}
