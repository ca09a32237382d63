import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import type { InboundMail } from '../../src/domain/inbound.js';
import { readRating } from '../../src/domain/rating.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { nextTimers } from '../../src/domain/timers.js';
import { domainPolicy, openTicket } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';

const HOUR = 3_600_000;
const OPENED = new Date('2026-11-23T09:00:00+01:00');
const NOW = new Date(OPENED.getTime() + 3 * HOUR);
const policy = domainPolicy();

async function from(address: string, visibleText: string): Promise<InboundMail> {
  return { ...(await inboundFixture('reply-outlook-fr-re-colon.eml')), from: { address, name: null }, visibleText, text: visibleText };
}
const join = (mail: InboundMail, ticket: Ticket, now = NOW) =>
  decideInbound({ mail, match: { kind: 'join', ticket, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, now, policy);

describe('readRating', () => {
  it('takes a lone number from 1 to 5, with or without "/5", "étoiles" or a short remark', () => {
    for (const [text, rating] of [['4', 4], ['4/5', 4], [' 5 / 5 !', 5], ['Note : 2', 2], ['5 étoiles', 5], ['2 - bof, pas terrible', 2], ['1.', 1], ['rating: 3', 3], ['\n\n3\n\nCordialement', 3]] as const) {
      expect(readRating(text), text).toBe(rating);
    }
  });

  it('does not take a sentence that starts with a number, or a number out of range', () => {
    for (const text of ['3 colis manquent encore', '6', '0', '10/10', 'Merci, 5', '2 articles sur 5 reçus', '', 'Toujours rien reçu.']) {
      expect(readRating(text), text).toBeNull();
    }
  });
});

describe('end of a ticket', () => {
  const resolved = openTicket(OPENED, { status: 'resolved', resolvedAt: OPENED, firstResponseAt: OPENED });

  it('a rating reply records it, thanks the customer and closes; a low one alerts level 3 with the dossier', async () => {
    const decision = join(await from('customer@example.test', '2'), resolved);
    expect(decision.ticket).toMatchObject({ status: 'closed', rating: 2, closedAt: NOW });
    expect(decision.outgoing.map((o) => [o.template, o.to.address, o.dossier ?? false])).toEqual([
      ['satisfaction-thanks', 'customer@example.test', false],
      ['low-rating', 'level3@example.test', true],
    ]);
    expect(join(await from('customer@example.test', '5'), resolved).outgoing.map((o) => o.template)).toEqual(['satisfaction-thanks']);
  });

  it('any other reply reopens the ticket and reaches the team', async () => {
    const decision = join(await from('customer@example.test', 'Toujours rien reçu.'), resolved);
    expect(decision.ticket).toMatchObject({ status: 'open', resolvedAt: null });
    expect(decision.events.map((e) => e.type)).toContain('ticket_reopened');
    expect(decision.outgoing.map((o) => o.template)).toEqual(['reopened', 'agent-notification']);
    expect(decision.outgoing[0]!.variables.answerBy).toEqual(new Date(NOW.getTime() + 24 * HOUR));
  });

  it('a reopened ticket starts a new round: its deadlines count from the reopening, not from the first contact', async () => {
    // Answered and resolved on the first day; the customer writes again four days later.
    const later = new Date(OPENED.getTime() + 4 * 24 * HOUR);
    const decision = join(await from('customer@example.test', 'Le colis n\'est toujours pas là.'), resolved, later);
    const ticket = decision.ticket!;
    expect(ticket).toMatchObject({ status: 'open', level: 1, cycleStartedAt: later, firstResponseAt: null, firstResponseDueAt: new Date(later.getTime() + 24 * HOUR) });
    expect(decision.events).toContainEqual({ type: 'ticket_reopened', previousStatus: 'resolved', previousFirstResponseAt: OPENED.toISOString() });
    // Nothing is overdue at once: no escalation to level 2 (24 h after the first contact),
    // no SLA breach (5 days); the answer promised in the "reopened" mail is kept like a first answer.
    const timers = Object.fromEntries(nextTimers(ticket, policy.policies.marketplace!).map((t) => [t.kind, t.dueAt.getTime() - later.getTime()]));
    expect(timers).toEqual({
      first_response_reminder: 20 * HOUR,
      escalate: 24 * HOUR,
      sla_breach: 5 * 24 * HOUR,
      customer_update: 48 * HOUR,
    });
  });

  it('a closed ticket reopens within the window; after it, the mail opens a new ticket linked to the old one', async () => {
    const closed = { ...resolved, status: 'closed' as const, closedAt: OPENED };
    const soon = join(await from('customer@example.test', 'Finalement le colis est abîmé.'), closed, new Date(OPENED.getTime() + 10 * 24 * HOUR));
    expect(soon).toMatchObject({ created: false, ticket: { reference: 'SAV-7M3Q9F', status: 'open' } });
    const late = join(await from('customer@example.test', 'Finalement le colis est abîmé.'), closed, new Date(OPENED.getTime() + 31 * 24 * HOUR));
    expect(late).toMatchObject({ created: true, ticket: { reference: 'SAV-123458', linkedReference: 'SAV-7M3Q9F', status: 'open' } });
    expect(late.outgoing.map((o) => o.template)).toEqual(['acknowledgement', 'agent-notification']);
  });
});

describe('sellers', () => {
  const ticket = openTicket(OPENED, { sellerId: null });

  it('#seller S-1 sends the agent\'s text to the seller, not the customer, and waits for the seller with a chase timer', async () => {
    const decision = join(await from('agent1@example.test', '#seller S-1\nBonjour, le client n\'a pas reçu la commande CMD-884512. Pouvez-vous vérifier ?'), ticket);
    expect(decision.ticket).toMatchObject({ sellerId: 'S-1', status: 'waiting_seller', sellerRequestedAt: NOW, sellerChases: 0 });
    expect(decision.outgoing).toEqual([
      expect.objectContaining({ template: 'seller-request', to: { address: 'seller1@example.test', name: 'Boutique' }, variables: expect.objectContaining({ text: expect.stringContaining('Pouvez-vous vérifier') }) }),
    ]);
    expect(nextTimers(decision.ticket!, policy.policies.marketplace!)).toContainEqual({ kind: 'seller_chase', dueAt: new Date(NOW.getTime() + 48 * HOUR) });
  });

  it('refuses to ask a restricted seller again, and tells the agent what to do instead', async () => {
    const mail = await from('agent1@example.test', '#seller S-1\nBonjour, pouvez-vous vérifier la commande CMD-884512 ?');
    const restrictedSellers = new Map([['S-1', new Date('2026-11-20T08:00:00Z')]]);
    const decision = decideInbound({ mail, match: { kind: 'join', ticket, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458', restrictedSellers }, NOW, policy);
    expect(decision.ticket).toMatchObject({ status: 'open', sellerRequestedAt: null });
    expect(decision.outgoing).toEqual([
      expect.objectContaining({
        template: 'command-error',
        to: expect.objectContaining({ address: 'agent1@example.test' }),
        variables: expect.objectContaining({ errors: [expect.stringMatching(/^#seller S-1\u00a0: ce vendeur est restreint depuis le 2026-11-20 .*#escalate.*#seller-contact/)] }),
      }),
    ]);
    // Another seller is asked as usual.
    const other = decideInbound({ mail, match: { kind: 'join', ticket, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458', restrictedSellers: new Map([['S-2', new Date()]]) }, NOW, policy);
    expect(other.outgoing.map((o) => o.template)).toEqual(['seller-request']);
  });

  it('refuses #seller without a known seller or without a text for it', async () => {
    const unknown = join(await from('agent1@example.test', '#seller S-9\nMerci de vérifier.'), ticket);
    expect(unknown.outgoing.map((o) => o.template)).toEqual(['command-error']);
    expect(unknown.ticket?.status).toBe('open');
    const empty = join(await from('agent1@example.test', '#seller S-1'), ticket);
    expect(empty.outgoing[0]!.variables.errors).toEqual([expect.stringContaining('écrivez sous la commande')]);
  });

  it('the seller\'s reply goes to the team, never straight to the customer, and stops the chase', async () => {
    const waiting = { ...ticket, sellerId: 'S-1', status: 'waiting_seller' as const, sellerRequestedAt: OPENED, sellerChases: 1 };
    const decision = join(await from('seller1@example.test', 'Le colis a été renvoyé hier, suivi 6A123.'), waiting);
    expect(decision.ticket).toMatchObject({ status: 'open', sellerRequestedAt: null, sellerChases: 0 });
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([['seller-reply', 'level1@example.test']]);
    expect(decision.events).toContainEqual({ type: 'seller_replied', sellerId: 'S-1', afterSeconds: 3 * 3600, chasesBefore: 1 });
    expect(nextTimers(decision.ticket!, policy.policies.marketplace!).map((t) => t.kind)).not.toContain('seller_chase');
  });

  it('#seller-contact gives the customer the seller\'s details', async () => {
    const decision = join(await from('agent1@example.test', '#seller-contact\nVoici de quoi joindre le vendeur.'), { ...ticket, sellerId: 'S-1' });
    expect(decision.outgoing).toEqual([
      expect.objectContaining({ template: 'seller-contact', to: { address: 'customer@example.test', name: 'Jeanne Dupont' }, variables: expect.objectContaining({ seller: { name: 'Boutique', email: 'seller1@example.test', phone: '+33 1 23 45 67 89', website: null } }) }),
    ]);
  });
});
