/**
 * Ticket reference numbers: `<PREFIX>-<random><check>`, e.g. `SAV-7K3Q9D`.
 *
 * The alphabet is Crockford's base 32 (no I, L, O, U) so a reference read aloud or
 * retyped from a phone survives; the check character is Luhn mod 32, which catches
 * every single wrong character and every swap of two neighbours, so a mistyped
 * reference is "no match" rather than somebody else's ticket.
 */
export const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = REFERENCE_ALPHABET.length;

function codePoint(char: string): number {
  return REFERENCE_ALPHABET.indexOf(char);
}

/** Luhn mod N check character for a body of alphabet characters. */
export function checkCharacter(body: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * codePoint(body[i]!);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return REFERENCE_ALPHABET[(N - (sum % N)) % N]!;
}

/**
 * Builds a reference from random bytes (the caller owns randomness: the domain
 * stays pure). `length` counts the random part plus the check character.
 */
export function makeReference(prefix: string, length: number, randomBytes: Uint8Array): string {
  if (randomBytes.length < length - 1) throw new RangeError(`need ${length - 1} random bytes`);
  let body = '';
  for (let i = 0; i < length - 1; i++) body += REFERENCE_ALPHABET[randomBytes[i]! % N];
  return `${prefix}-${body}${checkCharacter(body)}`;
}

/** Crockford's reading rules: lower case is fine, O is 0, I and L are 1. */
function normalise(code: string): string {
  return code.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function isValidReference(prefix: string, length: number, candidate: string): boolean {
  const match = new RegExp(`^${prefix}-([0-9A-Z]{${length}})$`, 'i').exec(candidate);
  if (!match) return false;
  const code = normalise(match[1]!);
  if ([...code].some((c) => codePoint(c) < 0)) return false;
  return checkCharacter(code.slice(0, -1)) === code.slice(-1);
}

/**
 * Every well-formed reference with a correct check character in a text, in order,
 * written canonically. Tolerates case, a space or nothing instead of the hyphen,
 * and whatever a mail client wraps around the tag (brackets, Outlook's link form
 * `[SAV-7K3Q9D]<https://…>` or `<mailto:…>`): only the token itself is read.
 */
export function findReferences(prefix: string, length: number, text: string): string[] {
  const pattern = new RegExp(`(?<![0-9A-Z])${prefix}[-_ ]?([0-9A-Z]{${length}})(?![0-9A-Z])`, 'gi');
  const found: string[] = [];
  for (const match of text.matchAll(pattern)) {
    const reference = `${prefix}-${normalise(match[1]!)}`;
    if (isValidReference(prefix, length, reference) && !found.includes(reference)) found.push(reference);
  }
  return found;
}

/** The tag every outgoing subject carries. */
export function referenceTag(reference: string): string {
  return `[${reference}]`;
}
