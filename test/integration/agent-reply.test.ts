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
    expect(text.replace(/\s+/g, ' ')).toContain(`Référence de votre demande : ${reference}`);
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

  const agentMail = (body: string, id: string) =>
    Buffer.from(
      `From: Camille Durand <${AGENT}>\r\nTo: ${SUPPORT}\r\nSubject: Re: [${reference}] Colis jamais =?UTF-8?Q?re=C3=A7u?=\r\n` +
        `Message-ID: <${id}@example.test>\r\nIn-Reply-To: ${notificationId}\r\nReferences: ${notificationId}\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n` +
        `\r\nLe 23/11/2026 à 09:15, Jeanne Dupont via Service client a écrit :\r\n> Bonjour\r\n`,
    );

  it('#note reaches only the team', async () => {
    const before = (await waitForMails(world.dovecot.imapPort, CUSTOMER, 3)).length;
    await world.deliver(agentMail('#note\r\nLe vendeur ne répond pas au téléphone.', 'note-1'), SUPPORT, AGENT);
    await runOnce(new Date(NOW.getTime() + 4 * 3_600_000));
    const team = await waitForMails(world.dovecot.imapPort, TEAM1, 2);
    const note = team[team.length - 1]!.parsed;
    expect(note.subject).toBe(`[${reference}] Note interne : Colis jamais reçu`);
    expect(note.text).toContain('Le vendeur ne répond pas au téléphone.');
    expect(note.text).not.toContain('#note');
    expect((await waitForMails(world.dovecot.imapPort, CUSTOMER, before)).length).toBe(before);
  });

  it('#hold 15d tells the customer when we will come back', async () => {
    const at = new Date(NOW.getTime() + 5 * 3_600_000);
    await world.deliver(agentMail('#hold 15d\r\nNous avons interrogé le vendeur.', 'hold-1'), SUPPORT, AGENT);
    await runOnce(at);
    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 4);
    const notice = received[received.length - 1]!.parsed;
    expect(notice.from?.value[0]?.address).toBe(SUPPORT);
    const text = notice.text!.replace(/\s+/g, ' ');
    expect(text).toContain('Nous avons interrogé le vendeur.');
    expect(text).toContain('Nous reviendrons vers vous avant le mardi 8 décembre à 14 h 15');
    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.status).toBe('on_hold');
  });

  it('a wrong command reaches no customer and the agent is told what would have been sent', async () => {
    await world.deliver(agentMail('#resolv\r\nBonjour, tout est réglé.', 'typo-1'), SUPPORT, AGENT);
    await runOnce(new Date(NOW.getTime() + 6 * 3_600_000));
    const [warning] = await waitForMails(world.dovecot.imapPort, AGENT, 1);
    expect(warning!.parsed.subject).toBe(`[${reference}] Commande refusée : rien n'a été envoyé au client`);
    expect(warning!.parsed.text).toMatch(/#resolv\s: commande inconnue/);
    expect(warning!.parsed.text).toContain('Bonjour, tout est réglé.');
    expect(await waitForMails(world.dovecot.imapPort, CUSTOMER, 4)).toHaveLength(4);
    expect((await ticketDetail((await world.daemon()).ctx.db, reference)).status).toBe('on_hold');
  });

  it('an impostor using #resolve changes nothing, and the team is warned', async () => {
    const raw = Buffer.from(
      `From: Mallory <other@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Re: [${reference}] Colis\r\nMessage-ID: <impostor-1@evil.example>\r\n` +
        `Content-Type: text/plain; charset=us-ascii\r\n\r\n#resolve\r\nDone.\r\n`,
    );
    const teamBefore = (await waitForMails(world.dovecot.imapPort, TEAM1, 2)).length;
    await world.deliver(raw);
    await runOnce(new Date(NOW.getTime() + 7 * 3_600_000));
    const db = (await world.daemon()).ctx.db;
    expect((await ticketDetail(db, reference)).status).toBe('on_hold');
    const team = await waitForMails(world.dovecot.imapPort, TEAM1, teamBefore + 2);
    const warning = team.map((m) => m.parsed).find((m) => m.subject?.includes('Commande refusée'))!;
    expect(warning.text!.replace(/\s+/g, ' ')).toContain('other@example.test n’est pas un agent configuré : ses commandes n’ont pas été appliquées');
  });

  it('a mail an agent forwards opens a ticket for the original sender', async () => {
    await world.deliver(fixture('forward-gmail-en-by-agent.eml'), SUPPORT, AGENT);
    await runOnce(new Date(NOW.getTime() + 8 * 3_600_000));
    const db = (await world.daemon()).ctx.db;
    const ticket = (await ticketSummaries(db)).find((t) => t.customer.email === 'oliver.smith@example.test')!;
    expect(ticket).toMatchObject({ subject: 'Refund still not received', category: 'facturation', locale: 'en' });
    const [ack] = await waitForMails(world.dovecot.imapPort, 'oliver.smith@example.test', 1);
    expect(ack!.parsed.subject).toBe(`[${ticket.reference}] Refund still not received`);
    expect(ack!.parsed.text).toContain('We have received your message');
    expect((await ticketDetail(db, ticket.reference)).events.map((e) => e.type)).toContain('forwarded_by_agent');
  });
});
