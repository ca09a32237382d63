import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/app/daemon.js';
import { quarantineList, releaseQuarantine } from '../../src/app/quarantineRelease.js';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { isGuichetError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { CUSTOMER, SUPPORT } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { readFolder, waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/**
 * After a fix, an admin gives quarantined mails another chance: found in the real
 * quarantine folder, removed from the ledger, moved back, processed as new. Moving one
 * back by hand is not enough (the ledger sends it back), which is why the command exists.
 */
describe('releasing quarantined mail', () => {
  let world: World;
  let fixed: Daemon;
  const logger = createLogger('silent');
  const padding = 'x'.repeat(76) + '\r\n';
  const big = Buffer.from(`From: Gros <gros@example.test>\r\nTo: ${SUPPORT}\r\nSubject: big\r\nMessage-ID: <big@example.test>\r\n\r\n${padding.repeat(200)}`);

  beforeAll(async () => {
    // First without templates (processing fails) and with a small size limit.
    world = await createWorld('sqlite', { paths: { templates: '/nonexistent/templates' }, limits: { max_mail_bytes: 8192 } });
  });
  afterAll(async () => {
    await fixed?.stop();
    await world?.stop();
  });

  it('puts a fixed mail back in the inbox, where it makes its ticket; the rest stays until released', async () => {
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await world.deliver(big);
    const broken = await world.daemon();
    expect((await broken.runOnce()).inbox).toMatchObject({ seen: 2, quarantined: 2 });
    const [tooLarge, failed] = await quarantineList(broken.ctx.db);
    expect(failed!.reason).toMatch(/^GUICHET_MAIL_PROCESSING_FAILED: .*GUICHET_TEMPLATE_NOT_FOUND/);
    expect(tooLarge!.reason).toMatch(/^GUICHET_MAIL_TOO_LARGE/);

    // The templates are back and the limit raised: a daemon on the fixed configuration.
    const config = { ...world.config, paths: { ...world.config.paths, templates: path.resolve('templates') }, limits: { ...world.config.limits, max_mail_bytes: 1024 * 1024 } };
    fixed = await Daemon.open(config, logger, () => new Date());
    expect((await fixed.runOnce()).inbox).toMatchObject({ seen: 0 });

    await expect(releaseQuarantine(config, fixed.ctx.db, logger, [999])).rejects.toSatisfy((e) => isGuichetError(e, 'GUICHET_QUARANTINE_NOT_FOUND'));
    const report = await releaseQuarantine(config, fixed.ctx.db, logger, [failed!.id]);
    expect(report).toEqual({ released: [failed], missing: [] });
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toHaveLength(1);

    expect((await fixed.runOnce()).inbox).toMatchObject({ seen: 1, processed: 1 });
    expect((await ticketSummaries(fixed.ctx.db)).map((t) => t.customer.email)).toEqual([CUSTOMER]);
    expect(await waitForMails(world.dovecot.imapPort, CUSTOMER, 1)).toHaveLength(1);

    // The one too large to download is found by its size.
    expect(await releaseQuarantine(config, fixed.ctx.db, logger, 'all')).toEqual({ released: [tooLarge], missing: [] });
    expect((await fixed.runOnce()).inbox).toMatchObject({ seen: 1, processed: 1 });
    expect(await readFolder(world.dovecot.imapPort, SUPPORT, 'Quarantine')).toEqual([]);
    expect(await quarantineList(fixed.ctx.db)).toEqual([]);
  });
});
