import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketSummaries } from '../../src/app/ticketView.js';
import { AGENT, CUSTOMER, SUPPORT, TEAM1 } from '../harness/config.js';
import { fixture } from '../harness/fixtures.js';
import { waitForMails } from '../harness/mailbox.js';
import { createWorld, type World } from '../harness/world.js';

/** agents.require_authentication on real Dovecot + SMTP: a forged agent From does nothing. */
describe('agents must be authenticated', () => {
  let world: World;
  let reference: string;
  let notificationId: string;
  beforeAll(async () => {
    world = await createWorld('sqlite', {
      agents: { require_authentication: true, authserv_ids: ['mx.example.test'], list: [{ name: 'Camille', email: AGENT, level: 1 }] },
    });
    await world.deliver(fixture('new-gmail-fr-delivery.eml'));
    await (await world.daemon()).runOnce();
    reference = (await ticketSummaries((await world.daemon()).ctx.db))[0]!.reference;
    notificationId = (await waitForMails(world.dovecot.imapPort, TEAM1, 1))[0]!.parsed.messageId!;
  });
  afterAll(async () => {
    await world?.stop();
  });

  const reply = (authenticationResults: string) =>
    Buffer.from(
      authenticationResults +
        fixture('agent-reply-gmail-en-on-wrote.eml', reference).toString('latin1').split('<NOTIFICATION-ID>').join(notificationId).replace('CAagent1=gmail-reply', `CAagent1=${Math.random()}`),
      'latin1',
    );

  it('does nothing with an agent reply our server did not vouch for, and warns the real agent', async () => {
    await world.deliver(reply('Authentication-Results: evil.example; dmarc=pass header.from=example.test\r\n'), SUPPORT, AGENT);
    expect((await (await world.daemon()).runOnce()).outbox.sent).toBe(1);
    const [warning] = await waitForMails(world.dovecot.imapPort, AGENT, 1);
    const text = warning!.parsed.text!.replace(/\s+/g, ' ');
    expect(text).toContain('did not pass DKIM/DMARC at mx.example.test: nothing was done');
    expect(text).toContain('Sorry for the mix-up.');
    expect(await waitForMails(world.dovecot.imapPort, CUSTOMER, 1)).toHaveLength(1);
  });

  it('sends the answer when our server vouched for it', async () => {
    await world.deliver(reply('Authentication-Results: mx.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test\r\n'), SUPPORT, AGENT);
    await (await world.daemon()).runOnce();
    const received = await waitForMails(world.dovecot.imapPort, CUSTOMER, 2);
    expect(received[1]!.parsed.text).toContain('Sorry for the mix-up. A prepaid return label is on its way by post.');
  });
});
