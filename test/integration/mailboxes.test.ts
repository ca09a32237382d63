import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { customerErase } from '../../src/app/customerErase.js';
import { customerShow } from '../../src/app/customerShow.js';
import { select } from '../../src/store/sqlRows.js';
import { CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

const SALES = 'ventes@example.test';
const SALES_TEAM = 'equipe-ventes@example.test';

/**
 * Two mailboxes served by one process, on real Dovecot and SMTP: the support one and a
 * sales one with its own IMAP account, team and policy. Each mail is read from its own
 * mailbox, and its ticket answers from the address it was opened on.
 */
describe.each(['sqlite', 'postgres'] as const)('several mailboxes in one process (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect, { limits: { max_mail_bytes: 20_000 } }, [SALES, SALES_TEAM]);
    // The sales mailbox: its own account on the same server (known once it runs), its team, its policy.
    // How the file's `mailboxes:` is read is tested in test/unit/config.load.test.ts.
    world.config = {
      ...world.config,
      mailboxes: [{ address: SALES, name: 'Service ventes', names: { fr: 'Service ventes', en: 'Service ventes' }, imap: { ...world.config.imap, user: SALES }, teams: { 1: { address: SALES_TEAM } }, policy: 'shop' }],
    };
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('reads each mailbox, and answers each ticket from the address it was opened on', async () => {
    const mail = (to: string, subject: string, id: string) =>
      Buffer.from(`From: Jeanne Dupont <${CUSTOMER}>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.test>\r\n\r\nBonjour, une question.\r\n`);
    await world.deliver(mail(SUPPORT, 'Colis en retard', 'to-support'), SUPPORT);
    await world.deliver(mail(SALES, 'Devis pour 40 chaises', 'to-sales'), SALES);
    const { Daemon } = await import('../../src/app/daemon.js');
    const { createLogger } = await import('../../src/logger.js');
    const daemon = await Daemon.open(world.config, createLogger('silent'), () => new Date());
    try {
      expect((await daemon.runOnce()).inbox).toMatchObject({ seen: 2, processed: 2 });
      const acks = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
      const bySubject = new Map(acks.map((a) => [a.parsed.subject!.replace(/^\[SAV-[0-9A-Z]{6}\] /, ''), a.parsed]));
      expect(bySubject.get('Devis pour 40 chaises')!.from?.value[0]).toEqual({ name: 'Service ventes', address: SALES });
      expect(bySubject.get('Devis pour 40 chaises')!.replyTo?.value[0]?.address).toBe(SALES);
      expect(bySubject.get('Colis en retard')!.from?.value[0]?.address).toBe(SUPPORT);
      // Each team hears of its own mailbox's tickets.
      expect((await waitForMails(world.dovecot.imapPort, SALES_TEAM, 1)).map((m) => m.parsed.subject)).toEqual([expect.stringContaining('Devis pour 40 chaises')]);
      expect((await waitForMails(world.dovecot.imapPort, TEAM1, 1)).map((m) => m.parsed.subject)).toEqual([expect.stringContaining('Colis en retard')]);
      const policies = await select<{ subject: string; policy: string }>(daemon.ctx.db, undefined, 'SELECT "subject", "policy" FROM "tickets" ORDER BY "subject"', []);
      expect(policies).toEqual([
        { subject: 'Colis en retard', policy: 'marketplace' },
        { subject: 'Devis pour 40 chaises', policy: 'shop' },
      ]);
      // Each mail left its own inbox for its own Processed folder; each has its own state row.
      expect((await readFolder(world.dovecot.imapPort, SALES, 'Processed')).map((m) => m.parsed.messageId)).toEqual(['<to-sales@example.test>']);
      expect((await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).map((m) => m.parsed.messageId)).toEqual(['<to-support@example.test>']);
      const states = await select<{ mailbox: string }>(daemon.ctx.db, undefined, 'SELECT "mailbox" FROM "mailbox_state" ORDER BY "mailbox"', []);
      expect(states.map((s) => s.mailbox)).toEqual(['INBOX', SALES]);
      expect((await ticketSummaries(daemon.ctx.db)).length).toBe(2);

      // Her data is looked for, and erased, in both mailboxes.
      const shown = await customerShow(world.config, daemon.ctx.db, createLogger('silent'), CUSTOMER, 'cli:test', new Date());
      expect(shown.imap.map((m) => m.account).sort()).toEqual([SUPPORT, SALES]);
      await customerErase(world.config, daemon.ctx.db, createLogger('silent'), CUSTOMER, { dryRun: false, keepStatistics: true, force: true, actor: 'cli:test', now: new Date() });
      expect(await readFolder(world.dovecot.imapPort, SALES, 'Processed')).toEqual([]);
      expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Processed')).toEqual([]);
    } finally {
      await daemon.stop();
    }
  });

  it("releases a mail from the quarantine of the mailbox it came from, back to that mailbox's inbox", async () => {
    const big = Buffer.from(`From: <${CUSTOMER}>\r\nTo: ${SALES}\r\nSubject: Photos\r\nMessage-ID: <big-sales@example.test>\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(400)}`);
    await world.deliver(big, SALES);
    const { Daemon } = await import('../../src/app/daemon.js');
    const { createLogger } = await import('../../src/logger.js');
    const { quarantineList, releaseQuarantine } = await import('../../src/app/quarantineRelease.js');
    const daemon = await Daemon.open(world.config, createLogger('silent'), () => new Date());
    try {
      expect((await daemon.runOnce()).inbox).toMatchObject({ seen: 1, quarantined: 1 });
      expect(await readFolder(world.dovecot.imapPort, SALES, 'Quarantine')).toHaveLength(1);
      const [entry] = await quarantineList(daemon.ctx.db);
      expect(entry!.source).toMatch(new RegExp(`^imap:${SALES}:`));
      expect(await releaseQuarantine(world.config, daemon.ctx.db, createLogger('silent'), [entry!.id])).toEqual({ released: [entry], missing: [] });
      expect((await readFolder(world.dovecot.imapPort, SALES, 'INBOX')).map((m) => m.parsed.messageId)).toEqual(['<big-sales@example.test>']);
    } finally {
      await daemon.stop();
    }
  });
});
