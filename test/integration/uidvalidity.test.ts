import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { SUPPORT } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { appendMails, readFolder } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/**
 * A mailbox whose UIDVALIDITY changes (deleted and recreated, restored from a backup,
 * migrated) renumbers every mail. guichet knows a mail by its bytes, not its UID, so a
 * mail it already processed is recognised and nothing is done twice.
 */
describe('UIDVALIDITY change', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite', { imap: { inbox: 'Support' } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  async function recreateSupportFolder() {
    const client = new ImapFlow({ host: '127.0.0.1', port: world.dovecot.imapPort, secure: false, auth: { user: SUPPORT, pass: 'secret' }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    if ((await client.list()).some((m) => m.path === 'Support')) await client.mailboxDelete('Support');
    await client.mailboxCreate('Support');
    await client.logout();
  }

  it('recognises a mail it already processed after the folder was renumbered', async () => {
    await recreateSupportFolder();
    await appendMails(world.dovecot.imapPort, SUPPORT, [fixture('new-gmail-fr-delivery.eml')], 'Support');
    const daemon = await world.daemon();
    expect((await daemon.runOnce()).inbox).toMatchObject({ processed: 1 });
    const before = await daemon.ctx.db.models.MailboxState.findByPk('Support', { raw: true });

    // The folder is recreated: new UIDVALIDITY. The old mail comes back (say, from a backup) with a new one.
    await recreateSupportFolder();
    await appendMails(world.dovecot.imapPort, SUPPORT, [fixture('new-gmail-fr-delivery.eml'), fixture('new-thunderbird-fr-iso8859-1-8bit.eml')], 'Support');
    const report = await daemon.runOnce();
    expect(report.inbox).toMatchObject({ seen: 2, processed: 1, duplicates: 1 });
    const after = await daemon.ctx.db.models.MailboxState.findByPk('Support', { raw: true });
    expect((after as any).uidvalidity).not.toBe((before as any).uidvalidity);
    expect(await ticketSummaries(daemon.ctx.db)).toHaveLength(2);
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Support')).toHaveLength(0);
  });
});
