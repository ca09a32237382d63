import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailboxWorker } from '../../src/app/mailboxWorker.js';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { SUPPORT } from '../harness/config.js';
import { appendMails, readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/**
 * The inbox is worked through in IMAP batches that overlap (the next one downloads and
 * is parsed while the previous one is written and moved). With batches of 3 mails, a
 * customer's follow-ups land in later batches than the mail that opened their ticket:
 * they must still find it, in order, and every mail must end in the right folder.
 */
describe.each(['sqlite', 'postgres'] as const)('an inbox worked through in overlapping batches (%s)', (dialect) => {
  let world: World;
  const customers = ['anna', 'bruno', 'chloe', 'dario'];
  const everyone = [...customers, 'emile'];
  const mail = (customer: string, n: number) =>
    Buffer.from(
      `From: ${customer} <${customer}@example.test>\r\nTo: ${SUPPORT}\r\nSubject: Commande CMD-40${everyone.indexOf(customer)}000, message ${n}\r\n` +
        `Message-ID: <${customer}-${n}@example.test>\r\nDate: Mon, 23 Nov 2026 09:0${n}:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
        `Bonjour, message ${n} au sujet de ma commande CMD-40${everyone.indexOf(customer)}000.\r\n`,
    );

  beforeAll(async () => {
    world = await createWorld(dialect, { imap: { batch_size: 3 } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('threads follow-ups in later batches into the ticket opened in an earlier one, and moves every mail once', async () => {
    // Interleaved: anna-1, bruno-1, chloe-1, dario-1, anna-2, ... so every ticket's follow-ups are in later batches.
    const raws = [1, 2, 3, 4, 5].flatMap((n) => customers.map((c) => mail(c, n)));
    // And three mails of one more customer in one batch, so in one group: each mail's answers follow it in the history.
    raws.unshift(mail('emile', 1), mail('emile', 2), mail('emile', 3));
    // The same bytes twice, two batches apart: the second copy is a duplicate, and leaves the inbox too.
    raws.push(raws[0]!);
    await appendMails(world.dovecot.imapPort, SUPPORT, raws);

    const daemon = await world.daemon();
    const counts = await new MailboxWorker(daemon.ctx, () => new Date()).runOnce();
    expect(counts).toEqual({ seen: 24, processed: 23, ignored: 0, quarantined: 0, duplicates: 1 });

    const tickets = await ticketSummaries(daemon.ctx.db);
    expect(tickets.map((t) => t.customer.email).sort()).toEqual(everyone.map((c) => `${c}@example.test`));
    for (const ticket of tickets) {
      const detail = await ticketDetail(daemon.ctx.db, ticket.reference);
      const inbound = detail.messages.filter((m) => m.direction === 'in');
      const expected = ticket.customer.email.startsWith('emile') ? [1, 2, 3] : [1, 2, 3, 4, 5];
      expect(inbound.map((m) => m.subject)).toEqual(expected.map((n) => expect.stringContaining(`message ${n}`)));
      // The acknowledgement and the team's notification of the first mail, then a notification after each follow-up.
      expect(detail.messages.map((m) => m.direction)).toEqual(['in', 'out', 'out', ...expected.slice(1).flatMap(() => ['in', 'out'])]);
    }
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'INBOX')).toEqual([]);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toHaveLength(24);
  });
});
