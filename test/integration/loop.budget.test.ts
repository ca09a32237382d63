import { afterAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { numbered, select } from '../../src/store/sqlRows.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { startRobot, unmarkedReply } from '../harness/robot.js';
import { createWorld, type World } from '../harness/world.js';

/** How long the robots go on once the budget is spent; GUICHET_LOOP_SECONDS=300 watches the five minutes of docs/security.md. */
const SECONDS = Number(process.env.GUICHET_LOOP_SECONDS ?? 30);
const PER_TICKET = 30;

/**
 * Two robots on real mailboxes: the customer's auto-responder answers every mail with a
 * new unmarked one, and the assigned agent's out-of-office (no Auto-Submitted, no telltale
 * subject) answers every notification. Without a budget they talk for ever, through
 * guichet; with it, guichet stops within its budget and tells the team once.
 */
describe('the loop budget on a running daemon', () => {
  let world: World;
  afterAll(async () => {
    await world?.stop();
  });

  it(`stops an auto-responder talking to an out-of-office within the budget (and ${SECONDS} s more of robots)`, { timeout: (SECONDS + 240) * 1000 }, async () => {
    world = await createWorld('sqlite', { loops: { window_minutes: 60, per_ticket: PER_TICKET, per_recipient: 20 }, imap: { poll_seconds: 300 } });
    const daemon = await world.daemon();
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await daemon.runOnce();
    const reference = (await ticketSummaries(daemon.ctx.db))[0]!.reference;
    const [notification] = await waitForMails(world.dovecot.imapPort, TEAM1, 1);
    // The agent takes the ticket: from now on they are told of every customer mail.
    await world.deliver(unmarkedReply(AGENT, SUPPORT, notification!.parsed, '#assign agent1@example.test'), SUPPORT, AGENT);
    await daemon.runOnce();
    expect((await ticketDetail(daemon.ctx.db, reference)).assignee).toBe(AGENT);

    daemon.start();
    const customerRobot = startRobot({
      imapPort: world.dovecot.imapPort,
      user: CUSTOMER,
      to: SUPPORT,
      deliver: world.deliver,
      answer: (mail) => unmarkedReply(CUSTOMER, SUPPORT, mail, 'Bonjour, merci pour votre message. Nous revenons vers vous très vite.'),
    });
    const outOfOffice = startRobot({
      imapPort: world.dovecot.imapPort,
      user: AGENT,
      to: SUPPORT,
      deliver: world.deliver,
      answer: (mail) => unmarkedReply(AGENT, SUPPORT, mail, "Bonjour, je suis en congé jusqu'au 14 décembre."),
    });
    const sentOf = async () =>
      Number((await select<{ n: number }>(daemon.ctx.db, undefined, numbered(`SELECT COUNT(*) AS n FROM "outbox" o JOIN "tickets" t ON t."id" = o."ticket_id" WHERE t."reference" = ?`), [reference]))[0]!.n);
    const flagged = async () =>
      (await select(daemon.ctx.db, undefined, numbered(`SELECT 1 FROM "tickets" WHERE "reference" = ? AND "loop_suspected_at" IS NOT NULL`), [reference])).length > 0;
    const started = Date.now();
    const samples: number[] = [];
    let flaggedAfter = 0;
    try {
      // Until the budget is spent (bounded), then SECONDS more with both robots still at work.
      while (!(await flagged())) {
        if (Date.now() - started > 180_000) throw new Error(`no loop suspected after 180 s; ${await sentOf()} mails queued`);
        await new Promise((r) => setTimeout(r, 250));
      }
      flaggedAfter = Math.round((Date.now() - started) / 1000);
      for (let s = 0; s < SECONDS; s++) {
        await new Promise((r) => setTimeout(r, 1000));
        samples.push(await sentOf());
      }
    } finally {
      await customerRobot.stop();
      await outOfOffice.stop();
      await daemon.stop();
    }

    const sent = samples[samples.length - 1]!;
    console.log(
      `loop budget: flagged ${flaggedAfter} s in; then ${samples.join(' ')} mails queued for the ticket, second by second; the customer's robot answered ${customerRobot.answered}, the out-of-office ${outOfOffice.answered}`,
    );
    // The acknowledgement and the #assign round came before; the loop alert is the one mail past the budget.
    expect(sent).toBeLessThanOrEqual(PER_TICKET + 2);
    // A mail already on its way when the flag came may still be counted; after that, silence.
    expect(samples[Math.min(5, SECONDS - 1)]).toBe(sent);
    expect(customerRobot.answered).toBeLessThan(PER_TICKET);

    const detail = await ticketDetail((await world.daemon()).ctx.db, reference);
    expect(detail.events.filter((e) => e.type === 'loop_suspected')).toHaveLength(1);
    expect(detail.events.filter((e) => e.type === 'mail_withheld').length).toBeGreaterThan(0);
    const alerts = (await readFolder(world.dovecot.imapPort, TEAM1)).filter((m) => /boucle/i.test(m.parsed.subject ?? ''));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(alerts[0]!.parsed.text).toContain('#resume');
  });

  it("keeps an agent's out-of-office that says so in its subject as a note: nothing reaches the customer", async () => {
    const quiet = await createWorld('sqlite');
    try {
      const daemon = await quiet.daemon();
      await quiet.deliver(fixture('new-gmail-fr-delivery.eml'));
      await daemon.runOnce();
      const reference = (await ticketSummaries(daemon.ctx.db))[0]!.reference;
      const [notification] = await waitForMails(quiet.dovecot.imapPort, TEAM1, 1);
      const ooo = unmarkedReply(AGENT, SUPPORT, notification!.parsed, "Bonjour, je suis en congé jusqu'au 14 décembre.")
        .toString('utf8')
        .replace('Subject: Re: ', 'Subject: Réponse automatique : ');
      await quiet.deliver(Buffer.from(ooo, 'utf8'), SUPPORT, AGENT);
      const report = await daemon.runOnce();
      expect(report.outbox.sent).toBe(0);
      expect(await readFolder(quiet.dovecot.imapPort, CUSTOMER)).toHaveLength(1);
      const detail = await ticketDetail(daemon.ctx.db, reference);
      expect(detail.events).toContainEqual(expect.objectContaining({ type: 'internal_note', data: expect.objectContaining({ by: AGENT, automatic: 'autoreply-subject' }) }));
      expect(detail.first_response_at).toBeNull();
    } finally {
      await quiet.stop();
    }
  });
});

