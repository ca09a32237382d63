import { describe, expect, it } from 'vitest';
import { senderAuthenticated } from '../../src/domain/senderAuth.js';
import { verifyHere, withOwnVerification } from '../../src/mail/verifySender.js';
import { dkimDomain } from '../harness/dkim.js';
import { inboundFixture } from '../harness/fixtures.js';

const trust = { authservIds: [], borderHosts: [], topmost: 1 };
const reply = Buffer.from(
  'From: Camille <agent1@example.test>\r\nTo: support@example.test\r\nSubject: Re: [SAV-7M3Q9F] Colis\r\nMessage-ID: <signed-1@example.test>\r\nDate: Thu, 03 Dec 2026 09:00:00 +0000\r\n\r\nBonjour, le colis repart demain.\r\n',
);

/** guichet's own DKIM/DMARC check, on mails signed for real, with the domain's records served by a resolver. */
describe('verifying an agent mail in process', () => {
  const example = dkimDomain('example.test');

  it('passes a mail signed by the From domain, and the domain accepts it as authenticated', async () => {
    const verdict = await verifyHere(await example.sign(reply), example.resolver);
    expect(verdict).toBe('guichet; dkim=pass header.d=example.test; dmarc=pass header.from=example.test');
    expect(senderAuthenticated([], trust, 'agent1@example.test', verdict)).toBe(true);
  });

  it('fails a mail changed after signing, a mail signed by another domain, an unsigned one, and a DNS failure', async () => {
    const signed = (await example.sign(reply)).toString().replace('repart demain', 'est remboursé');
    const other = dkimDomain('attacker.example');
    const verdicts = [
      await verifyHere(Buffer.from(signed), example.resolver),
      await verifyHere(await other.sign(reply), async (name, type) => (name.endsWith('attacker.example') ? other.resolver(name, type) : example.resolver(name, type))),
      await verifyHere(reply, example.resolver),
      await verifyHere(await example.sign(reply), async () => Promise.reject(Object.assign(new Error('queryTxt ETIMEOUT'), { code: 'ETIMEOUT' }))),
    ];
    // mailauth says neutral when the body hash no longer matches (RFC 6376 §3.7).
    expect(verdicts[0]).toMatch(/dkim=(fail|neutral) header.d=example.test; dmarc=fail/);
    expect(verdicts[1]).toContain('dkim=pass header.d=attacker.example');
    expect(verdicts[2]).toContain('dkim=none');
    for (const verdict of verdicts) expect(senderAuthenticated([], trust, 'agent1@example.test', verdict), verdict).toBe(false);
  });

  it('is asked only for a mail in an agent name that no result of our servers vouches for', async () => {
    const customer = await inboundFixture('new-gmail-fr-delivery.eml');
    expect((await withOwnVerification(customer, reply, [{ email: 'agent1@example.test' }], trust, example.resolver)).verifiedHere).toBeNull();
    const agent = { ...customer, from: { address: 'agent1@example.test', name: 'Camille' } };
    expect((await withOwnVerification(agent, await example.sign(reply), [{ email: 'agent1@example.test' }], trust, example.resolver)).verifiedHere).toContain('dmarc=pass');
    const vouched = { ...agent, trace: [{ name: 'authentication-results' as const, value: 'mx.example.test; dmarc=fail' }] };
    expect((await withOwnVerification(vouched, reply, [{ email: 'agent1@example.test' }], { ...trust, authservIds: ['mx.example.test'] }, example.resolver)).verifiedHere).toBeNull();
  });
});
