import { normaliseAddress } from './address.js';
import type { Decision, DecisionPolicy, DomainEvent, OutgoingMail } from './decision.js';
import { staffMail } from './outgoing.js';
import type { Ticket } from './ticket.js';

/** Mails guichet queued recently, as the store counted them, plus what the group decided since. */
export interface RecentMails {
  /** Acknowledgements to each address in the acknowledgement window. */
  acknowledgements: ReadonlyMap<string, number>;
  /** Every mail to each address in the loop window. */
  byRecipient: ReadonlyMap<string, number>;
  /** Every mail of each ticket, by reference, in the loop window. */
  byTicket: ReadonlyMap<string, number>;
}

export const NOTHING_SENT: RecentMails = { acknowledgements: new Map(), byRecipient: new Map(), byTicket: new Map() };

/**
 * Holds a decision's mails to the loop budget (DESIGN invariant 3). Two robots that
 * answer each other (a customer's auto-responder and an agent's out-of-office without
 * RFC 3834 headers, say) make every mail cause the next; nothing in one mail shows it,
 * but the count does. Past the budget of the ticket, or of the outside address that
 * would receive the mail, the ticket is flagged, its team is told once, and nothing
 * more goes out automatically for it until an agent writes a command (`#resume` is the
 * one that does nothing else). What an agent writes still goes out, and counts.
 * Mails to an address that cannot exist are never sent, nor automatic mail to one that
 * bounced for good (deliveryFailure.ts).
 */
export function withinBudget(decision: Decision, recent: RecentMails, byAgent: boolean, now: Date, policy: DecisionPolicy): Decision {
  const original = decision.ticket;
  if (!original) return decision;
  let ticket: Ticket = original;
  const events: DomainEvent[] = [...decision.events];
  if (ticket.loopSuspectedAt !== null && byAgent && events.some((e) => e.type === 'command_applied')) {
    ticket = { ...ticket, loopSuspectedAt: null };
    events.push({ type: 'loop_cleared', by: events.find((e) => e.type === 'command_applied')!.by });
  }
  const budget = policy.loopBudget;
  const staff = staffAddresses(policy);
  let ticketCount = recent.byTicket.get(ticket.reference) ?? 0;
  const toCount = new Map<string, number>();
  const outgoing: OutgoingMail[] = [];
  for (const mail of decision.outgoing) {
    const to = normaliseAddress(mail.to.address);
    if (!canExist(to)) {
      events.push({ type: 'mail_withheld', template: mail.template, to, reason: 'address_cannot_exist' });
      continue;
    }
    const outside = !staff.has(to);
    // A dead address gets nothing more from guichet on its own; what an agent writes still goes (they may know better).
    if (!byAgent && outside && ticket.undeliverable[to] === 'permanent') {
      events.push({ type: 'mail_withheld', template: mail.template, to, reason: 'address_undeliverable' });
      continue;
    }
    const sentTo = toCount.get(to) ?? (outside ? (recent.byRecipient.get(to) ?? 0) : 0);
    if (!byAgent && ticket.loopSuspectedAt === null && (ticketCount >= budget.perTicket || (outside && sentTo >= budget.perRecipient))) {
      ticket = { ...ticket, loopSuspectedAt: now };
      const over = ticketCount >= budget.perTicket ? { mails: ticketCount, to: null } : { mails: sentTo, to };
      events.push({ type: 'loop_suspected', ...over, windowMinutes: budget.windowMinutes });
      outgoing.push(...loopAlert(ticket, over, policy));
    }
    if (!byAgent && ticket.loopSuspectedAt !== null) {
      events.push({ type: 'mail_withheld', template: mail.template, to, reason: 'loop_suspected' });
      continue;
    }
    outgoing.push(mail);
    ticketCount++;
    toCount.set(to, sentTo + 1);
  }
  return { ...decision, ticket, events, outgoing };
}

/** An address a mail can be delivered to: a local part, a domain with a dot, not a reserved `.invalid` one (RFC 2606). */
export function canExist(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  const domain = address.slice(at + 1);
  return domain.includes('.') && !domain.endsWith('.invalid');
}

/** Derived once per policy object: `withinBudget` runs for every mail. */
const staffOf = new WeakMap<DecisionPolicy, ReadonlySet<string>>();

/** Our own side: they are told of every ticket, so counting mails to them would flag busy days, not loops. */
function staffAddresses(policy: DecisionPolicy): ReadonlySet<string> {
  let staff = staffOf.get(policy);
  if (!staff) {
    staff = new Set(
      [
        policy.supportAddress,
        ...policy.admins,
        ...policy.agents.map((a) => a.email),
        ...Object.values(policy.teamAddresses),
        ...policy.mailboxes.flatMap((m) => [m.address, ...Object.values(m.teams ?? {})]),
      ]
        .filter((a): a is string => a !== undefined)
        .map(normaliseAddress),
    );
    staffOf.set(policy, staff);
  }
  return staff;
}

/** Told once: the team of the ticket's level (not the assignee, whose own out-of-office may be the other robot), else the admins. */
function loopAlert(ticket: Ticket, over: { mails: number; to: string | null }, policy: DecisionPolicy): OutgoingMail[] {
  const team = policy.teamAddresses[ticket.level];
  const to = team !== undefined ? [team] : policy.admins;
  return staffMail(ticket, to, 'loop-suspected', policy, { mails: over.mails, recipient: over.to, windowMinutes: policy.loopBudget.windowMinutes });
}
