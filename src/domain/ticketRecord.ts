import type { Decision, DecisionPolicy, DomainEvent } from './decision.js';
import { policyOf } from './outgoing.js';
import { resolutionDue } from './policy.js';
import type { Ticket, TicketRecord } from './ticket.js';

/**
 * Keeps a ticket's record (`TicketRecord`, ticket.ts) up to date: what the reports read,
 * fixed when it happens, on the calendar of the ticket's own policy. Counting business
 * hours needs that calendar (opening hours, holidays, time zone), which SQL does not
 * have; written here once, the figures are plain columns a report can aggregate over a
 * million tickets (docs/report.md).
 */
/**
 * The decision with its ticket's record brought up to date from what the decision did:
 * its events, and the status it moved from (`before`, null for a ticket it created).
 */
export function withRecord<D extends Decision>(decision: D, before: Ticket | null, now: Date, policy: DecisionPolicy): D {
  const ticket = decision.ticket;
  if (ticket === null) return decision;
  const record = nextRecord(ticket.record, decision.events, before?.status ?? null, ticket, now, policy);
  return record === ticket.record ? decision : { ...decision, ticket: { ...ticket, record } };
}

function nextRecord(
  previous: TicketRecord,
  events: readonly DomainEvent[],
  statusBefore: Ticket['status'] | null,
  ticket: Ticket,
  now: Date,
  policy: DecisionPolicy,
): TicketRecord {
  const calendar = policyOf(ticket, policy).calendar;
  const waited = () => ({
    minutes: Math.floor((now.getTime() - ticket.openedAt.getTime()) / 60_000),
    openMinutes: calendar.openMinutesBetween(ticket.openedAt, now),
  });
  let record = previous;
  const change = (patch: Partial<TicketRecord>) => (record = { ...record, ...patch });
  const agentOf = events.find((e) => e.type === 'command_applied' || e.type === 'agent_replied');
  const agent = agentOf?.type === 'command_applied' ? agentOf.by : agentOf?.type === 'agent_replied' ? agentOf.agent : null;

  for (const event of events) {
    switch (event.type) {
      case 'first_response':
        if (record.firstAnswer === null) {
          const due = event.dueAt === null ? null : new Date(event.dueAt);
          change({ firstAnswer: { ...waited(), kept: due === null ? null : now.getTime() <= due.getTime(), by: event.agent } });
        }
        break;
      case 'agent_replied':
        change({ agentAnswers: record.agentAnswers + 1 });
        break;
      case 'ticket_reopened':
        change({ reopens: record.reopens + 1 });
        break;
      case 'escalated':
        change({ escalations: record.escalations + 1 });
        break;
      case 'rated':
        change({ ratedAt: now });
        break;
      case 'resolved':
      case 'closed':
        if (record.solved === null && (event.type === 'resolved' || event.reason === 'command')) {
          const inTarget = now.getTime() <= resolutionDue(policyOf(ticket, policy), ticket.openedAt).getTime();
          change({ solved: { at: now, ...waited(), inTarget, level: ticket.level, by: event.type === 'resolved' ? event.by : agent } });
        }
        break;
      default:
        break;
    }
  }
  const wasOnHold = statusBefore === 'on_hold';
  const isOnHold = ticket.status === 'on_hold';
  if (!wasOnHold && isOnHold) change({ holds: record.holds + 1, holdStartedAt: now });
  if (wasOnHold && !isOnHold && record.holdStartedAt !== null) {
    change({ holdMinutes: record.holdMinutes + Math.floor((now.getTime() - record.holdStartedAt.getTime()) / 60_000), holdStartedAt: null });
  }
  return record;
}
