import { escalationAt, firstResponseDue, resolutionDue, targetsAt, type Policy } from './policy.js';
import { clockStart, type Ticket } from './ticket.js';

export const TIMER_KINDS = [
  'first_response_reminder',
  'escalate',
  'sla_breach',
  'customer_update',
  'hold_end',
  'seller_chase',
  'seller_strike',
  'auto_close',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface Timer {
  kind: TimerKind;
  dueAt: Date;
}

/**
 * Every timer a ticket has, derived from its state alone. The store replaces a
 * ticket's timers with this list after each change, so a timer can never outlive
 * what it was for, and every ticket that is not closed has at least one
 * (invariant 5: no silence). Firing a timer changes the ticket so that the same
 * timer is not derived again.
 */
export function nextTimers(ticket: Ticket, policy: Policy): Timer[] {
  const { calendar } = policy;
  switch (ticket.status) {
    case 'closed':
    case 'spam':
      return [];
    case 'resolved':
      return [{ kind: 'auto_close', dueAt: calendar.add(ticket.resolvedAt ?? ticket.updatedAt, policy.satisfaction.closeAfter) }];
    case 'on_hold':
      // A deliberate hold ("we come back to you in 15 days") pauses every other promise.
      return [{ kind: 'hold_end', dueAt: ticket.holdUntil ?? ticket.updatedAt }];
    case 'open':
    case 'waiting_customer':
    case 'waiting_seller':
      return openTimers(ticket, policy);
    default: {
      const never: never = ticket.status;
      return never;
    }
  }
}

function openTimers(ticket: Ticket, policy: Policy): Timer[] {
  const { calendar } = policy;
  const timers: Timer[] = [];
  const start = clockStart(ticket);
  if (ticket.firstResponseAt === null && ticket.remindedAt === null) {
    const due = ticket.firstResponseDueAt ?? firstResponseDue(policy, start);
    // The lead is working time left before the deadline (counted in the policy's opening
    // hours): a reminder at 5:00 for a deadline at 9:00 leaves the team none. Never before the ticket existed.
    timers.push({ kind: 'first_response_reminder', dueAt: calendar.before(due, policy.firstResponseReminderBefore, start) });
  }
  const step = escalationAt(policy, start).find((s) => s.level > ticket.level);
  if (step) timers.push({ kind: 'escalate', dueAt: calendar.add(start, step.after) });
  if (ticket.slaBreachedAt === null) timers.push({ kind: 'sla_breach', dueAt: resolutionDue(policy, start) });
  const updateEvery = targetsAt(policy, start).updateEvery;
  timers.push({ kind: 'customer_update', dueAt: calendar.add(ticket.lastCustomerUpdateAt ?? start, updateEvery) });
  if (ticket.status === 'waiting_seller' && ticket.sellerRequestedAt !== null) {
    const { sellers } = policy;
    if (ticket.sellerChases === 0) timers.push({ kind: 'seller_chase', dueAt: calendar.add(ticket.sellerRequestedAt, sellers.firstChaseAfter) });
    else {
      const kind = ticket.sellerChases < sellers.maxChases ? 'seller_chase' : 'seller_strike';
      timers.push({ kind, dueAt: calendar.add(ticket.sellerLastChaseAt ?? ticket.sellerRequestedAt, sellers.chaseEvery) });
    }
  }
  return timers;
}

/** The timers due at `now`, oldest first: what the scheduler fires for a ticket, one after another. */
export function dueTimers(ticket: Ticket, policy: Policy, now: Date): Timer[] {
  return nextTimers(ticket, policy)
    .filter((t) => t.dueAt.getTime() <= now.getTime())
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || TIMER_KINDS.indexOf(a.kind) - TIMER_KINDS.indexOf(b.kind));
}
