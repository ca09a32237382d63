/** One header of a mail's trace, as it stands in the mail: lower-case name, unfolded value. */
export interface TraceHeader {
  name: 'received' | 'authentication-results';
  value: string;
}

/** Which Authentication-Results headers (RFC 8601) may be believed: the operator's own servers' only. */
export interface AuthenticationTrust {
  /** The authserv-ids our own border servers write. */
  authservIds: readonly string[];
  /**
   * Our hosts that add Received headers (border MX, internal relays, the mailbox
   * server). When set, a result below the first Received header added by any other
   * host was in the mail before it reached us: a forgery.
   */
  borderHosts: readonly string[];
  /** How many Authentication-Results headers, counted from the top of the mail, may be ours. */
  topmost: number;
}

/**
 * The Authentication-Results headers our own servers wrote, read from the top of the
 * mail down. Anybody can write such a header, with our authserv-id, into the mail they
 * send; our border server adds its own above what arrives (RFC 8601 §5 asks it to remove
 * forged ones too, which not every server does). So a header counts only if it is among
 * the `topmost` results of the mail and, when border hosts are configured, above the first
 * hop that is not ours. A sender who connects to our MX directly has no hop of their own
 * between our header and theirs: `topmost` is what stops them.
 */
export function trustedResults(trace: readonly TraceHeader[], trust: AuthenticationTrust): string[] {
  const ids = new Set(trust.authservIds.map((id) => id.toLowerCase()));
  const borders = new Set(trust.borderHosts.map((host) => host.toLowerCase()));
  const trusted: string[] = [];
  let seen = 0;
  for (const header of trace) {
    if (header.name === 'received') {
      if (borders.size > 0 && !borders.has(receivedBy(header.value))) break;
      continue;
    }
    if (++seen > trust.topmost) break;
    if (ids.has(authservId(header.value))) trusted.push(header.value);
  }
  return trusted;
}

/**
 * Did our own mail server vouch for the sender? The sender passes when DMARC passed
 * for the From domain, or DKIM passed with a signing domain (header.d) that is the From
 * domain or a parent of it, in a result `trustedResults` keeps or in guichet's own verdict.
 */
export function senderAuthenticated(trace: readonly TraceHeader[], trust: AuthenticationTrust, fromAddress: string, verifiedHere: string | null = null): boolean {
  const fromDomain = fromAddress.split('@')[1]?.toLowerCase() ?? '';
  // guichet's own verdict (mail/verifySender.ts) is trusted as it stands: nobody but us wrote it.
  const results = [...trustedResults(trace, trust), ...(verifiedHere ? [verifiedHere] : [])];
  return results.some((header) =>
    resultsOf(header).some((result) => {
      const method = /^\s*(dmarc|dkim)\s*=\s*(\w+)/i.exec(result);
      if (!method || method[2]!.toLowerCase() !== 'pass') return false;
      if (method[1]!.toLowerCase() === 'dmarc') {
        const headerFrom = /header\.from\s*=\s*([^\s;]+)/i.exec(result)?.[1]?.toLowerCase();
        return headerFrom === undefined || headerFrom === fromDomain;
      }
      const signer = /header\.d\s*=\s*([^\s;]+)/i.exec(result)?.[1]?.toLowerCase();
      return signer !== undefined && (fromDomain === signer || fromDomain.endsWith(`.${signer}`));
    }),
  );
}

/** Comments (RFC 5322 CFWS) removed: `(p=quarantine)` and the like. */
const withoutComments = (value: string) => value.replace(/\([^)]*\)/g, ' ');

function authservId(value: string): string {
  return withoutComments(value).split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase();
}

function resultsOf(value: string): string[] {
  return withoutComments(value).split(';').slice(1);
}

/** The host that added a Received header: its `by` clause (RFC 5321 §4.4). */
function receivedBy(value: string): string {
  return /\bby\s+([^\s;()]+)/i.exec(withoutComments(value))?.[1]?.toLowerCase() ?? '';
}
