import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../src/domain/decide.js';
import type { DecisionPolicy } from '../../src/domain/decision.js';
import type { InboundMail } from '../../src/domain/inbound.js';
import { thread, type Parties } from '../../src/domain/threading.js';
import type { Ticket } from '../../src/domain/ticket.js';
import { domainPolicy, openTicket } from '../harness/domain.js';
import { inboundFixture } from '../harness/fixtures.js';
import { NOTHING_SENT } from '../../src/domain/loopBudget.js';

// A simulated clock: every test states its own "now".
const NOW = new Date('2026-11-23T09:15:00+01:00');
const HOUR = 3_600_000;

const policy: DecisionPolicy = domainPolicy();
const parties: Parties = { agents: ['agent1@example.test'], sellerEmail: (id) => (id === 'S-1' ? 'seller1@example.test' : undefined) };

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return openTicket(new Date(NOW.getTime() - 48 * HOUR), {
    participants: ['customer@example.test', 'husband@example.test'],
    customerThread: ['<first@client.example>', '<second@client.example>'],
    lastCustomerUpdateAt: null,
    ...overrides,
  });
}
const none = { byReference: null, byMessageId: null, byOrder: null };

describe('thread', () => {
  it('joins by reference when the sender is a participant: customer, copied address, agent or seller', () => {
    for (const sender of ['customer@example.test', 'HUSBAND@example.test', 'agent1@example.test', 'seller1@example.test']) {
      expect(thread(sender, { ...none, byReference: ticket() }, parties)).toMatchObject({ kind: 'join', via: 'reference' });
    }
  });

  it('refuses a stranger quoting a reference: new ticket, refusal reported', () => {
    expect(thread('other@example.test', { ...none, byReference: ticket() }, parties)).toEqual({
      kind: 'new',
      refused: [{ reference: 'SAV-7M3Q9F', via: 'reference' }],
    });
  });

  it('falls back to Message-ID, then to the same order, in that order', () => {
    const a = ticket({ id: 1, reference: 'SAV-AAAAA1' });
    const b = ticket({ id: 2, reference: 'SAV-BBBBB2' });
    expect(thread('customer@example.test', { byReference: null, byMessageId: a, byOrder: b }, parties)).toMatchObject({
      kind: 'join',
      via: 'message-id',
      ticket: { reference: 'SAV-AAAAA1' },
    });
    expect(thread('customer@example.test', { ...none, byOrder: b }, parties)).toMatchObject({ kind: 'join', via: 'order' });
    expect(thread('customer@example.test', none, parties)).toEqual({ kind: 'new', refused: [] });
  });
});

describe('decideInbound', () => {
  const newRequest = () => inboundFixture('new-gmail-fr-delivery.eml');

  it('opens a ticket for a new request and acknowledges it with the promised deadline', async () => {
    const mail = await newRequest();
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.created).toBe(true);
    expect(decision.ticket).toMatchObject({
      reference: 'SAV-123458',
      status: 'open',
      level: 1,
      category: 'livraison',
      orderNumber: 'CMD-884512',
      locale: 'fr',
      subject: 'Colis jamais reçu',
      customerEmail: 'customer@example.test',
      customerName: 'Jeanne Dupont',
      firstResponseDueAt: new Date(NOW.getTime() + 24 * HOUR),
    });
    expect(decision.events.map((e) => e.type)).toEqual(['ticket_created', 'message_received']);
    expect(decision.outgoing).toEqual([
      expect.objectContaining({
        template: 'acknowledgement',
        to: { address: 'customer@example.test', name: 'Jeanne Dupont' },
        automatic: true,
        inReplyTo: mail.messageId,
        references: [mail.messageId],
      }),
      expect.objectContaining({
        template: 'agent-notification',
        to: { address: 'level1@example.test', name: null },
        automatic: false,
        fromName: 'Jeanne Dupont via Service client',
        references: ['<sav-123458@example.test>'],
        variables: expect.objectContaining({ isNew: true, text: mail.visibleText, category: 'livraison', orderNumber: 'CMD-884512', level: 1 }),
      }),
    ]);
  });

  it('tells the team of the ticket\'s level, with the customer\'s attachments', async () => {
    const mail = await inboundFixture('new-applemail-en-attachment.eml');
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    const notification = decision.outgoing.find((o) => o.template === 'agent-notification')!;
    expect(notification.locale).toBe('fr'); // the team's language is the service's, not the customer's
    expect(notification.attachments).toEqual([expect.objectContaining({ filename: 'invoice-ORD-55310.pdf', contentType: 'application/pdf' })]);
  });

  it("shows the team the customer's sign-off, which the stripper cut from their text", async () => {
    const mail = await inboundFixture('new-outlook-fr-windows1252-billing.eml');
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    const notification = decision.outgoing.find((o) => o.template === 'agent-notification')!;
    expect(notification.variables.text).toMatch(/Cordialement,\s+Marc Lefèvre$/);
    // The ticket's own text, read for ratings, commands and history, stays without it.
    expect(mail.visibleText).not.toContain('Marc Lefèvre');
  });

  it('answers in English to an English request', async () => {
    const mail = await inboundFixture('new-applemail-en-attachment.eml');
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket?.locale).toBe('en');
    expect(decision.outgoing[0]?.locale).toBe('en');
  });

  it('does not acknowledge past the per-sender limit, and says so', async () => {
    const mail = await newRequest();
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: { ...NOTHING_SENT, acknowledgements: new Map([['customer@example.test', 3]]) }, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.created).toBe(true);
    expect(decision.outgoing.map((o) => o.template)).toEqual(['agent-notification']);
    expect(decision.events.map((e) => e.type)).toContain('acknowledgement_rate_limited');
  });

  it('records a follow-up on its ticket without a second acknowledgement, and tells the team of its level', async () => {
    const mail = await inboundFixture('reply-outlook-fr-re-colon.eml');
    const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket({ level: 2 }), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.created).toBe(false);
    expect(decision.ticket?.reference).toBe('SAV-7M3Q9F');
    expect(decision.outgoing).toEqual([
      expect.objectContaining({ template: 'agent-notification', to: { address: 'level2@example.test', name: null }, variables: expect.objectContaining({ isNew: false }) }),
    ]);
    expect(decision.ticket?.updatedAt).toEqual(NOW);
  });

  it('sends an agent\'s answer to the customer under the agent\'s name, threaded, and records the first response', async () => {
    const mail = {
      ...(await inboundFixture('reply-outlook-fr-re-colon.eml')),
      from: { address: 'agent1@example.test', name: 'Camille Durand' },
      visibleText: 'Bonjour Jeanne,\n\nLe colis est reparti ce matin.',
    };
    const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.outgoing).toEqual([
      expect.objectContaining({
        template: 'agent-reply',
        to: { address: 'customer@example.test', name: 'Jeanne Dupont' },
        automatic: false,
        fromName: 'Camille – Service client',
        inReplyTo: '<second@client.example>',
        references: ['<first@client.example>', '<second@client.example>'],
        variables: expect.objectContaining({ text: 'Bonjour Jeanne,\n\nLe colis est reparti ce matin.', agentName: 'Camille', until: null }),
      }),
    ]);
    expect(decision.ticket?.firstResponseAt).toEqual(NOW);
    expect(decision.events.map((e) => e.type)).toEqual(['message_received', 'agent_replied', 'first_response']);

    const later = decideInbound({ mail, match: { kind: 'join', ticket: decision.ticket!, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, new Date(NOW.getTime() + HOUR), policy);
    expect(later.ticket?.firstResponseAt).toEqual(NOW);
    expect(later.events.map((e) => e.type)).toEqual(['message_received', 'agent_replied']);
  });

  it('sends the customer nothing for an agent mail with nothing of its own, tells the agent, and never the team', async () => {
    const mail = { ...(await inboundFixture('reply-outlook-fr-re-colon.eml')), from: { address: 'agent1@example.test', name: 'Camille' }, visibleText: '  ' };
    const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.outgoing.map((o) => [o.template, o.to.address, o.variables.errors])).toEqual([
      ['command-error', 'agent1@example.test', ['aucun texte de votre main n’a été trouvé dans ce courriel\u00a0: rien n’a été envoyé au client']],
    ]);
    expect(decision.events).toContainEqual({ type: 'agent_reply_empty', agent: 'agent1@example.test' });
  });

  it('remembers the customer\'s Message-IDs so answers thread in their mail client', async () => {
    const mail = await inboundFixture('reply-outlook-fr-re-colon.eml');
    const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket?.customerThread).toEqual(['<first@client.example>', '<second@client.example>', mail.messageId]);
  });

  it('reopens a resolved ticket when the customer writes, but not for an auto-reply', async () => {
    const reply = await inboundFixture('reply-outlook-fr-re-colon.eml');
    const reopened = decideInbound({ mail: reply, match: { kind: 'join', ticket: ticket({ status: 'resolved' }), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(reopened.ticket?.status).toBe('open');
    expect(reopened.events).toContainEqual({ type: 'ticket_reopened', previousStatus: 'resolved', previousFirstResponseAt: null });

    const auto = await inboundFixture('autoreply-outlook-fr-ooo.eml');
    const kept = decideInbound({ mail: auto, match: { kind: 'join', ticket: ticket({ status: 'resolved' }), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(kept.ticket?.status).toBe('resolved');
    expect(kept.outgoing).toEqual([]);
  });

  it('never answers automatic mail, and opens nothing for one that threads nowhere', async () => {
    for (const name of ['bounce-postfix-dsn.eml', 'newsletter-list-unsubscribe.eml', 'autoreply-gmail-vacation-en.eml']) {
      const mail: InboundMail = await inboundFixture(name);
      const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
      expect(decision, name).toMatchObject({ ticket: null, created: false, outgoing: [] });
    }
  });

  it('gives an intruder a ticket of their own and records the refused reference', async () => {
    const mail = await inboundFixture('intruder-quotes-reference.eml');
    const match = thread(mail.from.address, { ...none, byReference: ticket() }, parties);
    const decision = decideInbound({ mail, match, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket).toMatchObject({ reference: 'SAV-123458', customerEmail: 'other@example.test' });
    expect(decision.events).toContainEqual({ type: 'intrusion_refused', from: 'other@example.test', reference: 'SAV-7M3Q9F', via: 'reference' });
  });

  describe('commands in an agent\'s reply', () => {
    const fromAgent = async (visibleText: string) => ({
      ...(await inboundFixture('reply-outlook-fr-re-colon.eml')),
      from: { address: 'agent1@example.test', name: 'Camille' },
      visibleText,
    });
    const decideFor = async (text: string, t = ticket()) =>
      decideInbound({ mail: await fromAgent(text), match: { kind: 'join', ticket: t, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);

    it('resolves, reprioritises and recategorises; #resolve alone sends the customer the resolved mail asking for a rating', async () => {
      const decision = await decideFor('#resolve #priority high\n#category facturation');
      expect(decision.ticket).toMatchObject({ status: 'resolved', priority: 'high', category: 'facturation', resolvedAt: NOW });
      expect(decision.outgoing).toEqual([expect.objectContaining({ template: 'resolved', to: { address: 'customer@example.test', name: 'Jeanne Dupont' } })]);
      expect(decision.outgoing[0]!.variables.closeBy).toEqual(new Date(NOW.getTime() + 7 * 24 * HOUR));
      expect(decision.events.filter((e) => e.type === 'command_applied').map((e) => (e as { command: string }).command)).toEqual(['#resolve', '#priority high', '#category facturation']);
    });

    it('#hold tells the customer when we come back, and the ticket waits until then', async () => {
      const decision = await decideFor('#hold 15d\nNous interrogeons le vendeur.');
      expect(decision.ticket).toMatchObject({ status: 'on_hold', holdUntil: new Date(NOW.getTime() + 15 * 24 * HOUR) });
      expect(decision.outgoing).toEqual([
        expect.objectContaining({ template: 'hold-notice', to: { address: 'customer@example.test', name: 'Jeanne Dupont' }, variables: expect.objectContaining({ text: 'Nous interrogeons le vendeur.', until: new Date(NOW.getTime() + 15 * 24 * HOUR), withSeller: true }) }),
      ]);
      // #hold alone still tells the customer (seed: "nous revenons vers vous sous 15 jours"); the seller is named only if there is one.
      const alone = await decideFor('#hold 15d', ticket({ sellerId: null }));
      expect(alone.outgoing.map((o) => [o.template, o.variables.text, o.variables.withSeller])).toEqual([['hold-notice', '', false]]);
    });

    it('#note sends the text to the team of the ticket\'s level only; the new level gets the dossier', async () => {
      const decision = await decideFor('#note #escalate\nLe vendeur ne répond pas, à voir en niveau 2.');
      expect(decision.ticket?.level).toBe(2);
      expect(decision.outgoing).toEqual([
        expect.objectContaining({ template: 'escalation-dossier', to: { address: 'level2@example.test', name: null }, dossier: true }),
        expect.objectContaining({ template: 'internal-note', to: { address: 'level2@example.test', name: null }, variables: { text: 'Le vendeur ne répond pas, à voir en niveau 2.', agentName: 'Camille' } }),
      ]);
      expect(decision.ticket?.firstResponseAt).toBeNull();
    });

    it('#assign finds the agent by name or address; later customer mail goes to them too', async () => {
      const decision = await decideFor('#assign camille');
      expect(decision.ticket?.assignee).toBe('agent1@example.test');
      const customerMail = await inboundFixture('reply-outlook-fr-re-colon.eml');
      const next = decideInbound({ mail: customerMail, match: { kind: 'join', ticket: decision.ticket!, via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
      expect(next.outgoing.map((o) => o.to.address)).toEqual(['level1@example.test', 'agent1@example.test']);
    });

    it('a wrong command changes nothing, reaches no customer, and tells the agent what would have been sent', async () => {
      const decision = await decideFor('#resolve #hold demain\n#assign nobody\nBonjour, c\'est réglé.');
      expect(decision.ticket).toEqual({ ...ticket(), updatedAt: NOW });
      expect(decision.outgoing).toEqual([
        expect.objectContaining({
          template: 'command-error',
          to: { address: 'agent1@example.test', name: 'Camille' },
          variables: expect.objectContaining({
            errors: ['#hold demain\u00a0: il faut un nombre de jours, par exemple #hold 15d', '#assign nobody\u00a0: aucun agent n’a cette adresse ni ce nom'],
            wouldHaveSent: "Bonjour, c'est réglé.",
          }),
        }),
      ]);
    });

    it("writes to an agent in their own language, and keeps the ticket's history in English", async () => {
      const english = { ...policy, agents: policy.agents.map((a) => ({ ...a, locale: 'en' as const })) };
      const mail = await fromAgent('#hold demain\nBonjour.');
      const refused = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, english);
      expect(refused.outgoing.map((o) => [o.template, o.locale, o.variables.errors])).toEqual([['command-error', 'en', ['#hold demain: expected a number of days, such as #hold 15d']]]);
      expect(refused.events).toContainEqual({ type: 'commands_rejected', by: 'agent1@example.test', errors: ['#hold demain: expected a number of days, such as #hold 15d'] });
      const help = decideInbound({ mail: await fromAgent('#help'), match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, english);
      expect(help.outgoing.map((o) => [o.template, o.locale])).toEqual([['command-help', 'en']]);
      // The team's language otherwise.
      const french = await decideFor('#hold demain\nBonjour.');
      expect(french.outgoing.map((o) => o.locale)).toEqual(['fr']);
      expect(french.events).toContainEqual(expect.objectContaining({ type: 'commands_rejected', errors: ['#hold demain: expected a number of days, such as #hold 15d'] }));
    });

    it('commands from someone who is not an agent are not applied, and the team is told', async () => {
      const mail = { ...(await inboundFixture('reply-outlook-fr-re-colon.eml')), visibleText: '#resolve\nMerci' };
      const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
      expect(decision.ticket?.status).toBe('open');
      expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([
        ['agent-notification', 'level1@example.test'],
        ['command-error', 'level1@example.test'],
      ]);
    });
  });

  describe('when agents must be authenticated', () => {
    const strict = { ...policy, agentAuthentication: { authservIds: ['mx.example.test'], borderHosts: [], topmost: 1 } };
    const results = (...values: string[]) => values.map((value) => ({ name: 'authentication-results' as const, value }));
    const agentMail = async (authenticationResults: string[]) => ({
      ...(await inboundFixture('reply-outlook-fr-re-colon.eml')),
      from: { address: 'agent1@example.test', name: 'Camille' },
      visibleText: '#resolve\nBonjour, c\'est réglé.',
      trace: results(...authenticationResults),
    });
    const forward = async (authenticationResults: string[]) => ({ ...(await inboundFixture('forward-outlook-fr-tr-by-agent.eml')), trace: results(...authenticationResults) });
    const PASS = 'mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test';

    it('opens nothing for a forward our server did not vouch for: the forwarded person gets no acknowledgement', async () => {
      const forged = await forward(['mx.example.test; dmarc=fail header.from=example.test', PASS]);
      const decision = decideInbound({ mail: forged, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(decision.ticket).toBeNull();
      // Only the real agent is written to: they learn that someone forwards in their name.
      expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([['command-error', 'agent1@example.test']]);
      expect(decision.reason).toContain('did not pass DKIM/DMARC at mx.example.test');
      expect(decision.events.map((e) => e.type)).toEqual(['message_received', 'agent_mail_refused']);
    });

    it('opens the ticket of a vouched forward, and counts the acknowledgement limit on the person forwarded', async () => {
      const mail = await forward([PASS]);
      const opened = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(opened.ticket?.customerEmail).toBe('paul.bernard@example.test');
      expect(opened.outgoing.map((o) => [o.template, o.to.address])).toContainEqual(['acknowledgement', 'paul.bernard@example.test']);
      const agentHad = { ...NOTHING_SENT, acknowledgements: new Map([['agent1@example.test', 3]]) };
      expect(decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: agentHad, newReference: 'SAV-123458' }, NOW, strict).outgoing.map((o) => o.template)).toContain('acknowledgement');
      const victimHad = { ...NOTHING_SENT, acknowledgements: new Map([['paul.bernard@example.test', 3]]) };
      const limited = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: victimHad, newReference: 'SAV-123458' }, NOW, strict);
      expect(limited.outgoing.map((o) => o.template)).not.toContain('acknowledgement');
      expect(limited.events).toContainEqual({ type: 'acknowledgement_rate_limited', to: 'paul.bernard@example.test' });
    });

    it('opens nothing for commands from an agent in a mail of no ticket, acknowledges nobody, and tells the agent why', async () => {
      const mail = { ...(await agentMail([PASS])), subject: 'Question', inReplyTo: [], references: [] };
      const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(decision.ticket).toBeNull();
      expect(decision.outgoing.map((o) => [o.template, o.to.address, o.variables.errors])).toEqual([
        ['command-error', 'agent1@example.test', [expect.stringContaining('commandes dans un courriel qui n’appartient à aucun dossier')]],
      ]);
      expect(decision.reason).toContain('commands in a mail that belongs to no ticket');
    });

    it("records an agent's out-of-office on the ticket, never relays it, and it is no first response", async () => {
      const mail = { ...(await agentMail([PASS])), visibleText: "Je suis absente jusqu'au 12.", automatic: 'auto-submitted' as const };
      const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(decision.outgoing).toEqual([]);
      expect(decision.ticket?.firstResponseAt).toBeNull();
      expect(decision.events).toContainEqual(expect.objectContaining({ type: 'internal_note', by: 'agent1@example.test', automatic: 'auto-submitted' }));
    });

    it('acts on an agent mail our server vouched for', async () => {
      const mail = await agentMail(['mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test']);
      const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(decision.ticket?.status).toBe('resolved');
      expect(decision.outgoing.map((o) => o.template)).toEqual(['resolved']);
    });

    it('does nothing with an unauthenticated one, and warns the real agent', async () => {
      const decision = decideInbound({ mail: await agentMail([]), match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
      expect(decision.ticket?.status).toBe('open');
      expect(decision.outgoing).toEqual([
        expect.objectContaining({
          template: 'command-error',
          to: { address: 'agent1@example.test', name: 'Camille' },
          variables: expect.objectContaining({ errors: ['ce courriel envoyé par agent1@example.test n’a pas passé DKIM/DMARC chez mx.example.test\u00a0: rien n’a été fait'] }),
        }),
      ]);
    });
  });

  it('opens the ticket of a mail an agent forwarded for its original sender, and acknowledges to them', async () => {
    const mail = await inboundFixture('forward-outlook-fr-tr-by-agent.eml');
    expect(mail.forwarded?.from).toEqual({ address: 'paul.bernard@example.test', name: 'Paul Bernard' });
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket).toMatchObject({
      customerEmail: 'paul.bernard@example.test',
      customerName: 'Paul Bernard',
      subject: 'Colis abîmé - commande CMD-445566',
      orderNumber: 'CMD-445566',
      category: 'livraison', // "colis" comes before "abîmé": a parcel damaged in transit
      customerThread: [],
    });
    expect(decision.events).toContainEqual({ type: 'forwarded_by_agent', agent: 'agent1@example.test' });
    expect(decision.outgoing.map((o) => [o.template, o.to.address, o.inReplyTo])).toEqual([
      ['acknowledgement', 'paul.bernard@example.test', null],
      ['agent-notification', 'level1@example.test', null],
    ]);
    expect(decision.outgoing[1]!.variables.text).toContain('Mon colis est arrivé abîmé');
  });

  it('does the same for a mail forwarded as an attachment (Outlook "Forward as attachment")', async () => {
    const mail = await inboundFixture('forward-outlook-fr-as-attachment-by-agent.eml');
    expect(mail.forwarded).toEqual({
      from: { address: 'marie.dupre@example.test', name: 'Marie Dupré' },
      subject: 'Commande CMD-778899 jamais reçue',
      body: expect.stringContaining("je n'ai toujours rien reçu. Le vendeur ne répond pas."),
      note: expect.stringContaining('la cliente attend depuis trois semaines'),
    });
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['message.eml', 'message/rfc822']]);
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket).toMatchObject({ customerEmail: 'marie.dupre@example.test', subject: 'Commande CMD-778899 jamais reçue', orderNumber: 'CMD-778899' });
    expect(decision.outgoing.map((o) => [o.template, o.to.address])).toEqual([
      ['acknowledgement', 'marie.dupre@example.test'],
      ['agent-notification', 'level1@example.test'],
    ]);
  });

  it('does not take a customer\'s own forward for an agent\'s', async () => {
    const mail = { ...(await inboundFixture('forward-gmail-en-by-agent.eml')), from: { address: 'someone@example.test', name: null } };
    const decision = decideInbound({ mail, match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.ticket?.customerEmail).toBe('someone@example.test');
  });
});

describe("the team's notification doubts a sender", () => {
  const join = { kind: 'join' as const, ticket: ticket(), via: 'reference' as const };
  const from = async (address: string, name: string) => ({ ...(await inboundFixture('reply-outlook-fr-re-colon.eml')), from: { address, name } });

  it("shows when a copied person writes under the customer's name, or an agent's, with their address", async () => {
    const decision = decideInbound({ mail: await from('husband@example.test', 'Jeanne Dupont'), match: join, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    const [notification] = decision.outgoing.filter((o) => o.template === 'agent-notification');
    expect(notification!.variables).toMatchObject({ nameBelongsTo: 'customer@example.test', usualAddress: 'customer@example.test', customerEmail: 'husband@example.test' });
    expect(notification!.fromName).toBe('Jeanne Dupont (husband@example.test) via Service client');
    const asAgent = decideInbound({ mail: await from('husband@example.test', 'camille'), match: join, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(asAgent.outgoing[0]!.variables).toMatchObject({ nameBelongsTo: 'agent1@example.test' });
  });

  it('says nothing of the customer writing from their usual address', async () => {
    const decision = decideInbound({ mail: await from('customer@example.test', 'Jeanne Dupont'), match: join, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.outgoing[0]!.variables).toMatchObject({ nameBelongsTo: null, usualAddress: null });
    expect(decision.outgoing[0]!.fromName).toBe('Jeanne Dupont via Service client');
  });
});

describe('an automatic mail in an agent name that nobody vouched for', () => {
  it('is refused and recorded, and gets no warning: no automatic answer to automatic mail', async () => {
    const strict = { ...domainPolicy(), agentAuthentication: { authservIds: ['mx.example.test'], borderHosts: [], topmost: 1 } };
    const mail = { ...(await inboundFixture('autoreply-outlook-fr-ooo.eml')), from: { address: 'agent1@example.test', name: 'Camille' } };
    expect(mail.automatic).not.toBeNull();
    const decision = decideInbound({ mail, match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, strict);
    expect(decision.outgoing).toEqual([]);
    expect(decision.events.map((e) => e.type)).toEqual(['message_received', 'agent_mail_refused']);
  });
});

describe('a probably automatic mail (an out-of-office with no header)', () => {
  const ooo = async (from = 'customer@example.test') => ({
    ...(await inboundFixture('autoreply-orange-fr-absent-no-header.eml')),
    from: { address: from, name: 'Jeanne Dupont' },
  });

  it('opens a ticket the team sees, and is acknowledged to nobody', async () => {
    const decision = decideInbound({ mail: await ooo(), match: { kind: 'new', refused: [] }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.created).toBe(true);
    expect(decision.outgoing.map((o) => o.template)).toEqual(['agent-notification']);
    expect(decision.events).toContainEqual({ type: 'probably_automatic', reason: 'out-of-office-text' });
  });

  it('never reopens, rates or answers for the customer on their ticket; the team still reads it', async () => {
    for (const status of ['resolved', 'waiting_customer'] as const) {
      const decision = decideInbound({ mail: await ooo(), match: { kind: 'join', ticket: ticket({ status }), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
      expect(decision.ticket?.status).toBe(status);
      expect(decision.outgoing.map((o) => o.template)).toEqual(['agent-notification']);
    }
  });

  it("from an agent, is kept as a note and never relayed", async () => {
    const decision = decideInbound({ mail: await ooo('agent1@example.test'), match: { kind: 'join', ticket: ticket(), via: 'reference' }, recent: NOTHING_SENT, newReference: 'SAV-123458' }, NOW, policy);
    expect(decision.outgoing).toEqual([]);
    expect(decision.events).toContainEqual(expect.objectContaining({ type: 'internal_note', automatic: 'out-of-office-text' }));
  });
});
