import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { AGENT, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { appendMails, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const MARC = 'marc.lefevre@example.test';

/** HTML-only mail (Outlook's multipart/related with a signature logo), broken parts and raw legacy headers, on real Dovecot: every word arrives. */
describe('HTML-only mail', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite', {}, ['lucie.garnier@example.test']);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("opens the customer's ticket with their words and order number, and relays the agent's HTML answer", async () => {
    const daemon = await world.daemon();
    await world.deliver(fixture('new-outlook-fr-html-related-logo.eml'));
    await daemon.runOnce();
    const [ticket] = await ticketSummaries(daemon.ctx.db);
    expect(ticket!.order_number).toBe('CMD-5520931');
    const [notification] = await waitForMails(world.dovecot.imapPort, TEAM1, 1);
    expect(notification!.parsed.text).toContain("J'ai commandé une cafetière (commande CMD-5520931)");

    const reply = fixture('agent-reply-outlook-fr-html-related-signature.eml', ticket!.reference).toString('latin1').split('<NOTIFICATION-ID>').join(notification!.parsed.messageId!);
    await world.deliver(Buffer.from(reply, 'latin1'), SUPPORT, AGENT);
    await daemon.runOnce();
    const answer = (await waitForMails(world.dovecot.imapPort, MARC, 2))[1]!;
    const text = answer.parsed.text!;
    expect(text).toContain('Le transporteur a retrouvé votre colis : il sera livré jeudi.');
    expect(text).not.toMatch(/Commandes en tête|#resolve|Nouvelle demande/);
    const events = (await ticketDetail(daemon.ctx.db, ticket!.reference)).events.map((e) => e.type);
    expect(events).toContain('first_response');
    expect(events).not.toContain('agent_reply_empty');
  });

  it('keeps a mail with a broken part type instead of quarantining it', async () => {
    const daemon = await world.daemon();
    await world.deliver(fixture('new-webmail-fr-broken-content-type.eml'));
    const report = await daemon.runOnce();
    expect(report.inbox).toMatchObject({ processed: 1, quarantined: 0 });
    const ticket = (await ticketSummaries(daemon.ctx.db)).find((t) => t.customer.email === 'paul.bernard@example.test')!;
    const detail = await ticketDetail(daemon.ctx.db, ticket.reference);
    expect(detail.messages[0]!.attachments.map((a) => a.filename)).toEqual(['photo.jpg', 'image-2.png']);
  });

  it('reads headers written raw in windows-1252 and KOI8-R, as delivered through Dovecot', async () => {
    const daemon = await world.daemon();
    await world.deliver(fixture('new-script-fr-raw-8bit-windows1252-headers.eml'));
    await world.deliver(fixture('new-ru-raw-8bit-koi8r-headers.eml'));
    await daemon.runOnce();
    const subjects = (await ticketSummaries(daemon.ctx.db)).map((t) => [t.customer.name, t.subject]);
    expect(subjects).toContainEqual(['Renée Léger', 'Problème de facture – commande CMD-7781234']);
    expect(subjects).toContainEqual(['Иван Петров', 'Заказ CMD-7781299 не доставлен']);
  });

  it('takes the author of a mail with no From address from Reply-To, and queues nothing to a mail with none at all', async () => {
    const daemon = await world.daemon();
    await world.deliver(fixture('new-no-from-reply-to.eml'));
    // Put in the mailbox as it is (IMAP APPEND): delivered over SMTP it would carry the envelope sender as Return-Path.
    await appendMails(world.dovecot.imapPort, SUPPORT, [fixture('new-no-from-at-all.eml')]);
    await daemon.runOnce();
    const tickets = await ticketSummaries(daemon.ctx.db);
    expect(tickets.map((t) => t.customer.email)).toEqual(expect.arrayContaining(['lucie.garnier@example.test', 'unknown@invalid']));
    expect(await waitForMails(world.dovecot.imapPort, 'lucie.garnier@example.test', 1)).toHaveLength(1);
    const nobody = tickets.find((t) => t.customer.email === 'unknown@invalid')!;
    const detail = await ticketDetail(daemon.ctx.db, nobody.reference);
    expect(detail.outbox.map((o) => o.to)).toEqual([TEAM1]);
    expect(detail.events.map((e) => e.type)).toContain('mail_withheld');
  });
});

