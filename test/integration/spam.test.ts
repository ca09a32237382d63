import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { TroubleWatch } from '../../src/app/troubleWatch.js';
import { blockedSenders } from '../../src/store/blockedSenders.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const SPAMMER = 'winner@prizes-daily.example';

/**
 * Spam on a real Dovecot and SMTP relay: the MTA's verdict is honoured (nothing goes
 * to the forged sender, no deadline runs), an agent's #spam closes a ticket in silence
 * and blocks its sender, #notspam undoes both, and the team gets its daily count.
 */
describe.each(['sqlite', 'postgres'] as const)('spam on %s', (dialect) => {
  let world: World;
  const NOW = new Date('2026-11-23T09:15:00+01:00');
  const at = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
  const runOnce = async (now: Date) => (await world.daemon(() => now)).runOnce();
  const db = async () => (await world.daemon()).ctx.db;
  const agentSays = (reference: string, id: string, body: string) =>
    Buffer.from(
      `From: Camille Durand <${AGENT}>\r\nTo: ${SUPPORT}\r\nSubject: Re: [${reference}] dossier\r\nMessage-ID: <${id}@example.test>\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`,
    );

  beforeAll(async () => {
    world = await createWorld(dialect, {}, [SPAMMER]);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('a mail the MTA flagged is kept as spam: nothing to its sender, nothing to the team, no timer', async () => {
    await world.deliver(fixture('spam-spamassassin-flagged.eml'), SUPPORT, SPAMMER);
    const report = await runOnce(NOW);
    expect(report.inbox).toMatchObject({ processed: 1 });
    // The one mail out is the team's first daily count; no acknowledgement, no notification.
    expect(report.outbox.sent).toBe(1);
    const [ticket] = await ticketSummaries(await db());
    expect(ticket).toMatchObject({ status: 'spam', customer: { email: SPAMMER } });
    // Days later, no escalation, no update, no SLA alert: spam has no deadline.
    expect((await runOnce(at(24 * 7))).timers.fired).toBe(0);
    expect(await readFolder(world.dovecot.imapPort, SPAMMER)).toHaveLength(0);
    const team = await readFolder(world.dovecot.imapPort, TEAM1);
    expect(team.map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/^1 courriel indésirable depuis le /)]);
  });

  let reference: string;
  it('#spam closes a customer\'s ticket in silence and blocks the sender: their next mail is kept as spam', async () => {
    await world.deliver(fixture('new-gmail-fr-delivery.eml'), SUPPORT, CUSTOMER);
    await runOnce(at(24 * 7 + 1));
    reference = (await ticketSummaries(await db())).find((t) => t.status === 'open')!.reference;
    const toCustomer = (await waitForMails(world.dovecot.imapPort, CUSTOMER, 1)).length;

    await world.deliver(agentSays(reference, 'spam-1', '#spam'), SUPPORT, AGENT);
    await runOnce(at(24 * 7 + 2));
    expect((await ticketDetail(await db(), reference)).status).toBe('spam');
    expect(await blockedSenders(await db())).toEqual([expect.objectContaining({ address: CUSTOMER, blocked_by: AGENT, reference })]);

    const again = fixture('new-gmail-fr-delivery.eml').toString('latin1').replace(/^Message-ID: .*$/im, 'Message-ID: <again-1@mail.gmail.com>').replace(/^Subject: .*$/im, 'Subject: Toujours rien');
    await world.deliver(Buffer.from(again, 'latin1'), SUPPORT, CUSTOMER);
    await runOnce(at(24 * 7 + 3));
    const spam = (await ticketSummaries(await db())).filter((t) => t.status === 'spam');
    expect(spam).toHaveLength(3);
    expect((await readFolder(world.dovecot.imapPort, CUSTOMER)).length).toBe(toCustomer);
  });

  it('#notspam opens the ticket, unblocks the sender, and the customer gets the acknowledgement', async () => {
    await world.deliver(agentSays(reference, 'notspam-1', '#notspam'), SUPPORT, AGENT);
    await runOnce(at(24 * 7 + 4));
    const ticket = await ticketDetail(await db(), reference);
    expect(ticket.status).toBe('open');
    expect(await blockedSenders(await db())).toEqual([]);
    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    expect(received[received.length - 1]!.parsed.subject).toContain(reference);
  });

  it('the team gets the day\'s spam count once a day, with the references; guichet senders blocks and lists', async () => {
    // A day after the last count (taken at the first run after the customer's #spam).
    const daemon = await world.daemon(() => at(24 * 9));
    const watch = new TroubleWatch(daemon.ctx, () => at(24 * 9), at(24 * 9));
    expect((await watch.check()).queued).toBe(1);
    expect((await watch.check()).queued).toBe(0);
    await daemon.sender.deliverDue();
    const digests = (await waitForMails(world.dovecot.imapPort, TEAM1, 3)).map((m) => m.parsed).filter((m) => m.subject?.includes('indésirable'));
    expect(digests).toHaveLength(2);
    expect(digests[1]!.subject).toMatch(/^1 courriel indésirable depuis le /);
    expect(digests[1]!.text).toContain('Toujours rien');
    expect(digests[1]!.text).toContain('expéditeur bloqué');

    const run = promisify(execFile);
    const cli = (...args: string[]) => run(process.execPath, ['bin/guichet.js', '--config', world.config.source, 'senders', ...args], { encoding: 'utf8' });
    expect((await cli('block', 'Promo@Deals.Example')).stdout).toBe('blocked: promo@deals.example\n');
    expect(JSON.parse((await cli('list', '--json')).stdout)).toEqual([expect.objectContaining({ address: 'promo@deals.example', blocked_by: 'guichet senders', reference: null })]);
  });
});
