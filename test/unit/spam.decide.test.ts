import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import type { InboundMail } from '../../src/domain/inbound.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';
import { nextTimers } from '../../src/domain/timers.js';
import { spamVerdict } from '../../src/mail/spamVerdict.js';
import { domainPolicy, openTicket, PRESETS } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';

const NOW = new Date('2026-11-23T09:15:00+01:00');
const policy = domainPolicy();
const headers = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('the spam filter\'s verdict', () => {
  it('reads SpamAssassin\'s and rspamd\'s headers, with their scores', () => {
    expect(spamVerdict(headers({ 'x-spam-flag': 'YES', 'x-spam-status': 'Yes, score=7.3 required=5.0 tests=BAYES_99' }))).toEqual({ filter: 'spamassassin', flagged: true, score: 7.3 });
    expect(spamVerdict(headers({ 'x-spam-status': 'No, score=2.1 required=5.0' }))).toEqual({ filter: 'spamassassin', flagged: false, score: 2.1 });
    expect(spamVerdict(headers({ 'x-spamd-result': 'default: True [15.20 / 15.00]; BAYES_SPAM(5.10)[99.99%]' }))).toEqual({ filter: 'rspamd', flagged: true, score: 15.2 });
    expect(spamVerdict(headers({ 'x-spam': 'Yes', 'x-rspamd-score': '9.5' }))).toEqual({ filter: 'rspamd', flagged: true, score: 9.5 });
    expect(spamVerdict(headers({ 'x-spamd-result': 'default: False [1.20 / 15.00]' }))).toEqual({ filter: 'rspamd', flagged: false, score: 1.2 });
    expect(spamVerdict(headers({ subject: 'hello' }))).toBeNull();
  });

  it('takes the topmost header of each name: the filter\'s, not one the sender wrote below', async () => {
    expect((await inboundFixture('spam-spamassassin-flagged.eml')).spam).toEqual({ filter: 'spamassassin', flagged: true, score: 9.4 });
    expect((await inboundFixture('spam-rspamd-scored.eml')).spam).toEqual({ filter: 'rspamd', flagged: true, score: 7.8 });
    expect((await inboundFixture('new-gmail-fr-delivery.eml')).spam).toBeNull();
  });
});

describe('spam in the customer loop', () => {
  async function mail(overrides: Partial<InboundMail> = {}): Promise<InboundMail> {
    return { ...(await inboundFixture('new-gmail-fr-delivery.eml')), ...overrides };
  }
  const spamFlag = { filter: 'spamassassin' as const, flagged: true, score: 9.1 };
  const decide = (m: InboundMail, match: Parameters<typeof decideInbound>[0]['match'], extra: Partial<Parameters<typeof decideInbound>[0]> = {}, p = policy) =>
    decideInbound({ mail: m, match, recent: NOTHING_SENT, newReference: 'SAV-SPAM01', ...extra }, NOW, p);

  it('a new mail the filter flags opens a spam ticket: no acknowledgement, no team mail, no timer', async () => {
    const decision = decide(await mail({ spam: spamFlag }), { kind: 'new', refused: [] });
    expect(decision.ticket).toMatchObject({ status: 'spam', reference: 'SAV-SPAM01', firstResponseDueAt: null });
    expect(decision.outgoing).toEqual([]);
    expect(decision.events.map((e) => e.type)).toEqual(['ticket_created', 'message_received', 'spam_received']);
    expect(nextTimers(decision.ticket!, PRESETS.marketplace!)).toEqual([]);
  });

  it('a score over the configured threshold is spam even without the filter\'s yes; under it is not', async () => {
    const scored = await mail({ spam: { filter: 'rspamd', flagged: false, score: 8 } });
    expect(decide(scored, { kind: 'new', refused: [] }, {}, domainPolicy({ spamScoreThreshold: 6 })).ticket!.status).toBe('spam');
    expect(decide(scored, { kind: 'new', refused: [] }, {}, domainPolicy({ spamScoreThreshold: 10 })).ticket!.status).toBe('open');
    expect(decide(scored, { kind: 'new', refused: [] }).ticket!.status).toBe('open');
  });

  it('a blocked sender\'s mail is spam whatever the filter says', async () => {
    const decision = decide(await mail(), { kind: 'new', refused: [] }, { senderBlocked: true });
    expect(decision.ticket!.status).toBe('spam');
    expect(decision.events).toContainEqual(expect.objectContaining({ type: 'spam_received', reason: 'blocked_sender' }));
  });

  it('a flagged reply into a live ticket reaches the team and nothing else: no reopening, nothing to the sender', async () => {
    const resolved = openTicket(NOW, { status: 'resolved', resolvedAt: NOW, customerEmail: 'jeanne.dupont@gmail.com', participants: ['jeanne.dupont@gmail.com'] });
    const decision = decide(await mail({ spam: spamFlag }), { kind: 'join', ticket: resolved, via: 'reference' });
    expect(decision.ticket!.status).toBe('resolved');
    expect(decision.outgoing.map((o) => o.to.address)).toEqual(['level1@example.test']);
  });

  const agentSays = async (text: string) => mail({ from: { address: 'agent1@example.test', name: 'Camille' }, visibleText: text, text });

  it('#spam closes a ticket in silence and blocks its sender; a plain answer on a spam ticket is refused', async () => {
    const ticket = openTicket(NOW);
    const marked = decide(await agentSays('#spam'), { kind: 'join', ticket, via: 'reference' });
    expect(marked.ticket!.status).toBe('spam');
    expect(marked.outgoing).toEqual([]);
    expect(marked.senders).toEqual([{ address: 'customer@example.test', blocked: true, by: 'agent1@example.test', reference: 'SAV-7M3Q9F' }]);

    const answered = decide(await agentSays('Bonjour, voici votre remboursement.'), { kind: 'join', ticket: marked.ticket!, via: 'reference' });
    expect(answered.ticket!.status).toBe('spam');
    expect(answered.outgoing.map((o) => [o.template, o.to.address])).toEqual([['command-error', 'agent1@example.test']]);
  });

  it('#notspam opens the ticket, unblocks the sender and acknowledges the customer at last', async () => {
    const spam = openTicket(NOW, { status: 'spam', firstResponseDueAt: null, closedAt: NOW });
    const later = new Date(NOW.getTime() + 3_600_000);
    const decision = decideInbound({ mail: await agentSays('#notspam'), match: { kind: 'join', ticket: spam, via: 'reference' }, recent: NOTHING_SENT, newReference: 'X' }, later, policy);
    expect(decision.ticket).toMatchObject({ status: 'open', closedAt: null, cycleStartedAt: later });
    expect(decision.ticket!.firstResponseDueAt!.getTime()).toBeGreaterThan(later.getTime());
    expect(decision.senders).toEqual([{ address: 'customer@example.test', blocked: false, by: 'agent1@example.test', reference: 'SAV-7M3Q9F' }]);
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([['acknowledgement', 'customer@example.test']]);
    expect(nextTimers(decision.ticket!, PRESETS.marketplace!).length).toBeGreaterThan(0);
  });

  it('#notspam on a ticket that is not spam is refused', async () => {
    const decision = decide(await agentSays('#notspam'), { kind: 'join', ticket: openTicket(NOW), via: 'reference' });
    expect(decision.events).toContainEqual(expect.objectContaining({ type: 'commands_rejected', errors: ['#notspam: this ticket is not marked as spam'] }));
  });
});
