/**
 * What guichet does with a person's data when they ask for it to be erased
 * (docs/personal-data.md): the pure part. The store finds and rewrites the rows; this
 * says what an erased ticket may keep and how an event is cleaned.
 */
import { normaliseAddress } from './address.js';

/** `.invalid` cannot exist (RFC 2606): a pseudonym is never mistaken for, nor sent to, a real address. */
export const ERASED_DOMAIN = 'erased.invalid';

/** The address that stands for an erased customer in what stays, so that counts per customer do not change. */
export function pseudonymAddress(token: string): string {
  return `erased-${token}@${ERASED_DOMAIN}`;
}

export function isPseudonym(address: string): boolean {
  return normaliseAddress(address).endsWith(`@${ERASED_DOMAIN}`);
}

/** Who is erased: the address (normalised), the names they went by, and what replaces the address. */
export interface ErasedPerson {
  address: string;
  names: readonly string[];
  pseudonym: string;
}

/**
 * Event fields that carry what a person wrote or what identifies their mail: dropped
 * from an erased ticket's events. The rest (types, times, agents, levels, ratings)
 * is what the reports count.
 */
const WORDS = new Set(['subject', 'lines', 'errors', 'diagnostic', 'messageId', 'orderNumber']);

/** An event's data with the person taken out: their words dropped, their address and names replaced wherever they appear. */
export function scrubEventData(data: Record<string, unknown>, person: ErasedPerson): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) result[key] = WORDS.has(key) ? null : scrubValue(value, person);
  return result;
}

function scrubValue(value: unknown, person: ErasedPerson): unknown {
  if (typeof value === 'string') return scrubText(value, person);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, person));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, person)]));
  return value;
}

/** A text with the person's address replaced by the pseudonym and their names removed, whatever the case. */
export function scrubText(text: string, person: ErasedPerson): string {
  let result = text.replace(new RegExp(escape(person.address), 'gi'), person.pseudonym);
  for (const name of person.names) if (name.trim().length > 1) result = result.replace(new RegExp(escape(name.trim()), 'gi'), '');
  return result;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a customer's reply confirms the erasure they were asked about: its first line
 * says so (CONFIRMER, je confirme, CONFIRM, oui, yes). Anything else ("attendez !",
 * an out-of-office) is an ordinary reply and erases nothing.
 */
export function confirmsErasure(visibleText: string): boolean {
  const first = visibleText.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const folded = first.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  return /^(je\s+)?(confirme|confirmer|confirm|confirmed|oui|yes)\b/.test(folded);
}

/** A ticket as the erasure judges it. */
export interface ErasableTicket {
  reference: string;
  status: string;
}

/**
 * Why an erasure must not go ahead, or null. A ticket still being worked on is the
 * customer's own request in progress: erasing it would silence it (invariant 5), so
 * it takes an explicit `--force`, which also closes it.
 */
export function erasureRefusal(tickets: readonly ErasableTicket[], force: boolean): string | null {
  if (force) return null;
  const open = tickets.filter((t) => t.status !== 'closed' && t.status !== 'spam');
  if (open.length === 0) return null;
  return `${open.map((t) => `${t.reference} (${t.status})`).join(', ')} ${open.length === 1 ? 'is' : 'are'} still open: close ${open.length === 1 ? 'it' : 'them'} first, or erase with --force (which closes ${open.length === 1 ? 'it' : 'them'} without a word to the customer)`;
}
