import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import { decideDeliveryFailures, failuresFromReport, isPermanent, type DeliveryFailure } from '../../src/domain/deliveryFailure.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';
import { decideTimer } from '../../src/domain/timerDecision.js';
import { nextTimers } from '../../src/domain/timers.js';
import { domainPolicy, openTicket, PRESETS } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';

const NOW = new Date('2026-11-23T09:15:00+01:00');
const policy = domainPolicy();
const bounce = (overrides: Partial<DeliveryFailure> = {}): DeliveryFailure => ({
  messageId: '<ack@example.test>',
  to: 'customer@example.test',
  template: 'acknowledgement',
  action: 'failed',
  permanent: true,
  status: '5.1.1',
  diagnostic: 'smtp; 550 5.1.1 User unknown',
  via: 'report',
  ...overrides,
});

describe('a mail of ours that did not arrive', () => {
  it('is permanent for a 5.x.x status or a bare 5xx, never for a delay', () => {
    expect(isPermanent('failed', '5.1.1', null)).toBe(true);
    expect(isPermanent('failed', '4.4.7', 'smtp; 421 too many retries')).toBe(false);
    expect(isPermanent('failed', null, 'smtp; 550 no such user')).toBe(true);
    expect(isPermanent('delayed', '5.1.1', null)).toBe(false);
    expect(isPermanent('complaint', null, null)).toBe(false);
  });

  it('records the failure, marks the customer unreachable and tells the team once', () => {
    const ticket = openTicket(NOW);
    const first = decideDeliveryFailures(ticket, [bounce()], NOW, policy);
    expect(first.events).toEqual([expect.objectContaining({ type: 'delivery_failed', to: 'customer@example.test', permanent: true, status: '5.1.1' })]);
    expect(first.ticket!.undeliverable).toEqual({ 'customer@example.test': 'permanent' });
    expect(first.outgoing.map((o) => [o.template, o.to.address])).toEqual([['delivery-failure', 'level1@example.test']]);

    const again = decideDeliveryFailures(first.ticket!, [bounce({ messageId: '<update@example.test>', template: 'regular-update' })], NOW, policy);
    expect(again.events).toHaveLength(1);
    expect(again.outgoing).toEqual([]);
  });

  it('records a delay without telling anyone; a temporary failure later made permanent tells again', () => {
    const ticket = openTicket(NOW);
    expect(decideDeliveryFailures(ticket, [bounce({ action: 'delayed', permanent: false, status: '4.4.1' })], NOW, policy)).toMatchObject({ outgoing: [], ticket: { undeliverable: {} } });
    const temporary = decideDeliveryFailures(ticket, [bounce({ permanent: false, status: '4.4.7' })], NOW, policy);
    expect(temporary.ticket!.undeliverable).toEqual({ 'customer@example.test': 'temporary' });
    expect(temporary.outgoing).toHaveLength(1);
    const permanent = decideDeliveryFailures(temporary.ticket!, [bounce()], NOW, policy);
    expect(permanent.ticket!.undeliverable).toEqual({ 'customer@example.test': 'permanent' });
    expect(permanent.outgoing).toHaveLength(1);
  });

  it('attributes a report to the one recipient of our mail, naming a forwarding target in the diagnostic', () => {
    const report = { originalMessageIds: ['<a@x>'], recipients: [{ address: 'alias-target@example.org', action: 'failed' as const, status: '5.2.2', diagnostic: 'mailbox full' }] };
    expect(failuresFromReport(report, [{ messageId: '<a@x>', to: 'customer@example.test', template: 'agent-reply' }])).toEqual([
      expect.objectContaining({ to: 'customer@example.test', permanent: true, diagnostic: 'alias-target@example.org: mailbox full', via: 'report' }),
    ]);
  });

  it('a bounce mail joins the ticket of the mail it reports on, from no participant', async () => {
    const mail = await inboundFixture('bounce-postfix-dsn.eml');
    const ticket = openTicket(NOW);
    const decision = decideInbound(
      { mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-NEW001', delivery: { ticket, failures: [bounce()] } },
      NOW,
      policy,
    );
    expect(decision.created).toBe(false);
    expect(decision.ticket!.reference).toBe(ticket.reference);
    expect(decision.events.map((e) => e.type)).toEqual(['message_received', 'delivery_failed']);
  });

  describe('once the customer is unreachable', () => {
    const dead = openTicket(NOW, { undeliverable: { 'customer@example.test': 'permanent' } });

    it('no automatic mail goes to them; an agent answer still does', async () => {
      const escalation = decideTimer(dead, { kind: 'escalate', dueAt: NOW }, null, new Date(NOW.getTime() + 25 * 3_600_000), policy);
      expect(escalation.outgoing.map((o) => o.template)).toEqual(['escalation-dossier']);
      expect(escalation.events).toContainEqual({ type: 'mail_withheld', template: 'escalation-notice', to: 'customer@example.test', reason: 'address_undeliverable' });
      // A withheld mail does not count as news for the customer.
      expect(escalation.ticket!.lastCustomerUpdateAt).toEqual(NOW);

      const reply = await inboundFixture('reply-outlook-fr-re-colon.eml');
      const agent = { ...reply, from: { address: 'agent1@example.test', name: 'Camille' }, visibleText: 'Bonjour, voici la réponse.' };
      const answered = decideInbound({ mail: agent, match: { kind: 'join', ticket: dead, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-NEW001' }, NOW, policy);
      expect(answered.outgoing.map((o) => o.to.address)).toContain('customer@example.test');
    });

    it('regular updates are skipped, the clock moving on', () => {
      const later = new Date(NOW.getTime() + 50 * 3_600_000);
      const update = decideTimer(dead, { kind: 'customer_update', dueAt: later }, null, later, policy);
      expect(update.outgoing).toEqual([]);
      expect(update.events).toEqual([{ type: 'customer_update_skipped', customer: 'customer@example.test' }]);
      expect(update.ticket!.lastCustomerUpdateAt).toEqual(later);
    });

    it('a resolved ticket does not close itself: the team is reminded, and a timer stays', () => {
      const resolved = { ...dead, status: 'resolved' as const, resolvedAt: NOW };
      const due = nextTimers(resolved, PRESETS.marketplace!)[0]!;
      const held = decideTimer(resolved, due, null, due.dueAt, policy);
      expect(held.ticket!.status).toBe('resolved');
      expect(held.events).toEqual([{ type: 'auto_close_held', customer: 'customer@example.test' }]);
      expect(held.outgoing.map((o) => [o.template, o.to.address, o.variables.closeHeld])).toEqual([['delivery-failure', 'level1@example.test', true]]);
      expect(nextTimers(held.ticket!, PRESETS.marketplace!)[0]!.dueAt.getTime()).toBeGreaterThan(due.dueAt.getTime());
    });

    it('the customer writing from the address makes it reachable again', async () => {
      const mail = { ...(await inboundFixture('reply-outlook-fr-re-colon.eml')), from: { address: 'customer@example.test', name: 'Jeanne Dupont' } };
      const decision = decideInbound({ mail, match: { kind: 'join', ticket: dead, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-NEW001' }, NOW, policy);
      expect(decision.ticket!.undeliverable).toEqual({});
    });
  });
});
