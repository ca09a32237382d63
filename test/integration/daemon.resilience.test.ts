import { afterEach, describe, expect, it } from 'vitest';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { CUSTOMER, SUPPORT } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/** Waits until `check` holds, polling; a bound, never a fixed sleep. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the running daemon', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('picks up new mail as it arrives and survives a Dovecot restart without losing any', async () => {
    // A poll every 5 minutes: within this test only IDLE (or a reconnection) can wake the worker.
    world = await createWorld('sqlite', { imap: { poll_seconds: 300 } });
    const daemon = await world.daemon();
    daemon.start();
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await waitForMails(world.dovecot.imapPort, CUSTOMER, 1);

    await world.dovecot.restart();
    await world.deliver(fixture('new-thunderbird-fr-iso8859-1-8bit.eml'));
    await waitForMails(world.dovecot.imapPort, 'elodie.martin@example.test', 1, 'INBOX', 60_000);
    await eventually(async () => (await readFolder(world!.dovecot.imapPort, SUPPORT, 'INBOX')).length === 0, 'an empty inbox');
    expect(await ticketSummaries(daemon.ctx.db)).toHaveLength(2);
    const state = await daemon.ctx.db.models.MailboxState.findByPk('INBOX');
    expect(state?.get('last_poll_at')).toBeInstanceOf(Date);
  });

  it('with imap.check_ms, looks between IDLEs without writing anything until mail is there', async () => {
    world = await createWorld('sqlite', { imap: { poll_seconds: 300, check_ms: 100 } });
    const daemon = await world.daemon();
    daemon.start();
    const lastPoll = async () => (await daemon.ctx.db.models.MailboxState.findByPk('INBOX'))?.get('last_poll_at') as Date | undefined;
    await eventually(async () => (await lastPoll()) !== undefined, 'the first pass');
    const first = await lastPoll();
    // About ten quick looks at an empty inbox: none of them is a pass, none writes.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await lastPoll()).toEqual(first);
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await waitForMails(world.dovecot.imapPort, CUSTOMER, 1);
    expect(await ticketSummaries(daemon.ctx.db)).toHaveLength(1);
  });

  it('retries a mail the SMTP server refuses for now, with the same Message-ID', async () => {
    world = await createWorld('sqlite');
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    world.smtp.failNext(1, 451);
    let now = new Date('2026-11-23T09:00:00Z');
    const daemon = await world.daemon(() => now);
    const first = await daemon.runOnce();
    expect(first.outbox).toEqual({ sent: 1, retried: 1, failed: 0 });
    const [row] = await daemon.ctx.db.models.Outbox.findAll({ where: { status: 'pending' }, raw: true });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(String((row as any).last_error)).toMatch(/^GUICHET_SMTP_TRANSIENT: .*451/);

    now = new Date('2026-11-23T10:00:00Z');
    const second = await daemon.runOnce();
    expect(second.outbox).toEqual({ sent: 1, retried: 0, failed: 0 });
    // Whichever of the two mails was refused, its recipient got it later with the Message-ID it was queued with.
    const [delivered] = await waitForMails(world.dovecot.imapPort, (row as any).recipient, 1);
    expect(delivered!.parsed.messageId).toBe((row as any).message_id);
  });

  it('records a permanent refusal and does not retry it', async () => {
    world = await createWorld('sqlite');
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    world.smtp.failNext(1, 550);
    const daemon = await world.daemon();
    // The refused mail fails; the team's notification and its notice of the failure go out.
    expect((await daemon.runOnce()).outbox).toEqual({ sent: 2, retried: 0, failed: 1 });
    const [row] = await daemon.ctx.db.models.Outbox.findAll({ where: { status: 'failed' }, raw: true });
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(String((row as any).last_error)).toMatch(/^GUICHET_SMTP_PERMANENT \(attempt 1, giving up\): .*550/);
  });

  it('sends a queued mail with the bodies of its message row, sends rows that carry their own, and fails a row that has neither', async () => {
    world = await createWorld('sqlite');
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    const daemon = await world.daemon();
    const { Outbox, Message } = daemon.ctx.db.models;
    await daemon.runOnce();
    const [ack] = await waitForMails(world.dovecot.imapPort, CUSTOMER, 1);
    const message = (await Message.findOne({ where: { direction: 'out', message_id: ack!.parsed.messageId }, raw: true })) as any;
    expect(ack!.parsed.text?.trim()).toBe(String(message.text).trim());
    expect((await Outbox.findOne({ where: { message_id: ack!.parsed.messageId }, raw: true }) as any).mail).not.toContain(String(message.text).slice(0, 40));

    // A row queued before bodies moved to the message row carries them itself; one with no bodies anywhere is refused.
    const envelope = { from: { name: 'Service client', address: SUPPORT }, to: { name: '', address: CUSTOMER }, replyTo: SUPPORT, subject: '[SAV-OLD] Ancien format', headers: {} };
    const now = new Date();
    await Outbox.bulkCreate([
      { message_id: '<old-format@example.test>', kind: 'acknowledgement', recipient: CUSTOMER, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, mail: JSON.stringify({ ...envelope, messageId: '<old-format@example.test>', text: 'Texte ancien', html: '<p>Texte ancien</p>' }) },
      { message_id: '<no-body@example.test>', kind: 'acknowledgement', recipient: CUSTOMER, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, mail: JSON.stringify({ ...envelope, messageId: '<no-body@example.test>' }) },
    ]);
    expect((await daemon.runOnce()).outbox).toEqual({ sent: 1, retried: 0, failed: 1 });
    const mails = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    expect(mails[1]!.parsed.text?.trim()).toBe('Texte ancien');
    const failed = (await Outbox.findOne({ where: { status: 'failed' }, raw: true })) as any;
    expect(failed.message_id).toBe('<no-body@example.test>');
    expect(failed.last_error).toMatch(/^GUICHET_OUTBOX_BODY_MISSING: /);
  });
});

describe('quarantine', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('moves a mail over the size limit to Quarantine with the reason, and carries on with the next one', async () => {
    world = await createWorld('sqlite', { limits: { max_mail_bytes: 8192 } });
    const padding = 'x'.repeat(76) + '\r\n';
    const big = Buffer.from(`From: a@example.test\r\nTo: ${SUPPORT}\r\nSubject: big\r\nMessage-ID: <big@example.test>\r\n\r\n${padding.repeat(200)}`);
    await world.deliver(big);
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    const daemon = await world.daemon();
    const report = await daemon.runOnce();
    expect(report.inbox).toMatchObject({ seen: 2, processed: 1, quarantined: 1 });
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toHaveLength(1);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toHaveLength(1);
    const [row] = await daemon.ctx.db.models.InboundMail.findAll({ where: { outcome: 'quarantined' }, raw: true });
    expect(String((row as any).reason)).toMatch(/^GUICHET_MAIL_TOO_LARGE: \d+ bytes, limit 8192/);
  });

  it('quarantines a mail whose processing fails, keeps its bytes, and loses nothing else', async () => {
    // No templates at all: rendering the acknowledgement fails inside the transaction.
    world = await createWorld('sqlite', { paths: { templates: '/nonexistent/templates' } });
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await world.deliver(fixture('newsletter-list-unsubscribe.eml'));
    const daemon = await world.daemon();
    const report = await daemon.runOnce();
    expect(report.inbox).toMatchObject({ seen: 2, quarantined: 1, ignored: 1 });
    const [row] = await daemon.ctx.db.models.InboundMail.findAll({ where: { outcome: 'quarantined' }, raw: true });
    expect(String((row as any).reason)).toMatch(/^GUICHET_MAIL_PROCESSING_FAILED: .*GUICHET_TEMPLATE_NOT_FOUND/);
    expect(Buffer.from((row as any).raw).toString('latin1')).toContain('CAJx8kQ3m2pV9=Yc1tZ+Qq7wK5@mail.gmail.com');
    expect(await ticketSummaries(daemon.ctx.db)).toHaveLength(0);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toHaveLength(1);
  });
});
