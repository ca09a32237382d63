import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketDetail, ticketSummaries } from '../../src/app/ticketView.js';
import { TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/** Each robot's shape, delivered through SMTP into Dovecot: none is acknowledged; a person who mentions a robot is. */
describe('automatic mail of every shape', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite', {}, ['forum@lists.example.net', 'post_master@mail.example.net']);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('acknowledges none of them, opens a ticket only for the probably automatic ones, and still answers a person', async () => {
    const daemon = await world.daemon();
    const robots = [
      'autoreply-icloud-en-vacation.eml',
      'autoreply-lotus-notes-en.eml',
      'bounce-mailer-daemon-empty-from.eml',
      'bounce-delivery-status-top-level.eml',
      'bounce-post-master-en.eml',
      'list-ezmlm-mailing-list-header.eml',
    ];
    const probably = ['autoreply-orange-fr-absent-no-header.eml', 'challenge-response-en-verify-human.eml'];
    // The smtp relay writes the envelope sender as Return-Path: a bounce's is empty, as a real MTA's.
    for (const name of [...robots, ...probably]) await world.deliver(fixture(name), undefined, name.startsWith('bounce-') ? '' : 'sender@example.test');
    await world.deliver(fixture('new-gmail-fr-mentions-auto-reply.eml'));
    const report = await daemon.runOnce();
    expect(report.inbox).toMatchObject({ processed: 3, ignored: robots.length, quarantined: 0 });

    const tickets = await ticketSummaries(daemon.ctx.db);
    expect(tickets.map((t) => t.customer.email).sort()).toEqual(['elodie.martin@example.test', 'marc.lefevre@example.test', 'oliver.smith@example.test']);
    for (const t of tickets.filter((t) => t.customer.email !== 'marc.lefevre@example.test')) {
      expect((await ticketDetail(daemon.ctx.db, t.reference)).events.map((e) => e.type)).toContain('probably_automatic');
    }
    // The team reads all three; only the person who mentioned a robot is acknowledged.
    expect(await waitForMails(world.dovecot.imapPort, TEAM1, 3)).toHaveLength(3);
    expect(await waitForMails(world.dovecot.imapPort, 'marc.lefevre@example.test', 1)).toHaveLength(1);
    for (const robot of ['oliver.smith@example.test', 'paul.bernard@example.test', 'elodie.martin@example.test', 'forum@lists.example.net', 'post_master@mail.example.net']) {
      expect(await readFolder(world.dovecot.imapPort, robot), robot).toHaveLength(0);
    }
  });
});
