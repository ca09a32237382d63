import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { SUPPORT } from '../harness/config.js';
import { appendMails, readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const MAILS = 600;
const CUSTOMERS = 30;
const ORDERS = 90; // each customer writes about three orders, several mails each
const customer = (i: number) => `crash${i % CUSTOMERS}@example.test`;
const order = (i: number) => `CMD-${100000 + (i % ORDERS)}`;
const isAutoReply = (i: number) => i % 20 === 19;

function backlogMail(i: number): Buffer {
  const auto = isAutoReply(i) ? 'Auto-Submitted: auto-replied\r\n' : '';
  return Buffer.from(
    `From: Client ${i % CUSTOMERS} <${customer(i)}>\r\nTo: ${SUPPORT}\r\nSubject: Commande ${order(i)} (message ${i})\r\n` +
      `Message-ID: <crash-${i}@example.test>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0100\r\n${auto}` +
      `Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, message ${i} au sujet de ma commande ${order(i)}.\r\n`,
  );
}

/** Runs `guichet start` as its own process, as an admin would. */
function startGuichet(configFile: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ['bin/guichet.js', '--config', configFile, 'start', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * DESIGN invariants 1 and 2 under SIGKILL: while the daemon works through a backlog,
 * it is killed at random moments and restarted. At the end every mail made or joined
 * exactly one ticket, nothing is stored twice, the inbox is empty, and every
 * acknowledgement reached its customer (a duplicate delivery only with the same Message-ID).
 */
describe('crash safety', () => {
  let world: World;
  beforeAll(async () => {
    const users = Array.from({ length: CUSTOMERS }, (_, i) => customer(i));
    world = await createWorld('sqlite', {}, users);
    await appendMails(world.dovecot.imapPort, SUPPORT, Array.from({ length: MAILS }, (_, i) => backlogMail(i)));
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('loses nothing and does nothing twice when killed at random moments', async () => {
    const configFile = world.config.source;
    let kills = 0;
    for (let round = 0; round < 25; round++) {
      if ((await readFolder(world.dovecot.imapPort, SUPPORT, 'INBOX')).length === 0) break;
      const child = startGuichet(configFile);
      await new Promise((r) => setTimeout(r, 1200 + Math.random() * 1500));
      child.kill('SIGKILL');
      await exited(child);
      kills++;
    }
    const last = startGuichet(configFile, '--once');
    let stderr = '';
    last.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exited(last), stderr).toBe(0);

    expect(kills).toBeGreaterThan(1);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'INBOX')).toHaveLength(0);
    const db = await openDatabase(world.config.database.url);
    try {
      const quarantined = await db.models.InboundMail.findAll({ where: { outcome: 'quarantined' }, attributes: ['source', 'reason'], raw: true });
      expect(quarantined).toEqual([]);
      expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toHaveLength(0);
      expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toHaveLength(MAILS);
      const count = async (sql: string) => Number(((await db.sequelize.query(sql, { plain: true })) as { n: number }).n);
      expect(await count('SELECT COUNT(*) AS n FROM inbound_mails')).toBe(MAILS);
      expect(await count(`SELECT COUNT(*) AS n FROM inbound_mails WHERE outcome = 'quarantined'`)).toBe(0);
      expect(await count(`SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`)).toBe(MAILS);
      expect(await count(`SELECT COUNT(DISTINCT message_id) AS n FROM messages WHERE direction = 'in'`)).toBe(MAILS);

      const expectedTickets = new Set(
        Array.from({ length: MAILS }, (_, i) => i).filter((i) => !isAutoReply(i)).map((i) => `${customer(i)} ${order(i)}`),
      ).size;
      expect(await count('SELECT COUNT(*) AS n FROM tickets')).toBe(expectedTickets);
      // Every human mail joined exactly the ticket of its customer and order.
      expect(await count(`SELECT COUNT(*) AS n FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.direction = 'in' AND m.from_address <> t.customer_email`)).toBe(0);
      expect(await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'acknowledgement'`)).toBe(expectedTickets);
      const humanMails = Array.from({ length: MAILS }, (_, i) => i).filter((i) => !isAutoReply(i)).length;
      expect(await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'agent-notification'`)).toBe(humanMails);
      expect(await count(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'`)).toBe(0);

      // What the customers received: one acknowledgement per ticket; a resend only with the same Message-ID.
      let distinct = 0;
      for (let c = 0; c < CUSTOMERS; c++) {
        const received = await readFolder(world.dovecot.imapPort, customer(c));
        const ids = new Set(received.map((m) => m.parsed.messageId));
        distinct += ids.size;
        const tickets = await count(`SELECT COUNT(*) AS n FROM tickets WHERE customer_email = '${customer(c)}'`);
        expect(ids.size, customer(c)).toBe(tickets);
      }
      expect(distinct).toBe(expectedTickets);
      expect(new Set(world.smtp.accepted.map((a) => a.messageId)).size).toBe(expectedTickets + humanMails);
      const resent = world.smtp.accepted.length - new Set(world.smtp.accepted.map((a) => a.messageId)).size;
      console.log(`crash test: ${kills} kills, ${MAILS} mails, ${expectedTickets} tickets, ${resent} resend(s) with the same Message-ID`);
    } finally {
      await db.close();
    }
  });
});
