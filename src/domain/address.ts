/** The sender of a mail that names none: `.invalid` cannot exist (RFC 2606), so nothing is ever sent there. */
export const NO_SENDER = 'unknown@invalid';

/** Mail addresses compared the way people expect: case-insensitive, trimmed. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function localPart(address: string): string {
  return normaliseAddress(address).split('@')[0] ?? '';
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normaliseAddress(a) === normaliseAddress(b);
}
