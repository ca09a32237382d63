import type { Decision, DecisionPolicy, OutgoingMail, SellerContact, TemplateName } from './decision.js';
import type { Policy } from './policy.js';
import { ticketThreadId } from './threadId.js';
import type { Level, Ticket } from './ticket.js';

/** How many of the customer's Message-IDs a mail to them refers to: enough to thread, short enough for headers. */
export const THREAD_DEPTH = 10;

/** The policy the ticket was opened under; the default one if that file has since been removed. */
export function policyOf(ticket: Ticket, policy: DecisionPolicy): Policy {
  return policy.policies[ticket.policy] ?? policy.policies[policy.defaultPolicy]!;
}

export function sellerOf(ticket: Ticket, policy: DecisionPolicy): SellerContact | undefined {
  return ticket.sellerId === null ? undefined : policy.sellers.find((s) => s.id === ticket.sellerId);
}

/**
 * How every mail to people on our side (a team, an agent about a ticket, the admins)
 * is addressed: in the service's language, threaded under the ticket's one root
 * Message-ID so their mail client groups a ticket's mails.
 */
export function toStaff(ticket: Ticket, address: string, policy: DecisionPolicy): Pick<OutgoingMail, 'to' | 'locale' | 'inReplyTo' | 'references'> {
  return {
    to: { address, name: null },
    locale: policy.defaultLocale,
    inReplyTo: null,
    references: [ticketThreadId(ticket.reference, policy.supportAddress)],
  };
}

/** The team of a level, and the assignee if there is one, each once. */
export function teamRecipients(ticket: Ticket, level: Level, policy: DecisionPolicy): string[] {
  // A personal-data request is the admins' (they alone may #export or #erase), whatever the level.
  const teams = policy.mailboxes.find((m) => m.address === ticket.record.channel)?.teams ?? policy.teamAddresses;
  const team = ticket.category === 'donnees_personnelles' && policy.admins.length > 0 ? policy.admins : [teams[level]];
  return [...new Set([...team, ticket.assignee ?? undefined].filter((a): a is string => a !== undefined))];
}

/**
 * A mail from guichet to people on our side, with the ticket's facts. `dossier` asks
 * the app to add the ticket's whole history (`history`) to the variables.
 */
export function staffMail(
  ticket: Ticket,
  to: readonly string[],
  template: TemplateName,
  policy: DecisionPolicy,
  variables: Record<string, unknown>,
  dossier = false,
): OutgoingMail[] {
  return [...new Set(to)].map((address) => ({
    template,
    ...toStaff(ticket, address, policy),
    automatic: true,
    variables: { level: ticket.level, status: ticket.status, category: ticket.category, orderNumber: ticket.orderNumber, customerEmail: ticket.customerEmail, ...variables },
    ...(dossier ? { dossier: true } : {}),
  }));
}

/** The team of a level, and the assignee if there is one. */
export function teamMail(ticket: Ticket, level: Level, template: TemplateName, policy: DecisionPolicy, variables: Record<string, unknown>, dossier = false): OutgoingMail[] {
  return staffMail(ticket, teamRecipients(ticket, level, policy), template, policy, variables, dossier);
}

/** A mail from the service to the customer, in their language, in their own thread. */
export function toCustomer(ticket: Ticket, template: TemplateName, variables: Record<string, unknown>, automatic = true): OutgoingMail {
  const thread = ticket.customerThread.slice(-THREAD_DEPTH);
  return {
    template,
    to: { address: ticket.customerEmail, name: ticket.customerName },
    locale: ticket.locale,
    automatic,
    inReplyTo: thread[thread.length - 1] ?? null,
    references: thread,
    variables: { level: ticket.level, status: ticket.status, ...variables },
  };
}

/** A mail to the ticket's seller, on the customer's behalf; replies come back to the support address. */
export function toSeller(ticket: Ticket, seller: SellerContact, template: TemplateName, policy: DecisionPolicy, variables: Record<string, unknown>): OutgoingMail {
  return {
    template,
    to: { address: seller.email, name: seller.name },
    locale: policy.defaultLocale,
    automatic: false,
    inReplyTo: null,
    references: [],
    variables: { sellerName: seller.name, customerName: ticket.customerName ?? ticket.customerEmail, orderNumber: ticket.orderNumber, subject: ticket.subject, ...variables },
  };
}

/** Anything sent to the customer resets the regular-update clock. */
export function withCustomerUpdate<D extends Decision>(decision: D, now: Date): D {
  const ticket = decision.ticket;
  if (!ticket || !decision.outgoing.some((o) => o.to.address === ticket.customerEmail)) return decision;
  return { ...decision, ticket: { ...ticket, lastCustomerUpdateAt: now } };
}
