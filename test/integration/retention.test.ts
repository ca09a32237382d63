import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { renderReport } from '../../src/report/render.js';
import { auditEntries } from '../../src/store/auditLog.js';
import { select } from '../../src/store/sqlRows.js';
import { AGENT, SUPPORT } from '../harness/config.js';
import { readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const CUSTOMERS = ['ana@example.test', 'bruno@example.test', 'chloe@example.test'];
const DAY = 24 * 3_600_000;

function mail(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/**
 * The retention rules on real Dovecot and both databases: quarantine after 30 days,
 * mails' bytes six months after the ticket closed, tickets three years after, each in
 * batches of two (so every rule takes several transactions), each visible in the
 * `--once` report and the audit log, and the report's figures unchanged throughout.
 */
describe.each(['sqlite', 'postgres'] as const)('retention (%s)', (dialect) => {
  let world: World;
  const start = new Date();
  const run = async (days: number) => (await world.daemon(() => new Date(start.getTime() + days * DAY))).runOnce();
  const db = async () => (await world.daemon()).ctx.db;
  const reportNow = async () =>
    renderReport(await db(), world.config, { by: 'week', from: start.toISOString().slice(0, 10), to: new Date(start.getTime() + 7 * DAY).toISOString().slice(0, 10) }, new Date(start.getTime() + 8 * DAY), 'json');
  let report: string;

  beforeAll(async () => {
    world = await createWorld(dialect, { limits: { max_mail_bytes: 20_000 }, retention: { batch: 2 } }, CUSTOMERS);
    for (const [i, customer] of CUSTOMERS.entries()) {
      await world.deliver(mail([`From: ${customer}`, `To: ${SUPPORT}`, `Subject: Demande ${i}`, `Message-ID: <ask-${i}@example.test>`, '', `Ma demande numero ${i}, merci.`]), SUPPORT, customer);
    }
    await world.deliver(mail([`From: ${CUSTOMERS[0]}`, `To: ${SUPPORT}`, 'Subject: Trop gros', '', ...Array.from({ length: 400 }, () => 'x'.repeat(76))]), SUPPORT, CUSTOMERS[0]);
    expect((await run(0)).inbox).toMatchObject({ processed: 3, quarantined: 1 });
    for (const t of await ticketSummaries(await db())) {
      await world.deliver(mail([`From: ${AGENT}`, `To: ${SUPPORT}`, `Subject: Re: [${t.reference}] ${t.subject}`, '', '#close', 'Voila qui est fait.']), SUPPORT, AGENT);
    }
    await run(0.1);
    expect((await ticketSummaries(await db())).map((t) => t.status)).toEqual(['closed', 'closed', 'closed']);
    report = await reportNow();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('keeps everything within the periods', async () => {
    expect((await run(20)).retention).toEqual({ quarantined: 0, raw_mails: 0, tickets: 0, imap_mails: 0 });
  });

  it('drops quarantined mails after 30 days, from the ledger and the Quarantine folder', async () => {
    expect((await run(40)).retention).toEqual({ quarantined: 1, raw_mails: 0, tickets: 0, imap_mails: 1 });
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toEqual([]);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toHaveLength(6);
  });

  it("drops the mails' bytes six months after close, in batches, and keeps the messages", async () => {
    expect((await run(200)).retention).toEqual({ quarantined: 0, raw_mails: 6, tickets: 0, imap_mails: 6 });
    const held = await select<{ n: number }>(await db(), undefined, 'SELECT COUNT(*) AS "n" FROM "inbound_mails" WHERE "raw" IS NOT NULL OR "raw_path" IS NOT NULL', []);
    expect(Number(held[0]!.n)).toBe(0);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toEqual([]);
    const [first] = await ticketSummaries(await db());
    expect((await ticketDetail(await db(), first!.reference)).messages[0]!.subject).toBe('Demande 0');
    expect((await run(201)).retention).toEqual({ quarantined: 0, raw_mails: 0, tickets: 0, imap_mails: 0 });
  });

  it('erases tickets three years after close, keeping the figures under pseudonyms', async () => {
    expect((await run(3 * 366 + 10)).retention).toEqual({ quarantined: 0, raw_mails: 0, tickets: 3, imap_mails: 0 });
    const tickets = await ticketSummaries(await db());
    expect(tickets.map((t) => t.customer.email)).toEqual(tickets.map(() => expect.stringMatching(/^erased-[0-9a-f]{12}@erased\.invalid$/)));
    expect(new Set(tickets.map((t) => t.customer.email)).size).toBe(3);
    const messages = await select<{ n: number }>(await db(), undefined, 'SELECT COUNT(*) AS "n" FROM "messages"', []);
    expect(Number(messages[0]!.n)).toBe(0);
    expect(await reportNow()).toBe(report);
    const audit = await auditEntries(await db(), null);
    expect(audit.map((a) => [a.actor, a.command, a.counts])).toEqual([
      ['guichet', 'retention', { quarantined: 1, raw_mails: 0, tickets: 0, imap_mails: 1 }],
      ['guichet', 'retention', { quarantined: 0, raw_mails: 6, tickets: 0, imap_mails: 6 }],
      ['guichet', 'retention', { quarantined: 0, raw_mails: 0, tickets: 3, imap_mails: 0 }],
    ]);
  });
});
