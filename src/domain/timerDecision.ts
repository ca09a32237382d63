import type { Decision, DecisionPolicy, DomainEvent, OutgoingMail } from './decision.js';
import { policyOf, sellerOf, staffMail, teamMail, toCustomer, toSeller, withCustomerUpdate } from './outgoing.js';
import { customerUnreachable } from './deliveryFailure.js';
import { NOTHING_SENT, withinBudget } from './loopBudget.js';
import { escalationAt, resolutionDue } from './policy.js';
import { clockStart, type Level, type Ticket } from './ticket.js';
import type { Timer } from './timers.js';
import { withRecord } from './ticketRecord.js';

/** What the store knows of a seller: strikes so far and whether it is already restricted. */
export interface SellerRecord {
  strikes: number;
  restricted: boolean;
}

/** A seller's strike, to be written to the sellers table in the same transaction. */
export interface SellerStrike {
  sellerId: string;
  strikes: number;
  restricted: boolean;
}

export interface TimerDecision extends Decision {
  strike: SellerStrike | null;
}

/**
 * A timer fired: what it does to the ticket and which mails it sends. The same pure
 * shape as a mail's decision, so the app writes both the same way. A timer whose
 * reason has gone (the ticket changed since) does nothing.
 */
export function decideTimer(ticket: Ticket, timer: Timer, seller: SellerRecord | null, now: Date, policy: DecisionPolicy): TimerDecision {
  const rules = policyOf(ticket, policy);
  const noop: TimerDecision = { ticket, created: false, events: [], outgoing: [], strike: null };
  const base = { ...ticket, updatedAt: now };
  // Timers fire a few times a ticket at most, so they are not counted against the loop
  // budget; but a ticket suspected of looping sends nothing, and no mail goes to an address
  // that cannot exist or bounced for good. Only a mail that does go out resets the update clock.
  const done = (t: Ticket, events: DomainEvent[], outgoing: OutgoingMail[], strike: SellerStrike | null = null): TimerDecision => ({
    ...withRecord(withCustomerUpdate(withinBudget({ ticket: t, created: false, events, outgoing }, NOTHING_SENT, false, now, policy), now), ticket, now, policy),
    strike,
  });

  switch (timer.kind) {
    case 'first_response_reminder': {
      if (ticket.firstResponseAt !== null || ticket.remindedAt !== null) return noop;
      const mails = teamMail(ticket, ticket.level, 'first-response-reminder', policy, { answerBy: ticket.firstResponseDueAt });
      return done({ ...base, remindedAt: now }, [{ type: 'first_response_reminded', dueAt: ticket.firstResponseDueAt?.toISOString() ?? null }], mails);
    }
    case 'escalate': {
      const step = escalationAt(rules, clockStart(ticket)).find((s) => s.level > ticket.level);
      if (!step) return noop;
      const promiseBy = rules.calendar.add(clockStart(ticket), step.promise);
      const escalated = { ...base, level: step.level };
      return done(
        escalated,
        [{ type: 'escalated', from: ticket.level, to: step.level, reason: 'deadline' }],
        [
          ...teamMail(escalated, step.level, 'escalation-dossier', policy, { from: ticket.level, reason: 'deadline', promiseBy, agentName: null }, true),
          toCustomer(escalated, 'escalation-notice', { level: step.level, promiseBy }),
        ],
      );
    }
    case 'sla_breach': {
      if (ticket.slaBreachedAt !== null) return noop;
      const dueAt = resolutionDue(rules, clockStart(ticket));
      const to = [policy.teamAddresses[3], ...policy.admins].filter((a): a is string => a !== undefined);
      const mails = staffMail(ticket, to, 'sla-breach', policy, { dueAt, policy: rules.name }, true);
      return done({ ...base, slaBreachedAt: now }, [{ type: 'sla_breached', dueAt: dueAt.toISOString() }], mails);
    }
    case 'customer_update':
      // The update would bounce again; the team was told when the address failed. The clock moves on all the same.
      if (customerUnreachable(ticket)) return done({ ...base, lastCustomerUpdateAt: now }, [{ type: 'customer_update_skipped', customer: ticket.customerEmail }], []);
      // The clock moves on even when the update is held back (a suspected loop): otherwise it would fire again every minute.
      return done({ ...base, lastCustomerUpdateAt: now }, [{ type: 'customer_updated' }], [toCustomer(ticket, 'regular-update', { resolutionBy: resolutionDue(rules, clockStart(ticket)) })]);
    case 'hold_end': {
      if (ticket.status !== 'on_hold') return noop;
      const woken = { ...base, status: 'open' as const, holdUntil: null };
      return done(woken, [{ type: 'hold_ended' }], teamMail(woken, woken.level, 'hold-ended', policy, { since: ticket.holdUntil }));
    }
    case 'seller_chase': {
      const who = sellerOf(ticket, policy);
      if (ticket.status !== 'waiting_seller') return noop;
      if (!who) return droppedSellerRequest(base, ticket.sellerId, now, policy);
      const chase = ticket.sellerChases + 1;
      const answerBy = rules.calendar.add(now, rules.sellers.chaseEvery);
      return done(
        { ...base, sellerChases: chase, sellerLastChaseAt: now },
        [{ type: 'seller_chased', sellerId: who.id, chase }],
        [toSeller(ticket, who, 'seller-chase', policy, { chase, maxChases: rules.sellers.maxChases, answerBy, askedAt: ticket.sellerRequestedAt })],
      );
    }
    case 'seller_strike': {
      const who = sellerOf(ticket, policy);
      if (ticket.status !== 'waiting_seller') return noop;
      if (!who) return droppedSellerRequest(base, ticket.sellerId, now, policy);
      const strikes = (seller?.strikes ?? 0) + 1;
      const restricted = (seller?.restricted ?? false) || strikes >= rules.sellers.strikesToRestrict;
      const newlyRestricted = restricted && !(seller?.restricted ?? false);
      const level = Math.min(3, ticket.level + 1) as Level;
      const next: Ticket = { ...base, status: 'open', level, sellerRequestedAt: null, sellerChases: 0, sellerLastChaseAt: null };
      const facts = { sellerName: who.name, sellerEmail: who.email, strikes, threshold: rules.sellers.strikesToRestrict, restricted, chases: ticket.sellerChases, removed: false };
      const mails: OutgoingMail[] = [
        toSeller(ticket, who, 'seller-strike', policy, facts),
        ...teamMail(next, level, 'seller-silent', policy, { ...facts, from: ticket.level }, true),
        ...(newlyRestricted ? staffMail(next, policy.admins, 'seller-restricted', policy, facts) : []),
      ];
      return done(
        next,
        [
          { type: 'seller_struck', sellerId: who.id, strikes, restricted },
          ...(level !== ticket.level ? [{ type: 'escalated', from: ticket.level, to: level, reason: 'seller_silent' } as const] : []),
        ],
        mails,
        { sellerId: who.id, strikes, restricted },
      );
    }
    case 'auto_close': {
      if (ticket.status !== 'resolved') return noop;
      if (customerUnreachable(ticket)) {
        // Closing on "no answer" from someone who never got our answer is no closure: the
        // team decides (#close), and is reminded each time the wait comes round again.
        const held = { ...base, resolvedAt: now };
        const mails = teamMail(held, held.level, 'delivery-failure', policy, { failures: [], customerUnreachable: true, closeHeld: true });
        return done(held, [{ type: 'auto_close_held', customer: ticket.customerEmail }], mails);
      }
      return done({ ...base, status: 'closed', closedAt: now }, [{ type: 'closed', reason: 'no_answer' }], [toCustomer(ticket, 'closed', {})]);
    }
    default: {
      const never: never = timer.kind;
      return never;
    }
  }
}

/** The seller was removed from the configuration while we waited for it: the team takes the ticket back. */
function droppedSellerRequest(ticket: Ticket, sellerId: string | null, now: Date, policy: DecisionPolicy): TimerDecision {
  const next: Ticket = { ...ticket, status: 'open', sellerRequestedAt: null, sellerChases: 0, sellerLastChaseAt: null };
  return {
    ...withCustomerUpdate({ ticket: next, created: false, events: [{ type: 'seller_request_dropped', sellerId: sellerId ?? '' }], outgoing: teamMail(next, next.level, 'seller-silent', policy, { sellerName: sellerId, sellerEmail: '', strikes: 0, threshold: 0, restricted: false, chases: ticket.sellerChases, from: ticket.level, removed: true }, true) }, now),
    strike: null,
  };
}
