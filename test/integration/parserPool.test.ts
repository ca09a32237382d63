import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ParserPool } from '../../src/mail/parserPool.js';
import { prepareMail, type Prepared } from '../../src/mail/prepare.js';

/**
 * Parsing on real worker threads gives exactly what parsing here gives, in order, for
 * every fixture (charsets, HTML only, attachments, bounces), and a mail that cannot be
 * read comes back with its reason instead of stopping the others.
 */
describe('parsing on worker threads', () => {
  const options = {
    attachmentsDir: mkdtempSync(path.join(tmpdir(), 'guichet-pool-')),
    maxAttachmentBytes: 10 * 1024 * 1024,
    timeoutMs: 30_000,
    supportAddress: 'support@example.test',
  };
  const pool = new ParserPool(2, options, createLogger('silent'));
  afterAll(() => pool.close());

  const fixtures = readdirSync('fixtures/mail')
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ raw: readFileSync(path.join('fixtures/mail', f)), sha256: f }));
  // A real parsing thread that dies on purpose (see the file).
  const crashingWorker = new URL('../harness/crashingParseWorker.ts', import.meta.url);
  // More than a chunk, so that both threads get some.
  const mails = [...fixtures, ...fixtures, ...fixtures];

  it('gives what parsing on this thread gives, in order', async () => {
    expect(mails.length).toBeGreaterThan(50);
    const threaded: Prepared[] = [];
    for await (const prepared of pool.prepare(mails)) threaded.push(prepared);
    const here: Prepared[] = [];
    for (const mail of mails) here.push(await prepareMail(mail.raw, mail.sha256, options));
    expect(threaded).toEqual(here);
    expect(threaded.every((p) => 'mail' in p)).toBe(true);
  });

  it('gives the reason for a mail that cannot be read, and goes on with the next ones', async () => {
    // Attachments cannot be stored when the attachment folder is a file.
    const file = path.join(options.attachmentsDir, 'not-a-folder');
    writeFileSync(file, '');
    const failing = new ParserPool(1, { ...options, attachmentsDir: file }, createLogger('silent'));
    try {
      const withAttachment = fixtures.find((f) => f.sha256 === 'new-applemail-en-attachment.eml')!;
      const plain = fixtures.find((f) => f.sha256 === 'new-gmail-fr-delivery.eml')!;
      const batch = Array.from({ length: 30 }, (_, i) => (i % 3 === 1 ? withAttachment : plain));
      const prepared: Prepared[] = [];
      for await (const p of failing.prepare(batch)) prepared.push(p);
      expect(prepared.map((p) => ('reason' in p ? 'reason' : 'mail'))).toEqual(batch.map((m) => (m === withAttachment ? 'reason' : 'mail')));
      expect(prepared[1]).toEqual({ reason: expect.stringMatching(/^GUICHET_MAIL_UNPARSEABLE: .*not-a-folder/) });
    } finally {
      await failing.close();
    }
  });

  it('starts its threads ahead when asked, and they answer', async () => {
    const fresh = new ParserPool(2, options, createLogger('silent'));
    try {
      await fresh.warm();
      const prepared: Prepared[] = [];
      for await (const p of fresh.prepare(mails)) prepared.push(p);
      expect(prepared).toHaveLength(mails.length);
      await fresh.warm(); // nothing more to start
    } finally {
      await fresh.close();
    }
  });

  it('replaces a thread that dies, and gives a reason to the one mail that killed it', async () => {
    const crashing = new ParserPool(1, options, createLogger('silent'), crashingWorker);
    try {
      const killer = { raw: Buffer.from(`X-Test-Crash: yes\r\n${fixtures[0]!.raw.toString('latin1')}`, 'latin1'), sha256: 'killer' };
      // Two chunks: the killer in the first, so its neighbours and the next chunk must survive it.
      const batch = [...fixtures.slice(0, 10), killer, ...fixtures.slice(10, 45)];
      const prepared: Prepared[] = [];
      for await (const p of crashing.prepare(batch)) prepared.push(p);
      expect(prepared.map((p) => ('reason' in p ? p.reason : 'parsed'))).toEqual(
        batch.map((m) => (m === killer ? expect.stringMatching(/^GUICHET_MAIL_UNPARSEABLE: the parsing thread exited with code 3/) : 'parsed')),
      );
      // And the pool goes on with a new thread.
      const after: Prepared[] = [];
      for await (const p of crashing.prepare(fixtures.slice(0, 30))) after.push(p);
      expect(after.every((p) => 'mail' in p)).toBe(true);
    } finally {
      await crashing.close();
    }
  });

  it('replaces a thread that died while idle before handing it mails', async () => {
    const marker = path.join(options.attachmentsDir, `idle-death-${Date.now()}`);
    const pool = new ParserPool(1, { ...options, dieWhenIdle: marker } as typeof options, createLogger('silent'), crashingWorker);
    try {
      await pool.warm();
      // The thread is gone now; a request posted to it would wait for its (long) timeout.
      while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const prepared: Prepared[] = [];
      for await (const p of pool.prepare(fixtures.slice(0, 30))) prepared.push(p);
      expect(prepared.every((p) => 'mail' in p)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('works again after being closed', async () => {
    await pool.close();
    const again: Prepared[] = [];
    for await (const prepared of pool.prepare(mails)) again.push(prepared);
    expect(again).toHaveLength(mails.length);
  });

  it('starts its threads with a backlog, stops them when idle, and starts them again for the next one', async () => {
    const idle = new ParserPool(1, options, createLogger('silent'), undefined, 200);
    try {
      expect(idle.running).toBe(0);
      const few: Prepared[] = [];
      for await (const prepared of idle.prepare(fixtures.slice(0, 3))) few.push(prepared);
      // A handful is parsed on this thread: none started.
      expect(idle.running).toBe(0);
      const backlog = async () => {
        let count = 0;
        for await (const prepared of idle.prepare(mails.slice(0, 30))) count += 'mail' in prepared ? 1 : 0;
        return count;
      };
      expect(await backlog()).toBe(30);
      expect(idle.running).toBe(1);
      for (let i = 0; i < 50 && idle.running > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(idle.running).toBe(0);
      expect(await backlog()).toBe(30);
    } finally {
      await idle.close();
    }
  });
});
