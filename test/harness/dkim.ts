import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import type { DnsResolver } from '../../src/mail/verifySender.js';

/**
 * A domain's DKIM key and DNS records, made for a test: mails are signed for real
 * (mailauth), and `resolver` answers the DNS questions a verifier asks, as the
 * domain's name server would, with NXDOMAIN for anything else.
 */
export function dkimDomain(domain: string, selector = 'guichet-test') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const records = new Map<string, string[][]>([
    [`${selector}._domainkey.${domain}`, [[`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]]],
    [`_dmarc.${domain}`, [['v=DMARC1; p=reject']]],
  ]);
  const resolver: DnsResolver = async (name, rrtype) => {
    const answer = rrtype === 'TXT' ? records.get(name.toLowerCase()) : undefined;
    if (answer) return answer;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const sign = async (raw: Buffer): Promise<Buffer> => {
    // mailauth 4.13 reads `signatureData`; its typings ask for the single-signature keys instead.
    const signed = await dkimSign(raw, {
      canonicalization: 'relaxed/relaxed',
      signatureData: [{ signingDomain: domain, selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }],
    } as unknown as Parameters<typeof dkimSign>[1]);
    return Buffer.concat([Buffer.from(signed.signatures), raw]);
  };
  return { resolver, sign };
}
