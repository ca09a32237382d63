import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/**
 * Issue 3's core path on real Dovecot + SMTP: the team is told of a customer's mail,
 * an agent answers it from their own mail client, and the customer receives the
 * answer without the quote, the signature or the agent's address, threaded.
 */
describe.each(['sqlite', 'postgres'] as const)('agents answer from their mail client (%s)', (dialect) => {
  let world: World;
  let reference: string;
  let notificationId: string;
  const NOW = new Date('2026-11-23T09:15:00+01:00');
  const runOnce = async (now = NOW) => (await world.daemon(() => now)).runOnce();

  beforeAll(async () => {
    world = await createWorld(dialect);
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await runOnce();
    reference = (await ticketSummaries((await world.daemon()).ctx.db))[0]!.reference;
    const [notification] = await waitForMails(world.dovecot.imapPort, TEAM1, 1);
    notificationId = notification!.parsed.messageId!;
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** The agent's client replies to the notification: its Message-ID in In-Reply-To and References. */
  const agentReply = (name: string) =>
    Buffer.from(fixture(name, reference).toString('latin1').split('<NOTIFICATION-ID>').join(notificationId), 'latin1');

  it('delivers the agent\'s answer to the customer, stripped, under the agent\'s name, threaded', async () => {
    await world.deliver(agentReply('agent-reply-thunderbird-fr-quoted-signature.eml'), SUPPORT, AGENT);
    const later = new Date(NOW.getTime() + 45 * 60_000);
    expect((await runOnce(later)).outbox.sent).toBe(1);

    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    const answer = received.find((m) => !m.parsed.headers.has('auto-submitted'))!;
    expect(answer.parsed.from?.value[0]).toEqual({ name: 'Camille – Service client', address: SUPPORT });
    expect(answer.parsed.replyTo?.value[0]?.address).toBe(SUPPORT);
    expect(answer.raw.toString('latin1')).not.toContain(AGENT);
    expect(answer.parsed.subject).toBe(`[${reference}] Colis jamais reçu`);
    expect(answer.parsed.inReplyTo).toBe('<CAJx8kQ3m2pV9=Yc1tZ+Qq7wK5@mail.gmail.com>');
    const text = answer.parsed.text!;
    expect(text).toContain('Le transporteur a retrouvé votre colis : il vous sera livré jeudi.');
    expect(text).not.toContain('a écrit');
    expect(text).not.toContain('Responsable SAV');
    expect(text).toContain(`Référence de votre demande : ${reference}`);
    expect(answer.parsed.attachments.map((a) => a.filename)).toEqual(['bon-de-retour.pdf']);

    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.first_response_at).toBe(later.toISOString());
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['agent_replied', 'first_response']));
    // The team is not told of its own answer.
    expect(await waitForMails(world.dovecot.imapPort, TEAM1, 1)).toHaveLength(1);
  });

  it('answers again from another client without a second first response', async () => {
    await world.deliver(agentReply('agent-reply-iphone-fr-envoye-de-mon-iphone.eml'), SUPPORT, AGENT);
    await runOnce(new Date(NOW.getTime() + 3 * 3_600_000));
    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 3);
    const last = received[received.length - 1]!.parsed;
    expect(last.text).toContain("Bonjour Jeanne, c'est noté, je relance le transporteur.");
    expect(last.text).not.toContain('iPhone');
    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.events.filter((e) => e.type === 'first_response')).toHaveLength(1);
  });
});
