import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORT } from '../harness/config.js';
import { appendMails, readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const MAILS = 120;
const CUSTOMERS = 10;
const customer = (i: number) => `multi${i % CUSTOMERS}@example.test`;
const order = (i: number) => `CMD-${200000 + (i % 30)}`;

/**
 * DESIGN invariant 7: three instances share one PostgreSQL database and one mailbox,
 * and work through the same backlog at the same time. Nothing is done twice.
 */
describe('several instances on one PostgreSQL database', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('postgres', {}, Array.from({ length: CUSTOMERS }, (_, i) => customer(i)));
    const mails = Array.from({ length: MAILS }, (_, i) =>
      Buffer.from(
        `From: <${customer(i)}>\r\nTo: ${SUPPORT}\r\nSubject: Commande ${order(i)} (${i})\r\nMessage-ID: <multi-${i}@example.test>\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, ma commande ${order(i)}.\r\n`,
      ),
    );
    await appendMails(world.dovecot.imapPort, SUPPORT, mails);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('processes each mail once and sends each acknowledgement once', async () => {
    const instances = await Promise.all([world.daemon(), world.daemon(), world.daemon()]);
    const reports = await Promise.all(instances.map((d) => d.runOnce()));
    // Mails the slower instances found already moved, or already committed, count as duplicates or are not seen.
    console.log(`multi-instance: ${JSON.stringify(reports.map((r) => r.inbox))}`);
    // Real concurrency: more than one instance had mail in hand.
    expect(reports.filter((r) => r.inbox.seen > 0).length).toBeGreaterThan(1);
    const processed = reports.reduce((sum, r) => sum + r.inbox.processed, 0);
    const sent = reports.reduce((sum, r) => sum + r.outbox.sent, 0);
    expect(processed).toBe(MAILS);
    const tickets = new Set(Array.from({ length: MAILS }, (_, i) => `${customer(i)} ${order(i)}`)).size;
    expect(sent).toBe(tickets + MAILS); // an acknowledgement per ticket, a notification per mail

    const db = instances[0]!.ctx.db;
    const count = async (sql: string) => Number(((await db.sequelize.query(sql, { plain: true })) as { n: string }).n);
    expect(await count('SELECT COUNT(*) AS n FROM tickets')).toBe(tickets);
    expect(await count('SELECT COUNT(*) AS n FROM inbound_mails')).toBe(MAILS);
    expect(await count(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`)).toBe(MAILS);
    expect(world.smtp.accepted.filter((a) => a.rcpt.some((r) => r.startsWith('multi')))).toHaveLength(tickets);
    expect(world.smtp.accepted).toHaveLength(tickets + MAILS);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'INBOX')).toHaveLength(0);
  });
});
