import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { normaliseLine } from '../../src/domain/staffText.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails, type ReadMail } from '../harness/mailbox.js';
import { QUOTING_STYLES } from '../harness/quoting.js';
import { createWorld, type World } from '../harness/world.js';

const ANSWER = "Bonjour Jeanne,\n\nLe transporteur a confirmé la perte du colis : un nouvel envoi part aujourd'hui.\n\nCamille";

function agentReply(notification: ReadMail, body: string, id: string): Buffer {
  return Buffer.from(
    [
      `From: Camille Durand <${AGENT}>`,
      `To: ${SUPPORT}`,
      `Subject: RE: ${notification.parsed.subject}`,
      `Message-ID: <${id}@example.test>`,
      `In-Reply-To: ${notification.parsed.messageId}`,
      `References: ${notification.parsed.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\r\n'),
    'utf8',
  );
}

/**
 * An agent answers the real team notification from clients whose quote header the
 * stripper does not know: the customer receives the answer and no line of the
 * notification that is the team's own (on real Dovecot).
 */
describe('staff-only text never reaches the customer', () => {
  let world: World;
  let notification: ReadMail;
  let reference: string;
  beforeAll(async () => {
    world = await createWorld('sqlite');
    const daemon = await world.daemon();
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await daemon.runOnce();
    reference = (await ticketSummaries(daemon.ctx.db))[0]!.reference;
    notification = (await waitForMails(world.dovecot.imapPort, TEAM1, 1))[0]!;
  });
  afterAll(async () => {
    await world?.stop();
  });

  it.each(Object.entries(QUOTING_STYLES))('%s', async (style, quote) => {
    const daemon = await world.daemon();
    const before = (await readFolder(world.dovecot.imapPort, CUSTOMER)).length;
    const q = { from: `Jeanne Dupont via Service client <${SUPPORT}>`, to: TEAM1, date: 'lundi 23 novembre 2026 09:15', subject: notification.parsed.subject!, text: notification.parsed.text! };
    await world.deliver(agentReply(notification, quote(ANSWER, q), `style-${before}`), SUPPORT, AGENT);
    await daemon.runOnce();
    const received = (await waitForMails(world.dovecot.imapPort, CUSTOMER, before + 1))[before]!;
    const text = received.parsed.text!;
    expect(text).toContain("Le transporteur a confirmé la perte du colis : un nouvel envoi part aujourd'hui.");
    // No line the team's notification holds of its own (its header, dossier line, command reminder) reaches the customer.
    const customerSaw = (await readFolder(world.dovecot.imapPort, CUSTOMER)).slice(0, before).map((m) => m.parsed.text ?? '').join('\n');
    const customerWrote = fixture('new-gmail-fr-delivery.eml').toString('utf8');
    const staffOnly = notification.parsed.text!.split('\n').map(normaliseLine).filter((l) => l.length >= 24 && !customerWrote.toLowerCase().includes(l) && !normaliseLine(customerSaw).includes(l));
    expect(staffOnly.length).toBeGreaterThan(2);
    const relayed = text.split('\n').map(normaliseLine).join('\n');
    for (const line of staffOnly) expect(relayed, `${style}: ${line}`).not.toContain(line);
    expect(relayed).not.toMatch(/#resolve|commandes en tête|répondez à ce message/);
    // Nor the quote's header: the agent's answer is all the customer reads of the reply.
    const answerPart = text.slice(0, text.indexOf('Camille') + 'Camille'.length);
    expect(answerPart.replace(/\s+/g, ' ')).toContain(ANSWER.replace(/\s+/g, ' '));
    expect(text.slice(answerPart.length)).not.toMatch(/Jeanne Dupont via|schrieb|napisał|Отправлено|Mensaje original|level1@|_{5,}/);
  });

  it("holds back an answer with the team's own line pasted in it, changes nothing, and tells the agent which line", async () => {
    const daemon = await world.daemon();
    const before = (await readFolder(world.dovecot.imapPort, CUSTOMER)).length;
    const dossier = notification.parsed.text!.split('\n').find((l) => l.startsWith('Dossier '))!;
    await world.deliver(agentReply(notification, `#resolve\nBonjour Jeanne,\n\n${dossier}\n\nLe colis repart demain, je clôture le dossier.\n\nCamille`, 'pasted-1'), SUPPORT, AGENT);
    await daemon.runOnce();
    expect(await readFolder(world.dovecot.imapPort, CUSTOMER)).toHaveLength(before);
    const detail = await ticketDetail(daemon.ctx.db, reference);
    expect(detail.status).not.toBe('resolved');
    expect(detail.events.filter((e) => e.type === 'answer_held_back')).toHaveLength(1);
    const warning = (await waitForMails(world.dovecot.imapPort, AGENT, 1)).at(-1)!;
    expect(warning.parsed.text!.replace(/\s+/g, ' ')).toContain(`ces lignes viennent des courriels de l’équipe et ont été retenues : « ${dossier.trim()} »`);
  });
});
