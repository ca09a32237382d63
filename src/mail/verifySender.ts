import { normaliseAddress } from '../domain/address.js';
import type { InboundMail } from '../domain/inbound.js';
import { trustedResults, type AuthenticationTrust } from '../domain/senderAuth.js';
import { describeError } from '../errors.js';

/** How DNS is asked (mailauth's shape): TXT answers as arrays of strings. Node's resolver by default. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/**
 * DKIM and DMARC checked by guichet itself (mailauth, RFC 6376 and 7489), for a mail in
 * an agent's name that none of our servers vouched for: a mail server that adds no
 * Authentication-Results (a hosted mailbox read over IMAP, say). SPF is not checked: the
 * connecting IP is known only to the server that received the mail, so DMARC passes here
 * through an aligned DKIM signature only. The answer is written as an
 * Authentication-Results value, which `senderAuthenticated` reads like our servers' own.
 */
export async function verifyHere(raw: Buffer, resolver?: DnsResolver): Promise<string> {
  try {
    // Loaded on first use: a daemon that does not check its agents' mail itself never needs it.
    const { authenticate } = await import('mailauth');
    const result = await authenticate(raw, { ...(resolver ? { resolver } : {}), disableArc: true, disableBimi: true, mta: 'guichet' } as Parameters<typeof authenticate>[1]);
    const dkim = (result.dkim?.results ?? []).map((r: { status: { result: string }; signingDomain?: string }) => `dkim=${r.status.result} header.d=${r.signingDomain ?? 'none'}`);
    const dmarc = result.dmarc ? [`dmarc=${result.dmarc.status.result} header.from=${result.dmarc.domain}`] : [];
    return ['guichet', ...(dkim.length > 0 ? dkim : ['dkim=none']), ...dmarc].join('; ');
  } catch (error) {
    // A DNS failure is not a pass: the agent is told their mail did nothing, and may send it again.
    return `guichet; dkim=temperror (${describeError(error).replace(/[;()]/g, ' ')})`;
  }
}

/** The mail with guichet's own verdict, when it claims an agent and our servers said nothing that counts. */
export async function withOwnVerification(
  mail: InboundMail,
  raw: Buffer,
  agents: readonly { email: string }[],
  trust: AuthenticationTrust,
  resolver?: DnsResolver,
): Promise<InboundMail> {
  const from = normaliseAddress(mail.from.address);
  if (!agents.some((a) => normaliseAddress(a.email) === from) || trustedResults(mail.trace, trust).length > 0) return mail;
  return { ...mail, verifiedHere: await verifyHere(raw, resolver) };
}
