import { describe, expect, it } from 'vitest';
import type { Decision, DecisionPolicy } from '../../src/domain/decision.js';
import { decideInbound } from '../../src/domain/decide.js';
import { decideTimer, type SellerRecord } from '../../src/domain/timerDecision.js';
import { dueTimers, nextTimers } from '../../src/domain/timers.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { TemplateRenderer } from '../../src/templates/renderer.js';
import { domainPolicy, openTicket } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';

const HOUR = 3_600_000;
const OPENED = new Date('2026-11-23T09:00:00+01:00'); // a Monday
const after = (hours: number) => new Date(OPENED.getTime() + hours * HOUR);
const renderer = new TemplateRenderer('templates', 'fr', 'Europe/Paris');

/** Every mail a decision sends must render in strict mode, in French and in English. */
function renders(decision: Decision, ticket: Ticket): void {
  for (const mail of decision.outgoing) {
    for (const locale of ['fr', 'en'] as const) {
      const variables = { ...mail.variables, ...(mail.dossier ? { history: [{ direction: 'in', from: ticket.customerEmail, fromName: null, subject: ticket.subject, text: 'Mon colis…', template: null, at: OPENED }] } : {}) };
      const rendered = renderer.render(mail.template, locale, { ...variables, reference: ticket.reference, subject: ticket.subject, customerName: ticket.customerName, supportName: 'Service client', supportAddress: 'support@example.test' });
      expect(rendered.text.length, `${mail.template} (${locale})`).toBeGreaterThan(20);
    }
  }
}

/** Fires every timer due at `now`, as the scheduler does, and returns the ticket and what was sent. */
function fireAt(ticket: Ticket, now: Date, policy: DecisionPolicy, seller: SellerRecord | null = null) {
  const rules = policy.policies[ticket.policy]!;
  const sent: Decision['outgoing'] = [];
  const kinds: string[] = [];
  let strike = null;
  for (let timer = dueTimers(ticket, rules, now)[0]; timer; timer = dueTimers(ticket, rules, now)[0]) {
    const decision = decideTimer(ticket, timer, seller, now, policy);
    expect(decision.events.length, `${timer.kind} changed nothing`).toBeGreaterThan(0);
    renders(decision, ticket);
    kinds.push(timer.kind);
    sent.push(...decision.outgoing);
    ticket = decision.ticket!;
    if (decision.strike) strike = decision.strike;
  }
  return { ticket, sent, kinds, strike };
}

describe('marketplace preset on a simulated clock', () => {
  const policy = domainPolicy();

  it('every open ticket has its timers: reminder, escalation, SLA, update', () => {
    const ticket = openTicket(OPENED, { firstResponseDueAt: after(24) });
    expect(nextTimers(ticket, policy.policies.marketplace!)).toEqual([
      { kind: 'first_response_reminder', dueAt: after(20) },
      { kind: 'escalate', dueAt: after(24) },
      { kind: 'sla_breach', dueAt: after(5 * 24) },
      { kind: 'customer_update', dueAt: after(48) },
    ]);
  });

  it('reaches level 2 at 24 h and level 3 at 48 h, the new team gets the dossier, the customer is told by when', () => {
    let ticket = openTicket(OPENED, { firstResponseDueAt: after(24) });
    expect(fireAt(ticket, after(23.9), policy).kinds).toEqual(['first_response_reminder']);
    const day1 = fireAt(ticket, after(24), policy);
    expect(day1.kinds).toEqual(['first_response_reminder', 'escalate']);
    expect(day1.ticket.level).toBe(2);
    expect(day1.sent.map((m) => [m.template, m.to.address])).toEqual([
      ['first-response-reminder', 'level1@example.test'],
      ['escalation-dossier', 'level2@example.test'],
      ['escalation-notice', 'customer@example.test'],
    ]);
    expect(day1.sent[2]!.variables.promiseBy).toEqual(after(48));
    ticket = day1.ticket;
    const day2 = fireAt(ticket, after(48), policy);
    expect(day2.kinds).toEqual(['escalate']);
    expect(day2.ticket.level).toBe(3);
    expect(day2.sent.map((m) => m.to.address)).toEqual(['level3@example.test', 'customer@example.test']);
    // The customer heard from us at 48 h: the next update is 48 h later, unless the SLA alert comes first.
    const day5 = fireAt(day2.ticket, after(5 * 24), policy);
    expect(day5.kinds).toEqual(['customer_update', 'sla_breach']);
    expect(day5.sent.filter((m) => m.template === 'sla-breach').map((m) => m.to.address)).toEqual(['level3@example.test', 'admin@example.test']);
    expect(nextTimers(day5.ticket, policy.policies.marketplace!).map((t) => t.kind)).toEqual(['customer_update']);
  });

  it('a ticket opened during a long stop catches up in one pass: level 2 then level 3', () => {
    const late = fireAt(openTicket(OPENED), after(50), policy);
    expect(late.ticket.level).toBe(3);
    expect(late.kinds.filter((k) => k === 'escalate')).toHaveLength(2);
  });

  it('a hold pauses every promise but its own end', () => {
    const held = openTicket(OPENED, { status: 'on_hold', holdUntil: after(15 * 24) });
    expect(nextTimers(held, policy.policies.marketplace!)).toEqual([{ kind: 'hold_end', dueAt: after(15 * 24) }]);
    const woken = fireAt(held, after(15 * 24), policy);
    expect(woken.kinds[0]).toBe('hold_end');
    expect(woken.ticket.status).toBe('open');
  });

  it('chases a silent seller at 48 h then every 24 h, three times, then strikes, escalates and restricts at the threshold', () => {
    let ticket = openTicket(OPENED, { status: 'waiting_seller', sellerRequestedAt: OPENED, level: 3, firstResponseAt: OPENED, slaBreachedAt: OPENED });
    const chases: number[] = [];
    for (const hours of [48, 72, 96]) {
      const step = fireAt(ticket, after(hours), policy);
      const chase = step.sent.find((m) => m.template === 'seller-chase');
      expect(chase?.to.address, `at ${hours} h`).toBe('seller1@example.test');
      chases.push(chase!.variables.chase as number);
      ticket = step.ticket;
    }
    expect(chases).toEqual([1, 2, 3]);
    const strike = fireAt(ticket, after(120), policy, { strikes: 2, restricted: false });
    expect(strike.strike).toEqual({ sellerId: 'S-1', strikes: 3, restricted: true });
    expect(strike.ticket).toMatchObject({ status: 'open', sellerRequestedAt: null });
    expect(strike.sent.map((m) => [m.template, m.to.address])).toEqual(
      expect.arrayContaining([
        ['seller-strike', 'seller1@example.test'],
        ['seller-silent', 'level3@example.test'],
        ['seller-restricted', 'admin@example.test'],
      ]),
    );
  });

  it('a resolved ticket closes after 7 days without answer', () => {
    const resolved = openTicket(OPENED, { status: 'resolved', resolvedAt: OPENED });
    const closed = fireAt(resolved, after(7 * 24), policy);
    expect(closed.ticket).toMatchObject({ status: 'closed', closedAt: after(7 * 24) });
    expect(closed.sent.map((m) => m.template)).toEqual(['closed']);
    expect(nextTimers(closed.ticket, policy.policies.marketplace!)).toEqual([]);
  });
});

describe('shop and cashback presets', () => {
  it('shop: a ticket opened on Friday at 16:59 must be answered by Monday 16:59 and goes to level 2 after 2 business days', () => {
    const policy = domainPolicy({ defaultPolicy: 'shop' });
    const friday = new Date('2026-11-20T16:59:00+01:00');
    const timers = nextTimers(openTicket(friday, { policy: 'shop', firstResponseDueAt: policy.policies.shop!.calendar.add(friday, { amount: 24, unit: 'hours', business: true }) }), policy.policies.shop!);
    expect(timers.find((t) => t.kind === 'first_response_reminder')?.dueAt).toEqual(new Date('2026-11-23T12:59:00+01:00'));
    expect(timers.find((t) => t.kind === 'escalate')?.dueAt).toEqual(new Date('2026-11-24T16:59:00+01:00'));
    expect(timers.find((t) => t.kind === 'sla_breach')?.dueAt).toEqual(new Date('2026-12-01T16:59:00+01:00'));
  });

  it('cashback: answers within 2 business days, within 2 weeks when opened at Black Friday', async () => {
    const policy = domainPolicy({ defaultPolicy: 'cashback' });
    const mail = await inboundFixture('new-gmail-fr-delivery.eml');
    const open = (now: Date) => decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, now, policy).ticket!;
    expect(open(new Date('2026-10-16T16:59:00+02:00')).firstResponseDueAt).toEqual(new Date('2026-10-20T16:59:00+02:00'));
    expect(open(new Date('2026-11-27T10:00:00+01:00')).firstResponseDueAt).toEqual(new Date('2026-12-11T10:00:00+01:00'));
    expect(open(new Date('2026-11-27T10:00:00+01:00')).policy).toBe('cashback');
  });
});

describe('several services in one inbox', () => {
  it('opens a ticket written to a service\'s own address under that service\'s policy', async () => {
    const policy = domainPolicy({ policyAddresses: { 'cashback@example.test': 'cashback' } });
    const mail = await inboundFixture('new-gmail-fr-delivery.eml');
    const open = (to: string) =>
      decideInbound({ mail: { ...mail, to: [{ address: to, name: null }] }, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, OPENED, policy).ticket!;
    expect(open('Cashback@Example.test').policy).toBe('cashback');
    expect(open('support@example.test').policy).toBe('marketplace');
  });
});

describe('a ticket keeps its policy', () => {
  it('is timed by the policy it was opened under, whatever the default is now', () => {
    const policy = domainPolicy({ defaultPolicy: 'marketplace' });
    const shopTicket = openTicket(OPENED, { policy: 'shop' });
    const rules = policy.policies[shopTicket.policy]!;
    expect(nextTimers(shopTicket, rules).find((t) => t.kind === 'escalate')?.dueAt).toEqual(new Date('2026-11-25T09:00:00+01:00'));
    const decision = decideTimer(shopTicket, { kind: 'escalate', dueAt: OPENED }, null, new Date('2026-11-25T09:00:00+01:00'), policy);
    expect(decision.outgoing.find((m) => m.template === 'escalation-notice')?.variables.promiseBy).toEqual(new Date('2026-12-02T09:00:00+01:00'));
  });
});
