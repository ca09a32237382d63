import type { Category, Locale } from '../config/schema.js';
import type { Priority } from './commands.js';

export const TICKET_STATUSES = ['open', 'waiting_customer', 'waiting_seller', 'on_hold', 'resolved', 'closed'] as const;
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
}

export function isOpen(ticket: Ticket): boolean {
  return ticket.status !== 'closed';
}
