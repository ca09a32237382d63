/**
 * Subjects as mail clients mangle them. Reply and forward prefixes vary by client
 * and language: Re, RE :, Réf, TR (French Outlook), Fwd, Fw, AW and WG (German),
 * SV (Nordic), RIF (Italian), Antw (Dutch).
 */
const PREFIX = /^\s*(?:re|ré|réf|ref|tr|fw|fwd|aw|wg|sv|vs|rif|antw|r)\s*(?:\[\d+\])?\s*:\s*/i;

/** The subject without reply/forward prefixes, however many are stacked. */
export function stripReplyPrefixes(subject: string): string {
  let current = subject;
  for (;;) {
    const next = current.replace(PREFIX, '');
    if (next === current) return current.trim();
    current = next;
  }
}

/** The subject a person wrote, without prefixes nor our reference tag, for display and for our replies. */
export function cleanSubject(subject: string, prefix: string): string {
  const withoutTag = stripReplyPrefixes(subject)
    .replace(new RegExp(`\\[\\s*${prefix}[-_ ]?[0-9A-Z]+\\s*\\](?:\\s*<[^>]*>)?`, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return stripReplyPrefixes(withoutTag) || '(sans objet)';
}
