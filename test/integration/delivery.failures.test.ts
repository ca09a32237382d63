import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { AGENT, SUPPORT, TEAM1 } from '../harness/config.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/** The real `guichet` command, in its own process, on the test world's configuration. */
const guichet = async (world: World, ...args: string[]) => (await promisify(execFile)(process.execPath, ['bin/guichet.js', '--config', world.config.source, ...args], { encoding: 'utf8' })).stdout;

/** Dovecot has no such mailbox: our mail to it is refused, and the relay bounces it back to us. */
const GHOST = 'ghost@example.test';
/** A customer whose mail our own relay refuses at once (550 at send time). */
const REFUSED = 'refused@example.test';

const customerMail = (from: string, id: string, subject: string, inReplyTo?: string) =>
  Buffer.from(
    `From: Marie Fantôme <${from}>\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.test>\r\n` +
      (inReplyTo ? `In-Reply-To: ${inReplyTo}\r\n` : '') +
      `Date: Mon, 23 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Bonjour,\r\nma commande n'est jamais arrivée.\r\nMarie\r\n`,
  );

/**
 * Mail of ours that does not arrive, on a real Dovecot and a real SMTP relay: the
 * relay's own DSN for a mailbox that does not exist, and a 5xx at send time. Each
 * reaches the ticket, tells the team once, and stops automatic mail to a dead address.
 */
describe.each(['sqlite', 'postgres'] as const)('delivery failures on %s', (dialect) => {
  let world: World;
  let reference: string;
  const NOW = new Date('2026-11-23T09:15:00+01:00');
  const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
  const runOnce = async (now = NOW) => (await world.daemon(() => now)).runOnce();
  const port = () => world.dovecot.imapPort;
  const detail = async () => ticketDetail((await world.daemon()).ctx.db, reference);

  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('a bounce of the acknowledgement reaches the ticket and the team, once', async () => {
    await world.deliver(customerMail(GHOST, 'ghost-1', 'Commande CMD-100200 jamais reçue'), SUPPORT, GHOST);
    const first = await runOnce();
    expect(first.outbox).toMatchObject({ sent: 2, failed: 0 });
    reference = (await ticketSummaries((await world.daemon()).ctx.db))[0]!.reference;

    // The relay accepted the acknowledgement, Dovecot refused it, the relay's DSN came back.
    const [dsn] = await waitForMails(port(), SUPPORT, 1);
    expect(dsn!.parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report' });
    await runOnce(at(0.1));

    const ticket = await detail();
    const ack = ticket.messages.find((m) => m.template === 'acknowledgement')!;
    expect(ack.delivery).toMatchObject({ action: 'failed', permanent: true, status: '5.1.1' });
    expect(ack.delivery!.diagnostic).toMatch(/550/);
    expect(ticket.undeliverable).toEqual({ [GHOST]: 'permanent' });
    // The bounce is on the ticket's history, not a ticket of its own.
    expect(await ticketSummaries((await world.daemon()).ctx.db)).toHaveLength(1);
    expect(ticket.messages.filter((m) => m.direction === 'in')).toHaveLength(2);

    const team = await waitForMails(port(), TEAM1, 2);
    const notice = team.find((m) => m.parsed.subject?.includes('non remis'))!.parsed;
    expect(notice.subject).toBe(`[${reference}] Message non remis : l'adresse du client ne fonctionne pas`);
    expect(notice.text).toContain(GHOST);
    expect(notice.text!.replace(/\s+/g, ' ')).toContain('« acknowledgement » à ghost@example.test (le client) : échec définitif, code 5.1.1');
  });

  it('an agent may still write to the address; its bounce does not tell the team again', async () => {
    const notification = (await readFolder(port(), TEAM1)).find((m) => m.parsed.subject === `[${reference}] Commande CMD-100200 jamais reçue`)!.parsed.messageId!;
    await world.deliver(
      Buffer.from(
        `From: Camille Durand <${AGENT}>\r\nTo: ${SUPPORT}\r\nSubject: Re: [${reference}] Commande\r\nMessage-ID: <agent-ghost@example.test>\r\n` +
          `In-Reply-To: ${notification}\r\nReferences: ${notification}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour Marie, nous cherchons votre colis.\r\n`,
      ),
      SUPPORT,
      AGENT,
    );
    const answered = await runOnce(at(1));
    expect(answered.outbox.sent).toBe(1);
    await waitForMails(port(), SUPPORT, 1);
    await runOnce(at(1.1));
    const ticket = await detail();
    expect(ticket.messages.find((m) => m.template === 'agent-reply')!.delivery).toMatchObject({ action: 'failed', permanent: true });
    expect(ticket.events.filter((e) => e.type === 'delivery_failed')).toHaveLength(2);
    const notices = (await readFolder(port(), TEAM1)).filter((m) => m.parsed.subject?.includes('non remis'));
    expect(notices).toHaveLength(1);
  });

  it('no regular update goes to the dead address, and the clock moves on', async () => {
    const later = at(24 * 8);
    await runOnce(later);
    const ticket = await detail();
    expect(ticket.events.some((e) => e.type === 'customer_update_skipped')).toBe(true);
    expect(ticket.messages.some((m) => m.template === 'regular-update')).toBe(false);
    expect(ticket.events.filter((e) => e.type === 'mail_withheld').every((e) => e.data.reason === 'address_undeliverable')).toBe(true);
  });

  it('the customer writing again from the address makes it reachable again', async () => {
    await world.deliver(customerMail(GHOST, 'ghost-2', `Re: [${reference}] Commande`), SUPPORT, GHOST);
    await runOnce(at(24 * 9));
    expect((await detail()).undeliverable).toEqual({});
  });

  it('a 5xx from our own relay at send time does the same, at once', async () => {
    await world.deliver(customerMail(REFUSED, 'refused-1', 'Remboursement CMD-300400'), SUPPORT, REFUSED);
    world.smtp.refuseRecipient(REFUSED);
    const report = await runOnce(at(24 * 10));
    expect(report.outbox).toMatchObject({ failed: 1 });
    const refused = (await ticketSummaries((await world.daemon()).ctx.db)).find((t) => t.customer.email === REFUSED)!;
    const ticket = await ticketDetail((await world.daemon()).ctx.db, refused.reference);
    const ack = ticket.messages.find((m) => m.template === 'acknowledgement')!;
    expect(ack.delivery).toMatchObject({ action: 'failed', permanent: true, status: '5.1.1' });
    expect(ticket.events.find((e) => e.type === 'delivery_failed')!.data).toMatchObject({ via: 'smtp', to: REFUSED });
    expect(ticket.outbox.find((o) => o.kind === 'acknowledgement')).toMatchObject({ status: 'failed' });
    expect(ticket.undeliverable).toEqual({ [REFUSED]: 'permanent' });
    // The team's notice is queued in the same pass, and goes out with the next one.
    await runOnce(at(24 * 10 + 0.1));
    const notices = (await waitForMails(port(), TEAM1, 1)).filter((m) => m.parsed.subject === `[${refused.reference}] Message non remis : l'adresse du client ne fonctionne pas`);
    expect(notices).toHaveLength(1);
  });

  it('guichet outbox list shows the mail given up with the relay\'s words; retry sends it once the cause is gone', async () => {
    const listed = JSON.parse(await guichet(world, 'outbox', 'list', '--json')) as { id: number; kind: string; recipient: string; status: string; last_error: string }[];
    const failed = listed.find((r) => r.recipient === REFUSED && r.kind === 'acknowledgement')!;
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.last_error).toMatch(/^GUICHET_SMTP_PERMANENT .*550 5\.1\.1/);
    world.smtp.acceptRecipient(REFUSED);
    expect(await guichet(world, 'outbox', 'retry', String(failed.id))).toMatch(/^1 mail\(s\) queued again/);
    const report = await (await world.daemon(() => new Date())).runOnce();
    expect(report.outbox.sent).toBeGreaterThanOrEqual(1);
    expect(world.smtp.accepted.some((a) => a.rcpt.includes(REFUSED))).toBe(true);
  });
});
