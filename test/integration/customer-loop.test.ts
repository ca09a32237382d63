import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/**
 * The customer loop on a real Dovecot and a real SMTP server, once per database:
 * a customer writes, a ticket exists, the acknowledgement reaches the customer's own
 * mailbox, and every later mail of theirs lands in the same ticket.
 */
describe.each(['sqlite', 'postgres'] as const)('customer loop on %s', (dialect) => {
  let world: World;
  let reference: string;

  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(async () => {
    await world?.stop();
  });

  // A fixed clock: the promised deadline in the acknowledgement is then known.
  const NOW = new Date('2026-11-23T09:15:00+01:00');
  const runOnce = async () => (await world.daemon(() => NOW)).runOnce();
  const port = () => world.dovecot.imapPort;

  it('opens a ticket for a new mail and the customer receives the acknowledgement', async () => {
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    const report = await runOnce();
    expect(report.inbox).toMatchObject({ seen: 1, processed: 1 });
    expect(report.outbox).toMatchObject({ sent: 2 }); // the acknowledgement and the team's notification

    const [ticket] = await ticketSummaries((await world.daemon()).ctx.db);
    expect(ticket).toMatchObject({ status: 'open', category: 'livraison', order_number: 'CMD-884512', locale: 'fr' });
    reference = ticket!.reference;
    expect(reference).toMatch(/^SAV-[0-9A-Z]{6}$/);

    const [ack] = await waitForMails(port(), CUSTOMER, 1);
    const mail = ack!.parsed;
    expect(mail.subject).toBe(`[${reference}] Colis jamais reçu`);
    expect(mail.inReplyTo).toBe('<CAJx8kQ3m2pV9=Yc1tZ+Qq7wK5@mail.gmail.com>');
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.headers.get('x-guichet-loop')).toBe(SUPPORT);
    expect(mail.replyTo?.value[0]?.address).toBe(SUPPORT);
    expect(mail.text).toContain(reference);
    expect(mail.text?.replace(/\s+/g, ' ')).toContain('avant le mardi 24 novembre à 9 h 15');
    expect(mail.html).toContain(`<strong>${reference}</strong>`);

    expect(await readFolder(port(), SUPPORT, 'INBOX')).toHaveLength(0);
    expect(await readFolder(port(), SUPPORT, 'Processed')).toHaveLength(1);
  });

  it('threads the customer\'s replies (RE :, TR: with Outlook link form) into the same ticket, without a new acknowledgement', async () => {
    await world.deliver(fixture('reply-outlook-fr-re-colon.eml', reference));
    await world.deliver(fixture('reply-outlook-fr-tr-link-form.eml', reference));
    await world.deliver(fixture('new-gmail-fr-same-order-second-mail.eml'));
    const report = await runOnce();
    expect(report.inbox).toMatchObject({ seen: 3, processed: 3 });
    expect(report.outbox.sent).toBe(3); // one notification to the team each, no acknowledgement

    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.messages.filter((m) => m.direction === 'in')).toHaveLength(4);
    expect(await ticketSummaries((await world.daemon()).ctx.db)).toHaveLength(1);
    expect(await readFolder(port(), CUSTOMER)).toHaveLength(1);
  });

  it('threads a reply by In-Reply-To when the subject lost the reference', async () => {
    const [ack] = await readFolder(port(), CUSTOMER);
    const raw = Buffer.from(
      `From: Jeanne Dupont <${CUSTOMER}>\r\nTo: ${SUPPORT}\r\nSubject: Re: votre message\r\nMessage-ID: <irt-1@example.test>\r\n` +
        `In-Reply-To: ${ack!.parsed.messageId}\r\nReferences: <CAJx8kQ3m2pV9=Yc1tZ+Qq7wK5@mail.gmail.com> ${ack!.parsed.messageId}\r\n` +
        `Date: Tue, 24 Nov 2026 12:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMerci.\r\n`,
    );
    await world.deliver(raw);
    await runOnce();
    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.messages.map((m) => m.message_id)).toContain('<irt-1@example.test>');
  });

  it('gives a stranger quoting the reference a ticket of their own, and records the attempt', async () => {
    await world.deliver(fixture('intruder-quotes-reference.eml', reference));
    await runOnce();
    const db = (await world.daemon()).ctx.db;
    const original = await ticketDetail(db, reference);
    expect(original.messages.map((m) => m.from)).not.toContain('other@example.test');
    const refusal = original.events.find((e) => e.type === 'intrusion_refused');
    expect(refusal?.data).toMatchObject({ from: 'other@example.test', reference });
    const theirs = (await ticketSummaries(db)).find((t) => t.customer.email === 'other@example.test');
    expect(theirs).toBeDefined();
    expect(theirs!.reference).not.toBe(reference);
    expect((await waitForMails(port(), 'other@example.test', 1))[0]!.parsed.subject).toContain(theirs!.reference);
  });

  it('records automatic mail on its ticket and never answers it; ignores automatic mail that threads nowhere', async () => {
    await world.deliver(fixture('autoreply-outlook-fr-ooo.eml', reference));
    await world.deliver(fixture('bounce-postfix-dsn.eml', 'SAV-000000'), SUPPORT, '');
    await world.deliver(fixture('newsletter-list-unsubscribe.eml'));
    const report = await runOnce();
    expect(report.inbox).toMatchObject({ seen: 3, processed: 1, ignored: 2 });
    expect(report.outbox.sent).toBe(0); // not even to the team: an out-of-office is no news
    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.messages.find((m) => m.automatic === 'auto-submitted')).toBeDefined();
    expect(detail.status).toBe('open');
    expect(await readFolder(port(), CUSTOMER)).toHaveLength(1);
    expect(await readFolder(port(), SUPPORT, 'INBOX')).toHaveLength(0);
  });

  it('decodes every charset real clients use and keeps attachments on disk', async () => {
    await world.deliver(fixture('new-outlook-fr-windows1252-billing.eml'));
    await world.deliver(fixture('new-thunderbird-fr-iso8859-1-8bit.eml'));
    await world.deliver(fixture('new-applemail-en-attachment.eml'));
    await runOnce();
    const db = (await world.daemon()).ctx.db;
    const tickets = await ticketSummaries(db);
    const bySubject = Object.fromEntries(tickets.map((t) => [t.subject, t]));
    expect(bySubject['Double prélèvement sur ma carte']).toMatchObject({ category: 'facturation', order_number: 'CDE-2026-7731' });
    expect(bySubject['Grille-pain défectueux']).toMatchObject({ customer: { name: 'Élodie Martin' } });
    const english = bySubject['Wrong item received - order ORD-55310']!;
    expect(english.locale).toBe('en');
    const detail = await ticketDetail(db, english.reference);
    expect(detail.messages[0]!.attachments).toEqual([expect.objectContaining({ filename: 'invoice-ORD-55310.pdf', content_type: 'application/pdf' })]);
    const thanks = (await waitForMails(port(), 'elodie.martin@example.test', 1))[0]!.parsed;
    expect(thanks.text).toContain('Nous avons bien reçu votre message');
  });

  it('tells the team of every customer mail, as "<customer> via <service>", with the facts and the attachments', async () => {
    const notifications = await waitForMails(port(), TEAM1, 1);
    const first = notifications.find((n) => n.parsed.subject === `[${reference}] Colis jamais reçu`)!.parsed;
    expect(first.from?.value[0]).toEqual({ name: 'Jeanne Dupont via Service client', address: SUPPORT });
    expect(first.replyTo?.value[0]?.address).toBe(SUPPORT);
    expect(first.headers.get('auto-submitted')).toBeUndefined();
    const text = first.text!.replace(/\s+/g, ' ');
    expect(text).toContain('Nouvelle demande de Jeanne Dupont <customer@example.test>');
    expect(text).toContain('Le suivi indique « livré » mais il n\'y a rien dans ma boîte aux lettres.');
    expect(text).toContain(`Dossier ${reference} · catégorie livraison · commande CMD-884512 · niveau 1 · statut ouvert`);
    expect(text.replace(/\s+/g, ' ')).toContain('Première réponse attendue avant le mardi 24 novembre à 9 h 15');
    expect(text).toContain('Commandes en tête de réponse : #resolve #close #waiting #hold 15d #note');
    // The three follow-ups were notified too, threaded under one root per ticket.
    const ofTicket = notifications.filter((n) => n.parsed.subject?.startsWith(`[${reference}]`));
    expect(ofTicket.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ofTicket.map((n) => String(n.parsed.references)))).toEqual(new Set([`<${reference.toLowerCase()}@example.test>`]));

    const english = notifications.find((n) => n.parsed.subject?.includes('Wrong item received'))!.parsed;
    expect(english.attachments.map((a) => [a.filename, a.contentType])).toEqual([['invoice-ORD-55310.pdf', 'application/pdf']]);
    expect(english.attachments[0]!.content.toString('latin1')).toMatch(/^%PDF-1\.4/);
  });

  it('sends a topic address straight to its category', async () => {
    await world.deliver(fixture('new-gmail-fr-privacy-topic.eml'), 'support@example.test');
    await runOnce();
    const tickets = await ticketSummaries((await world.daemon()).ctx.db);
    expect(tickets.find((t) => t.customer.email === 'paul.bernard@example.test')?.category).toBe('donnees_personnelles');
  });

  it('processes the same mail only once, even when it is delivered again', async () => {
    const raw = fixture('new-gmail-fr-delivery.eml');
    const daemon = await world.daemon();
    const { ingestRaw } = await import('../../src/app/ingest.js');
    const first = await ingestRaw(daemon.ctx, raw, 'test:replay', new Date());
    const second = await ingestRaw(daemon.ctx, raw, 'test:replay', new Date());
    expect(first.outcome).toBe('processed');
    expect(second).toMatchObject({ outcome: 'duplicate', previous: 'processed' });
  });
});
