import { describe, expect, it } from 'vitest';
import { erasureRefusal, isPseudonym, pseudonymAddress, scrubEventData, scrubText } from '../../src/domain/personalData.js';

const person = { address: 'marie.dupont@example.test', names: ['Marie Dupont', 'M'], pseudonym: pseudonymAddress('00ff00ff00ff') };

describe('erasing a person from what stays', () => {
  it('keeps what the reports count and drops what she wrote or what identifies her mail', () => {
    expect(scrubEventData({ type: 'ticket_created', category: 'livraison', orderNumber: 'CMD-44718' }, person)).toEqual({ type: 'ticket_created', category: 'livraison', orderNumber: null });
    expect(scrubEventData({ type: 'message_received', messageId: '<a@b>', from: 'Marie.Dupont@Example.test', automatic: null }, person)).toEqual({
      type: 'message_received',
      messageId: null,
      from: person.pseudonym,
      automatic: null,
    });
    expect(scrubEventData({ type: 'delivery_failed', to: person.address, diagnostic: 'mailbox marie.dupont full', status: '5.2.2', permanent: true }, person)).toMatchObject({
      to: person.pseudonym,
      diagnostic: null,
      status: '5.2.2',
      permanent: true,
    });
    expect(scrubEventData({ type: 'first_response', agent: 'agent1@example.test', dueAt: '2026-11-23T16:00:00.000Z' }, person)).toEqual({
      type: 'first_response',
      agent: 'agent1@example.test',
      dueAt: '2026-11-23T16:00:00.000Z',
    });
  });

  it('replaces her address whatever its case, and her names but not single letters', () => {
    expect(scrubText('From MARIE DUPONT <Marie.Dupont@example.test>, Mme', person)).toBe(`From  <${person.pseudonym}>, Mme`);
    expect(isPseudonym(person.pseudonym)).toBe(true);
    expect(isPseudonym(person.address)).toBe(false);
  });

  it('refuses to silence a ticket still open, unless forced', () => {
    const tickets = [
      { reference: 'SAV-AAAAAA', status: 'closed' },
      { reference: 'SAV-BBBBBB', status: 'waiting_customer' },
    ];
    expect(erasureRefusal(tickets, false)).toMatch(/^SAV-BBBBBB \(waiting_customer\) is still open: close it first, or erase with --force/);
    expect(erasureRefusal(tickets, true)).toBeNull();
    expect(erasureRefusal([tickets[0]!], false)).toBeNull();
  });
});
