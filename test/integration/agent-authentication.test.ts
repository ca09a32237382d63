import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { select } from '../../src/store/sqlRows.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';
import { dkimDomain } from '../harness/dkim.js';

/** What our border MX writes above a mail it receives: its own result, then its hop. */
const border = (result: string, helo = 'attacker.example') =>
  `Authentication-Results: mx.example.test; ${result}\r\nReceived: from ${helo} (${helo} [192.0.2.7]) by mx.example.test (Postfix) with ESMTP id 4Q; Thu, 3 Dec 2026 09:00:00 +0100\r\n`;
const FORGED_PASS = 'Authentication-Results: mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test\r\n';
const FOREIGN_HOP = 'Received: from [192.0.2.7] by smtp.attacker.example (Postfix) with ESMTPSA id 9Z; Thu, 3 Dec 2026 08:59:58 +0100\r\n';

/**
 * agents.require_authentication on real Dovecot + SMTP: a mail that claims an agent's
 * address acts only when our border's own result vouches for it, wherever a sender
 * puts a forged one (docs/security.md).
 */
describe('agents must be authenticated', () => {
  let world: World;
  let reference: string;
  let notificationId: string;
  beforeAll(async () => {
    world = await createWorld('sqlite', {
      agents: {
        require_authentication: true,
        authserv_ids: ['mx.example.test'],
        // Dovecot's LMTP hop (see harness/dovecot.ts) and the border MX the tests write above each mail.
        border_hosts: ['imap.example.test', 'mx.example.test'],
        list: [{ name: 'Camille', email: AGENT, level: 1 }],
      },
    });
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await (await world.daemon()).runOnce();
    reference = (await ticketSummaries((await world.daemon()).ctx.db))[0]!.reference;
    notificationId = (await waitForMails(world.dovecot.imapPort, TEAM1, 1))[0]!.parsed.messageId!;
  });
  afterAll(async () => {
    await world?.stop();
  });

  const reply = (headers: string, text?: string) => {
    let body = fixture('agent-reply-gmail-en-on-wrote.eml', reference).toString('latin1').split('<NOTIFICATION-ID>').join(notificationId).replace('CAagent1=gmail-reply', `CAagent1=${Math.random()}`);
    if (text) body = body.replace('Hello Oliver,', text);
    return Buffer.from(headers + body, 'latin1');
  };

  it('does nothing with an agent reply our server did not vouch for, and warns the real agent', async () => {
    await world.deliver(reply('Authentication-Results: evil.example; dmarc=pass header.from=example.test\r\n'), SUPPORT, AGENT);
    expect((await (await world.daemon()).runOnce()).outbox.sent).toBe(1);
    const [warning] = await waitForMails(world.dovecot.imapPort, AGENT, 1);
    const text = warning!.parsed.text!.replace(/\s+/g, ' ');
    expect(text.replace(/\s+/g, ' ')).toContain('n’a pas passé DKIM/DMARC chez mx.example.test : rien n’a été fait');
    expect(text).toContain('Sorry for the mix-up.');
    expect(await waitForMails(world.dovecot.imapPort, CUSTOMER, 1)).toHaveLength(1);
  });

  it('refuses and records a forged pass in every layout: below ours, below a foreign hop, between hops, several', async () => {
    const daemon = await world.daemon();
    const layouts = {
      'below our failing result (sender connected to our MX)': border('dmarc=fail header.from=example.test') + FORGED_PASS,
      'below a hop of their own, our server adding none': `Received: from attacker.example by mx.example.test (Postfix) with ESMTP id 5A\r\n${FOREIGN_HOP}${FORGED_PASS}`,
      'between our hop and a fake one of ours': border('dmarc=fail header.from=example.test') + FORGED_PASS + 'Received: from localhost by mx.example.test with ESMTP id 6B\r\n',
      'several passes under ours': border('dkim=none; dmarc=fail header.from=example.test') + FORGED_PASS + FORGED_PASS + FORGED_PASS,
    };
    const before = (await readFolder(world.dovecot.imapPort, AGENT)).length;
    for (const [layout, headers] of Object.entries(layouts)) await world.deliver(reply(headers, `#note\nForged note: ${layout}`), SUPPORT, AGENT);
    await daemon.runOnce();
    const detail = await ticketDetail(daemon.ctx.db, reference);
    expect(detail.events.filter((e) => e.type === 'agent_mail_refused')).toHaveLength(1 + Object.keys(layouts).length);
    expect(detail.events.filter((e) => e.type === 'internal_note')).toHaveLength(0);
    // The team read no forged note, the customer no forged answer; the real agent is warned of each.
    expect((await readFolder(world.dovecot.imapPort, TEAM1)).map((m) => m.parsed.text ?? '').join('\n')).not.toContain('Forged note');
    expect(await readFolder(world.dovecot.imapPort, CUSTOMER)).toHaveLength(1);
    expect(await waitForMails(world.dovecot.imapPort, AGENT, before + Object.keys(layouts).length)).toHaveLength(before + Object.keys(layouts).length);
  });

  it('opens nothing for forged forwards, and the person forwarded gets no acknowledgement', async () => {
    const daemon = await world.daemon();
    const forged = (i: number) =>
      Buffer.from(
        border('dmarc=fail header.from=example.test') + FORGED_PASS + fixture('forward-gmail-en-by-agent.eml').toString('latin1').replace('CAagent1=fwd-gmail', `CAagent1=fwd-${i}`),
        'latin1',
      );
    for (let i = 0; i < 12; i++) await world.deliver(forged(i), SUPPORT, AGENT);
    await daemon.runOnce();
    expect((await ticketSummaries(daemon.ctx.db)).map((t) => t.customer.email)).not.toContain('oliver.smith@example.test');
    expect(await readFolder(world.dovecot.imapPort, 'oliver.smith@example.test')).toHaveLength(0);
    const ledger = await select<{ outcome: string; reason: string }>(daemon.ctx.db, undefined, `SELECT "outcome", "reason" FROM "inbound_mails" WHERE "reason" LIKE '%DKIM/DMARC%'`, []);
    expect(ledger).toHaveLength(12);
    expect(ledger.every((r) => r.outcome === 'ignored')).toBe(true);
    // The real agent is told of each, in a mail about no ticket.
    const warnings = (await readFolder(world.dovecot.imapPort, AGENT)).filter((m) => (m.parsed.text ?? '').includes('Customer wrote to the sales address'));
    expect(warnings).toHaveLength(12);
    expect(warnings[0]!.parsed.subject).toBe("Commande refusée : rien n'a été envoyé au client");
    expect(warnings[0]!.parsed.text).toContain("Votre message n'a pas été traité");
  });

  it('sends the answer when our server vouched for it, and opens the ticket of a vouched forward', async () => {
    const daemon = await world.daemon();
    await world.deliver(reply(border('dkim=pass header.d=example.test; dmarc=pass header.from=example.test', 'mail.example.test')), SUPPORT, AGENT);
    await daemon.runOnce();
    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    expect(received[1]!.parsed.text).toContain('Sorry for the mix-up. A prepaid return label is on its way by post.');

    await world.deliver(Buffer.concat([Buffer.from(border('dmarc=pass header.from=example.test', 'mail.example.test')), fixture('forward-gmail-en-by-agent.eml')]), SUPPORT, AGENT);
    await daemon.runOnce();
    expect((await ticketSummaries(daemon.ctx.db)).map((t) => t.customer.email)).toContain('oliver.smith@example.test');
    expect(await waitForMails(world.dovecot.imapPort, 'oliver.smith@example.test', 1)).toHaveLength(1);
  });
});

/** With no Authentication-Results of our servers (a hosted mailbox), guichet checks DKIM and DMARC itself. */
describe('agents authenticated by guichet itself', () => {
  let world: World;
  afterAll(async () => {
    await world?.stop();
  });

  it('relays a reply signed by the agent\'s domain and refuses the same reply unsigned or altered', async () => {
    world = await createWorld('sqlite', { agents: { require_authentication: true, verify_in_process: true, list: [{ name: 'Camille', email: AGENT, level: 1 }] } });
    const domain = dkimDomain('example.test');
    const daemon = await world.daemon(undefined, { resolver: domain.resolver });
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await daemon.runOnce();
    const reference = (await ticketSummaries(daemon.ctx.db))[0]!.reference;
    const notificationId = (await waitForMails(world.dovecot.imapPort, TEAM1, 1))[0]!.parsed.messageId!;
    const reply = (id: string) => fixture('agent-reply-gmail-en-on-wrote.eml', reference).toString('latin1').split('<NOTIFICATION-ID>').join(notificationId).replace('CAagent1=gmail-reply', id);

    await world.deliver(Buffer.from(reply('unsigned-1'), 'latin1'), SUPPORT, AGENT);
    const altered = (await domain.sign(Buffer.from(reply('altered-1'), 'latin1'))).toString('latin1').replace('prepaid return label', 'full refund');
    await world.deliver(Buffer.from(altered, 'latin1'), SUPPORT, AGENT);
    await world.deliver(await domain.sign(Buffer.from(reply('signed-1'), 'latin1')), SUPPORT, AGENT);
    await daemon.runOnce();

    const customer = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    expect(customer).toHaveLength(2);
    expect(customer[1]!.parsed.text).toContain('A prepaid return label is on its way by post.');
    const refused = (await ticketDetail(daemon.ctx.db, reference)).events.filter((e) => e.type === 'agent_mail_refused');
    expect(refused).toHaveLength(2);
  });
});
