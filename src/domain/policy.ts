import type { BusinessCalendar } from './calendar.js';
import type { Duration } from './duration.js';
import type { Level } from './ticket.js';

/** The deadlines that peak periods may lengthen. */
export interface Targets {
  firstResponse: Duration;
  resolution: Duration;
  /** The customer hears from us at least this often while the ticket is open. */
  updateEvery: Duration;
}

export interface EscalationStep {
  level: Level;
  /** Counted from the first contact. */
  after: Duration;
  /** What the customer is promised when the ticket reaches this level, counted from the first contact. */
  promise: Duration;
}

/**
 * A service policy (config/policies/<name>.yaml): the promises made to customers and
 * sellers, as durations on a calendar. A ticket keeps the policy it was opened under.
 */
export interface Policy {
  name: string;
  calendar: BusinessCalendar;
  targets: Targets;
  /** Replaces some targets for tickets opened during a peak period. */
  peakTargets: Partial<Targets>;
  /** The team is reminded this long before the first-response deadline. */
  firstResponseReminderBefore: Duration;
  escalation: readonly EscalationStep[];
  /** Replaces the escalation steps for tickets opened during a peak period, so that level 2 does not take a ticket before its stretched first answer is due. */
  peakEscalation: readonly EscalationStep[] | null;
  sellers: {
    firstChaseAfter: Duration;
    chaseEvery: Duration;
    maxChases: number;
    strikesToRestrict: number;
  };
  satisfaction: {
    /** A resolved ticket without answer closes after this. */
    closeAfter: Duration;
    /** A customer mail to a closed ticket reopens it within this window, else opens a new linked ticket. */
    reopenWithin: Duration;
    /** A rating at or below this alerts level 3. */
    alertAtOrBelow: number;
  };
}

/** The targets that apply to a ticket opened at `openedAt`: peak ones if it was opened in a peak period. */
export function targetsAt(policy: Policy, openedAt: Date): Targets {
  return policy.calendar.peakAt(openedAt) ? { ...policy.targets, ...policy.peakTargets } : policy.targets;
}

/** The escalation steps of a ticket opened at `openedAt`: the peak ones if it was opened in a peak period and the policy has them. */
export function escalationAt(policy: Policy, openedAt: Date): readonly EscalationStep[] {
  return policy.peakEscalation && policy.calendar.peakAt(openedAt) ? policy.peakEscalation : policy.escalation;
}

export function firstResponseDue(policy: Policy, openedAt: Date): Date {
  return policy.calendar.add(openedAt, targetsAt(policy, openedAt).firstResponse);
}

export function resolutionDue(policy: Policy, openedAt: Date): Date {
  return policy.calendar.add(openedAt, targetsAt(policy, openedAt).resolution);
}
