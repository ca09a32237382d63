import { normaliseAddress } from './address.js';
import type { Ticket } from './ticket.js';

export type MatchVia = 'reference' | 'message-id' | 'order';

/** What the store found for one mail; the app looks these up, `thread` decides. */
export interface ThreadCandidates {
  byReference: Ticket | null;
  byMessageId: Ticket | null;
  /** An open ticket of the same customer for the same order number. */
  byOrder: Ticket | null;
}

export type ThreadMatch =
  | { kind: 'join'; ticket: Ticket; via: MatchVia }
  | { kind: 'new'; refused: { reference: string; via: MatchVia }[] };

export interface Parties {
  agents: readonly string[];
  sellerEmail: (sellerId: string) => string | undefined;
}

/** Who may write into a ticket: its customer and copied addresses, any agent, and its seller. */
export function isParticipant(ticket: Ticket, sender: string, parties: Parties): boolean {
  const who = normaliseAddress(sender);
  if (ticket.participants.includes(who) || normaliseAddress(ticket.customerEmail) === who) return true;
  if (parties.agents.some((agent) => normaliseAddress(agent) === who)) return true;
  const seller = ticket.sellerId === null ? undefined : parties.sellerEmail(ticket.sellerId);
  return seller !== undefined && normaliseAddress(seller) === who;
}

/**
 * Threading in the order of DESIGN: reference, then Message-ID chain, then same order.
 * A reference is not a key (invariant 4): a sender who is not a participant gets a
 * new ticket of their own, and the refused match is reported so it can be recorded.
 */
export function thread(sender: string, candidates: ThreadCandidates, parties: Parties): ThreadMatch {
  const refused: { reference: string; via: MatchVia }[] = [];
  const ordered: [MatchVia, Ticket | null][] = [
    ['reference', candidates.byReference],
    ['message-id', candidates.byMessageId],
    ['order', candidates.byOrder],
  ];
  for (const [via, ticket] of ordered) {
    if (ticket === null) continue;
    if (isParticipant(ticket, sender, parties)) return { kind: 'join', ticket, via };
    if (!refused.some((r) => r.reference === ticket.reference)) refused.push({ reference: ticket.reference, via });
  }
  return { kind: 'new', refused };
}
