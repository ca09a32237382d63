import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '../../src/app/status.js';
import { TroubleWatch } from '../../src/app/troubleWatch.js';
import { SUPPORT } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const ADMIN = 'admin@example.test';
const REFUSED = 'refused@example.test';

/**
 * guichet's own trouble reaches the admins by mail, once per kind and at most once an
 * hour, and shows in `status`: a quarantined mail, a mail given up, a mailbox not
 * polled, an outbox that does not drain, a relay that refuses our login. On a real
 * Dovecot and SMTP relay, on each database.
 */
describe.each(['sqlite', 'postgres'] as const)('admin alerts on %s', (dialect) => {
  let world: World;
  const T = new Date('2026-11-23T09:15:00+01:00');
  const at = (minutes: number) => new Date(T.getTime() + minutes * 60_000);
  const runOnce = async (now: Date) => (await world.daemon(() => now)).runOnce();
  const adminMails = async () => (await readFolder(world.dovecot.imapPort, ADMIN)).map((m) => m.parsed);
  const padding = 'x'.repeat(76) + '\r\n';
  const big = (n: number) => Buffer.from(`From: Gros <gros@example.test>\r\nTo: ${SUPPORT}\r\nSubject: big ${n}\r\nMessage-ID: <big-${n}@example.test>\r\n\r\n${padding.repeat(200)}`);

  beforeAll(async () => {
    // The relay asks for a login, so that a rotated password is a real 535 at AUTH.
    world = await createWorld(dialect, { admins: [ADMIN], limits: { max_mail_bytes: 8192 }, smtp: { user: 'guichet', password: 'secret' } }, [ADMIN]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('a quarantined mail: the reason and the command that releases it; a second one within the hour waits for the next mail', async () => {
    await world.deliver(big(1));
    expect((await runOnce(at(0))).inbox).toMatchObject({ quarantined: 1 });
    const [alert] = await waitForMails(world.dovecot.imapPort, ADMIN, 1);
    expect(alert!.parsed.subject).toBe('guichet : courriel mis en quarantaine');
    const text = alert!.parsed.text!.replace(/\s+/g, ' ');
    expect(text).toMatch(/Raison : GUICHET_MAIL_TOO_LARGE/);
    expect(text).toMatch(/Une fois la cause corrigée : guichet quarantine release \d+/);

    await world.deliver(big(2));
    await runOnce(at(5));
    expect(await adminMails()).toHaveLength(1);
    await runOnce(at(61));
    const mails = await waitForMails(world.dovecot.imapPort, ADMIN, 2);
    const released = (text: string | undefined) => [...(text ?? '').matchAll(/quarantine release (\d+)/g)].map((m) => m[1]);
    // Each mail told once: the second alert lists only what came since the first.
    expect(released(mails[0]!.parsed.text)).toHaveLength(1);
    expect(released(mails[1]!.parsed.text)).toHaveLength(1);
    expect(released(mails[1]!.parsed.text)).not.toEqual(released(mails[0]!.parsed.text));
  });

  it('a mail given up: the admins hear of it once', async () => {
    world.smtp.refuseRecipient(REFUSED);
    const raw = fixture('new-gmail-fr-delivery.eml').toString('latin1').replace(/^From: .*$/im, `From: Refused <${REFUSED}>`).replace(/^Message-ID: .*$/im, 'Message-ID: <refused-1@example.test>');
    await world.deliver(Buffer.from(raw, 'latin1'), SUPPORT, REFUSED);
    await runOnce(at(62));
    await runOnce(at(63));
    const given = (await adminMails()).filter((m) => m.subject === 'guichet : envoi abandonné');
    expect(given).toHaveLength(1);
    expect(given[0]!.text!.replace(/\s+/g, ' ')).toContain(`« acknowledgement » à ${REFUSED}`);
  });

  it('a mailbox not polled for 10 minutes is told once, and shows in status with the cause', async () => {
    const daemon = await world.daemon(() => at(75));
    // Nothing polls after minute 63; a watch that started then looks at minute 75, twice.
    const watch = new TroubleWatch(daemon.ctx, () => at(75), at(63));
    const first = await watch.check();
    expect(first.alerts.map((a) => a.kind)).toEqual(['poll_stalled']);
    expect((await watch.check()).alerts).toEqual([]);
    const report = await status(daemon.ctx.db, daemon.ctx.config, at(75));
    expect(report.trouble).toEqual([expect.objectContaining({ kind: 'poll_stalled', detail: 'no successful poll for 12 minutes' })]);
    await daemon.sender.deliverDue();
    const stalled = (await waitForMails(world.dovecot.imapPort, ADMIN, 4)).map((m) => m.parsed).filter((m) => m.subject === "guichet : la boîte n'est plus relevée");
    expect(stalled).toHaveLength(1);
  });

  it('a relay that refuses our login: nothing is given up, the admins are told, status says the server\'s words', async () => {
    world.smtp.refuseLogins(true);
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    const report = await runOnce(at(200));
    expect(report.outbox).toMatchObject({ failed: 0 });
    expect(report.outbox.retried).toBeGreaterThan(0);
    const daemon = await world.daemon(() => at(215));
    const judged = await new TroubleWatch(daemon.ctx, () => at(215), at(200)).check();
    expect(judged.alerts.map((a) => a.kind).sort()).toEqual(['outbox_stuck', 'poll_stalled', 'smtp_auth']);
    const trouble = (await status(daemon.ctx.db, daemon.ctx.config, at(215))).trouble;
    expect(trouble.find((t) => t.kind === 'smtp_auth')!.detail).toMatch(/^GUICHET_SMTP_AUTH: .*535/);
    expect(trouble.find((t) => t.kind === 'outbox_stuck')!.detail).toMatch(/^the oldest unsent mail waits for 15 minutes: GUICHET_SMTP_AUTH: .*535/);
  });
});
