import type { Category, Locale } from './vocabulary.js';
import type { Priority, Undeliverable } from './vocabulary.js';

/** `spam`: kept for the record, out of every workflow (domain/spam.ts); `#notspam` opens it. */
export const TICKET_STATUSES = ['open', 'waiting_customer', 'waiting_seller', 'on_hold', 'resolved', 'closed', 'spam'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type Level = 1 | 2 | 3;

/** A ticket as the domain sees it: plain data, no database handle. */
export interface Ticket {
  /** Undefined until the store has written it. */
  id?: number;
  reference: string;
  status: TicketStatus;
  level: Level;
  category: Category;
  orderNumber: string | null;
  locale: Locale;
  subject: string;
  customerEmail: string;
  customerName: string | null;
  /** Lower-case addresses allowed to write into this ticket besides agents: the customer and whoever they copied. */
  participants: string[];
  /** Message-IDs of the customer's own mails, newest last: what our answers refer to so they thread. */
  customerThread: string[];
  priority: Priority;
  /** The agent in charge (email), told of every customer mail besides the team. */
  assignee: string | null;
  /** When an on-hold ticket wakes up. */
  holdUntil: Date | null;
  sellerId: string | null;
  openedAt: Date;
  firstResponseDueAt: Date | null;
  firstResponseAt: Date | null;
  updatedAt: Date;
  /** The policy the ticket was opened under (config/policies/<name>.yaml); it keeps it. */
  policy: string;
  /** When the team was reminded of the first-response deadline. */
  remindedAt: Date | null;
  slaBreachedAt: Date | null;
  /** The last mail sent to the customer: regular updates count from here. */
  lastCustomerUpdateAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** The customer's satisfaction rating, 1 to 5. */
  rating: number | null;
  /** Set while the ticket waits for its seller: when asked, how many chases, the last one. */
  sellerRequestedAt: Date | null;
  sellerChases: number;
  sellerLastChaseAt: Date | null;
  /** The closed ticket this one follows up, when a customer wrote again after the reopen window. */
  linkedReference: string | null;
  /** When the ticket went past its loop budget; nothing goes out automatically while set (see loopBudget.ts). */
  loopSuspectedAt: Date | null;
  /** When the customer reopened the ticket last; null if never. See `clockStart`. */
  cycleStartedAt: Date | null;
  /** When an admin asked (#erase) to erase the customer's data; the erasure waits for the customer's confirming reply. */
  erasureRequestedAt: Date | null;
  /** Addresses our mail did not reach, by lower-case address (see deliveryFailure.ts). */
  undeliverable: Readonly<Record<string, Undeliverable>>;
  /** What the reports read (see TicketRecord). */
  record: TicketRecord;
}

/** What the reports read about a ticket (docs/report.md), fixed as it happens by ticketRecord.ts. */
export interface TicketRecord {
  /** The support address the first mail was written to (lower case). */
  channel: string | null;
  /** The first agent answer of the ticket's life; a reopened round does not replace it. */
  firstAnswer: { minutes: number; openMinutes: number; kept: boolean | null; by: string } | null;
  /** The first time the ticket was solved (`#resolve`, or `#close` without one). */
  solved: { at: Date; minutes: number; openMinutes: number; inTarget: boolean; level: Level; by: string | null } | null;
  agentAnswers: number;
  reopens: number;
  escalations: number;
  holds: number;
  /** Whole minutes spent on hold, holds that ended. */
  holdMinutes: number;
  holdStartedAt: Date | null;
  ratedAt: Date | null;
}

/** The deadline fields of a ticket nothing has happened to yet: a new ticket starts from these. */
export const NO_DEADLINE_HISTORY = {
  remindedAt: null,
  slaBreachedAt: null,
  lastCustomerUpdateAt: null,
  resolvedAt: null,
  closedAt: null,
  rating: null,
  sellerRequestedAt: null,
  sellerChases: 0,
  sellerLastChaseAt: null,
  linkedReference: null,
  cycleStartedAt: null,
  loopSuspectedAt: null,
  erasureRequestedAt: null,
  undeliverable: {},
  record: {
    channel: null,
    firstAnswer: null,
    solved: null,
    agentAnswers: 0,
    reopens: 0,
    escalations: 0,
    holds: 0,
    holdMinutes: 0,
    holdStartedAt: null,
    ratedAt: null,
  },
} as const satisfies Partial<Ticket>;

/**
 * Where the ticket's deadlines count from: the first contact, or the last reopening.
 * A customer who writes again days after a resolution is a request to answer anew,
 * not one already late for every step of the first round.
 */
export function clockStart(ticket: Ticket): Date {
  return ticket.cycleStartedAt ?? ticket.openedAt;
}

export function isOpen(ticket: Ticket): boolean {
  return ticket.status !== 'closed' && ticket.status !== 'spam';
}
