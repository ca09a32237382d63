import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '../../src/app/status.js';
import { isGuichetError } from '../../src/errors.js';
import { createWorld, type World } from '../harness/world.js';

/** A wrong IMAP password, as Dovecot answers it: the cause in the server's own words, in the error and in `status`. */
describe('an IMAP failure names its cause', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite', { imap: { password: 'not-the-password' } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('start --once fails with AUTHENTICATIONFAILED, not "Command failed"', async () => {
    const daemon = await world.daemon();
    const error = await daemon.runOnce().catch((e: unknown) => e);
    expect(isGuichetError(error, 'GUICHET_IMAP_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/^support@example\.test@127\.0\.0\.1:\d+: AUTHENTICATIONFAILED: /);
  });

  it('the running daemon records it where status shows it', async () => {
    const daemon = await world.daemon();
    daemon.start();
    for (let i = 0; i < 100 && (await status(daemon.ctx.db, daemon.ctx.config, new Date())).mailboxes.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await daemon.stop();
    const [mailbox] = (await status((await world.daemon()).ctx.db, world.config, new Date())).mailboxes;
    expect(mailbox!.last_error).toMatch(/^GUICHET_IMAP_FAILED: .*AUTHENTICATIONFAILED/);
  });
});
