/**
 * Did our own mail server vouch for the sender? Reads Authentication-Results headers
 * (RFC 8601) and trusts only those whose authserv-id is one of ours: anybody can
 * write such a header into a mail, but only our server writes one with its id, and
 * it removes forged ones on arrival (RFC 8601 §5). The sender passes when DMARC
 * passed for the From domain, or DKIM passed with a signing domain (header.d) that
 * is the From domain or a parent of it.
 */
export function senderAuthenticated(headers: readonly string[], trustedAuthservIds: readonly string[], fromAddress: string): boolean {
  const fromDomain = fromAddress.split('@')[1]?.toLowerCase() ?? '';
  const trusted = new Set(trustedAuthservIds.map((id) => id.toLowerCase()));
  return headers.some((header) => {
    const [authservId = '', ...results] = header.replace(/\([^)]*\)/g, ' ').split(';');
    if (!trusted.has(authservId.trim().split(/\s+/)[0]!.toLowerCase())) return false;
    return results.some((result) => {
      const method = /^\s*(dmarc|dkim)\s*=\s*(\w+)/i.exec(result);
      if (!method || method[2]!.toLowerCase() !== 'pass') return false;
      if (method[1]!.toLowerCase() === 'dmarc') {
        const headerFrom = /header\.from\s*=\s*([^\s;]+)/i.exec(result)?.[1]?.toLowerCase();
        return headerFrom === undefined || headerFrom === fromDomain;
      }
      const signer = /header\.d\s*=\s*([^\s;]+)/i.exec(result)?.[1]?.toLowerCase();
      return signer !== undefined && (fromDomain === signer || fromDomain.endsWith(`.${signer}`));
    });
  });
}
