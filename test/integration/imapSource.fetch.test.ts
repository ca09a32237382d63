import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMails, listUids } from '../../src/mail/imapSource.js';
import { SUPPORT } from '../harness/config.js';
import { startDovecot, type Dovecot } from '../harness/dovecot.js';
import { appendMails } from '../harness/mailbox.js';

/** A mail of about `bytes` bytes, numbered so each can be recognised in what comes back. */
function mailOf(n: number, bytes: number): Buffer {
  const head = `From: client${n}@example.test\r\nTo: ${SUPPORT}\r\nSubject: mail ${n}\r\nMessage-ID: <size-${n}@example.test>\r\n\r\n`;
  const line = `${'x'.repeat(76)}\r\n`;
  return Buffer.from(head + line.repeat(Math.max(1, Math.ceil((bytes - head.length) / line.length))));
}

/**
 * fetchMails against a real Dovecot: every mail comes back whole and in order, a mail
 * over the limit is never downloaded, and no FETCH brings more bytes than a group holds.
 */
describe('fetchMails', () => {
  let dovecot: Dovecot;
  let client: ImapFlow;
  const raws = [mailOf(1, 2_000), mailOf(2, 3_000), mailOf(3, 60_000), mailOf(4, 1_500), mailOf(5, 250_000), mailOf(6, 45_000), mailOf(7, 2_500)];

  beforeAll(async () => {
    dovecot = await startDovecot([SUPPORT]);
    await appendMails(dovecot.imapPort, SUPPORT, raws);
    client = new ImapFlow({ host: '127.0.0.1', port: dovecot.imapPort, secure: false, auth: { user: SUPPORT, pass: 'secret' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    await client.mailboxOpen('INBOX');
  });
  afterAll(async () => {
    await client?.logout().catch(() => undefined);
    await dovecot?.stop();
  });

  it('downloads every mail within the limit whole, skips the one over it, and keeps each FETCH within its bytes', async () => {
    // Every FETCH the function sends, with what it asked for and the bytes that came back.
    const fetches: { uids: string; size: boolean; bytes: number }[] = [];
    const realFetchAll = client.fetchAll.bind(client);
    client.fetchAll = (async (range: string, query: { size?: boolean; source?: boolean }, options: object) => {
      const messages = await realFetchAll(range, query, options);
      fetches.push({ uids: range, size: Boolean(query.size), bytes: messages.reduce((sum, m) => sum + (m.source?.length ?? 0), 0) });
      return messages;
    }) as typeof client.fetchAll;
    try {
      const uids = await listUids(client);
      // Limit 100 KB, groups of 110 KB.
      const mails = await fetchMails(client, uids, 100_000, 110_000);

      expect(mails.map((m) => m.uid)).toEqual(uids);
      for (const [i, mail] of mails.entries()) {
        if (i === 4) {
          expect(mail.source).toBeNull();
          expect(mail.size).toBe(raws[4]!.length);
        } else {
          expect(mail.source?.equals(raws[i]!)).toBe(true);
        }
      }
      // The source FETCHes stay within a group's bytes, and the mail over the limit is in none.
      const sourceFetches = fetches.filter((f) => !f.size);
      expect(sourceFetches.length).toBeGreaterThanOrEqual(2);
      for (const f of sourceFetches) expect(f.bytes).toBeLessThanOrEqual(110_000);
      expect(sourceFetches.some((f) => f.uids.split(',').includes(String(uids[4])))).toBe(false);
    } finally {
      client.fetchAll = realFetchAll;
    }
  });

  it('downloads a large mail in slices, byte for byte (its SHA-256 unchanged), between small ones', async () => {
    // 4.5 MB of binary-looking base64 with a non-ASCII header, beside two small mails.
    const large = Buffer.concat([
      Buffer.from(`From: gros@example.test\r\nTo: ${SUPPORT}\r\nSubject: =?UTF-8?Q?pi=C3=A8ce_jointe?=\r\nMessage-ID: <large@example.test>\r\n\r\n`),
      Buffer.from(Buffer.alloc(3_400_000, 7).toString('base64').replace(/.{76}/g, '$&\r\n')),
    ]);
    const before = await listUids(client);
    await appendMails(dovecot.imapPort, SUPPORT, [mailOf(8, 2_000), large, mailOf(9, 3_000)]);
    const uids = (await listUids(client)).filter((uid) => !before.includes(uid));
    const mails = await fetchMails(client, uids, 40 * 1024 * 1024);
    expect(mails.map((m) => m.source?.length)).toEqual([mailOf(8, 2_000).length, large.length, mailOf(9, 3_000).length]);
    expect(mails[1]!.source!.equals(large)).toBe(true);
  });
});
