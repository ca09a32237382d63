import { cpSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/app/daemon.js';
import { CUSTOMER, SUPPORT } from '../harness/config.js';
import { waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const ADMIN = 'admin@example.test';

/**
 * Issue 5's live edits on real Dovecot + SMTP: the running daemon uses an edited
 * template for the next mail; a broken edit leaves acknowledgements flowing with the
 * previous version, and the admins are told once where the error is.
 */
describe('templates edited while the daemon runs', () => {
  let world: World;
  let daemon: Daemon;
  let file: string;
  let n = 0;
  // The renderer looks at template files again after a second (TemplateRenderer's recheckMs): wait that long.
  const write = async (text: string) => {
    writeFileSync(file, text);
    const later = new Date(Date.now() + ++n * 2000);
    utimesSync(file, later, later);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };
  const customerMail = (i: number) =>
    Buffer.from(`From: Jeanne <${CUSTOMER}>\r\nTo: ${SUPPORT}\r\nSubject: Question ${i}\r\nMessage-ID: <live-${i}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, question ${i}.\r\n`);

  beforeAll(async () => {
    const templates = mkdtempSync(path.join(tmpdir(), 'guichet-live-'));
    cpSync(path.resolve('templates'), templates, { recursive: true });
    file = path.join(templates, 'fr', 'acknowledgement.hbs');
    world = await createWorld('sqlite', { admins: [ADMIN], paths: { templates } }, [ADMIN]);
    daemon = await world.daemon();
    daemon.start();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('uses an edit for the next mail, and keeps the last good version when an edit is broken', async () => {
    await world.deliver(customerMail(1), SUPPORT, CUSTOMER);
    expect((await waitForMails(world.dovecot.imapPort, CUSTOMER, 1))[0]!.parsed.subject).toMatch(/^\[SAV-\w+\] Question 1$/);

    const original = readFileSync(file, 'utf8');
    await write(original.replace(/^subject: .*$/m, 'subject: "[{{reference}}] Bien reçu (v2)"'));
    await world.deliver(customerMail(2), SUPPORT, CUSTOMER);
    expect((await waitForMails(world.dovecot.imapPort, CUSTOMER, 2))[1]!.parsed.subject).toMatch(/Bien reçu \(v2\)$/);

    await write(original.replace(/^subject: .*$/m, 'subject: "[{{reference}}] Cassé (v3)"').replace('</p>', '</p>\n{{#if answerBy}}'));
    await world.deliver(customerMail(3), SUPPORT, CUSTOMER);
    await world.deliver(customerMail(4), SUPPORT, CUSTOMER);
    const acks = await waitForMails(world.dovecot.imapPort, CUSTOMER, 4);
    expect(acks.slice(2).map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/Bien reçu \(v2\)$/), expect.stringMatching(/Bien reçu \(v2\)$/)]);

    const [alert, ...more] = await waitForMails(world.dovecot.imapPort, ADMIN, 1);
    expect(more).toEqual([]);
    expect(alert!.parsed.subject).toBe(`guichet: template edit refused: ${file}`);
    expect(alert!.parsed.text).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: \\S`));
  });
});
