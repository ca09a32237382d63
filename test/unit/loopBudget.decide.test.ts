import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import type { InboundMail } from '../../src/domain/inbound.js';
import { canExist, NOTHING_SENT, type RecentMails } from '../../src/domain/loopBudget.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { domainPolicy, openTicket } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';

const NOW = new Date('2026-11-23T09:15:00+01:00');
const policy = domainPolicy({ loopBudget: { windowMinutes: 60, perTicket: 10, perRecipient: 5 } });
const join = (ticket: Ticket) => ({ kind: 'join' as const, ticket, via: 'reference' as const });
const sent = (byTicket: number, byRecipient = 0): RecentMails => ({
  ...NOTHING_SENT,
  byTicket: new Map([['SAV-7M3Q9F', byTicket]]),
  byRecipient: new Map([['customer@example.test', byRecipient]]),
});

async function customerMail(): Promise<InboundMail> {
  const mail = await inboundFixture('reply-outlook-fr-re-colon.eml');
  return { ...mail, from: { address: 'customer@example.test', name: 'Jeanne Dupont' }, visibleText: 'Merci de votre message.' };
}

async function agentMail(text: string): Promise<InboundMail> {
  return { ...(await customerMail()), from: { address: 'agent1@example.test', name: 'Camille' }, visibleText: text };
}

describe('the loop budget', () => {
  const assigned = openTicket(NOW, { assignee: 'agent1@example.test' });

  it('lets mail out under the budget of the ticket', async () => {
    const decision = decideInbound({ mail: await customerMail(), match: join(assigned), recent: sent(8), newReference: 'SAV-NEW001' }, NOW, policy);
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([
      ['agent-notification', 'level1@example.test'],
      ['agent-notification', 'agent1@example.test'],
    ]);
    expect(decision.ticket?.loopSuspectedAt).toBeNull();
  });

  it('flags the ticket past its budget, tells its team once (not the assignee), and withholds the rest', async () => {
    const decision = decideInbound({ mail: await customerMail(), match: join(assigned), recent: sent(9), newReference: 'SAV-NEW001' }, NOW, policy);
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([
      ['agent-notification', 'level1@example.test'],
      ['loop-suspected', 'level1@example.test'],
    ]);
    expect(decision.outgoing[1]!.automatic).toBe(true);
    expect(decision.ticket?.loopSuspectedAt).toEqual(NOW);
    expect(decision.events).toContainEqual({ type: 'loop_suspected', mails: 10, to: null, windowMinutes: 60 });
    expect(decision.events).toContainEqual({ type: 'mail_withheld', template: 'agent-notification', to: 'agent1@example.test', reason: 'loop_suspected' });

    // The next mail of the flagged ticket sends nothing, and the team is not told again.
    const next = decideInbound({ mail: await customerMail(), match: join(decision.ticket!), recent: sent(0), newReference: 'SAV-NEW001' }, NOW, policy);
    expect(next.outgoing).toEqual([]);
    expect(next.events.filter((e) => e.type === 'loop_suspected')).toEqual([]);
  });

  it('counts an outside address across tickets, not our own team', async () => {
    const manyToCustomer = decideInbound(
      { mail: await customerMail(), match: join({ ...openTicket(NOW), status: 'resolved' }), recent: sent(0, 5), newReference: 'SAV-NEW001' },
      NOW,
      policy,
    );
    // Reopened: the customer's notice is over the address's budget; the team's notification is not counted.
    expect(manyToCustomer.outgoing.map((o) => o.template)).toEqual(['loop-suspected']);
    expect(manyToCustomer.events).toContainEqual({ type: 'loop_suspected', mails: 5, to: 'customer@example.test', windowMinutes: 60 });
  });

  it("still relays what an agent writes on a flagged ticket; a command lifts the flag, #resume alone included", async () => {
    const flagged = { ...assigned, loopSuspectedAt: NOW };
    const answer = decideInbound({ mail: await agentMail('Bonjour, voici la réponse.'), match: join(flagged), recent: sent(40), newReference: 'SAV-NEW001' }, NOW, policy);
    expect(answer.outgoing.map((o) => o.template)).toEqual(['agent-reply']);
    expect(answer.ticket?.loopSuspectedAt).toEqual(NOW);

    const resumed = decideInbound({ mail: await agentMail('#resume'), match: join(flagged), recent: sent(40), newReference: 'SAV-NEW001' }, NOW, policy);
    expect(resumed.ticket?.loopSuspectedAt).toBeNull();
    expect(resumed.events).toContainEqual({ type: 'loop_cleared', by: 'agent1@example.test' });
    expect(resumed.outgoing).toEqual([]);
  });

  it('never writes to an address that cannot exist', async () => {
    const nobody = openTicket(NOW, { customerEmail: 'unknown@invalid', participants: ['unknown@invalid'] });
    const decision = decideInbound({ mail: await agentMail('Bonjour.'), match: join(nobody), recent: NOTHING_SENT, newReference: 'SAV-NEW001' }, NOW, policy);
    expect(decision.outgoing).toEqual([]);
    expect(decision.events).toContainEqual({ type: 'mail_withheld', template: 'agent-reply', to: 'unknown@invalid', reason: 'address_cannot_exist' });
    expect(['a@b.fr', 'x@mail.example.test'].map(canExist)).toEqual([true, true]);
    expect(['', 'nobody', '@example.test', 'a@localhost', 'a@x.invalid', 'unknown@invalid'].map(canExist)).toEqual([false, false, false, false, false, false]);
  });
});
