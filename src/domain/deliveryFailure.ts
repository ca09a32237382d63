import { normaliseAddress } from './address.js';
import type { Decision, DecisionPolicy, DeliveryFailure, DomainEvent, TemplateName } from './decision.js';
import { teamMail } from './outgoing.js';
import type { DeliveryReport } from './inbound.js';
import type { Ticket } from './ticket.js';
import type { DeliveryAction, Undeliverable } from './vocabulary.js';

export type { DeliveryFailure } from './decision.js';

/**
 * A 5.x.x status is permanent (RFC 3463); so is a plain 5xx reply with no enhanced
 * code. A failed action with a 4.x.x status means the relay gave up after retrying:
 * not delivered, but the address may well work tomorrow.
 */
export function isPermanent(action: DeliveryAction, status: string | null, diagnostic: string | null): boolean {
  if (action !== 'failed') return false;
  if (status !== null) return status.startsWith('5');
  return /(?:^|[;\s])5\d\d\b/.test(diagnostic ?? '');
}

/** The customer's own address failed for good: nothing automatic goes to it until they write again. */
export function customerUnreachable(ticket: Ticket): boolean {
  return ticket.undeliverable[ticket.customerEmail] === 'permanent';
}

/**
 * Mails of ours did not arrive. Every failure is recorded on the ticket (its
 * `tickets show` says "not delivered"); the team is told once per address and
 * level of failure, so a dead address that bounces every update tells them once;
 * a permanent failure marks the address so that automatic mail stops going to it
 * (loopBudget.ts withholds it) and the ticket does not close itself on a customer
 * who never heard from us. Delays and complaints are recorded, and a complaint
 * is told, as it says our mail was unwanted.
 */
export function decideDeliveryFailures(ticket: Ticket, failures: readonly DeliveryFailure[], now: Date, policy: DecisionPolicy): Decision {
  const events: DomainEvent[] = failures.map((f) => ({ type: 'delivery_failed', ...f }));
  const undeliverable: Record<string, Undeliverable> = { ...ticket.undeliverable };
  const news: DeliveryFailure[] = [];
  for (const failure of failures) {
    const address = normaliseAddress(failure.to);
    const before = undeliverable[address];
    if (failure.action === 'delayed') continue;
    if (failure.action === 'complaint') {
      news.push(failure);
      continue;
    }
    const level: Undeliverable = failure.permanent ? 'permanent' : 'temporary';
    if (before === 'permanent' || before === level) continue;
    undeliverable[address] = level;
    news.push(failure);
  }
  const next: Ticket = { ...ticket, undeliverable, updatedAt: news.length > 0 ? now : ticket.updatedAt };
  const outgoing =
    news.length === 0
      ? []
      : teamMail(next, next.level, 'delivery-failure', policy, {
          // `code`, not `status`: in a template `status` is the helper that names a ticket's status.
          failures: news.map((f) => ({ mail: f.template, to: f.to, customer: normaliseAddress(f.to) === ticket.customerEmail, action: f.action, permanent: f.permanent, code: f.status, diagnostic: f.diagnostic })),
          customerUnreachable: customerUnreachable(next),
        });
  return { ticket: next, created: false, events, outgoing };
}

/** A mail of ours a report may be about, as the store has it. */
export interface SentMail {
  messageId: string;
  to: string;
  template: TemplateName | null;
}

/**
 * The failures a report tells of, for the mails of ours it names. Each mail guichet
 * sends has one recipient, so a report's recipient line is about that recipient even
 * when the remote server names the address it forwarded to instead.
 */
export function failuresFromReport(report: DeliveryReport, sent: readonly SentMail[]): DeliveryFailure[] {
  return sent.flatMap((mail) =>
    report.recipients.map((r) => {
      const forwardedTo = r.address !== null && r.address !== normaliseAddress(mail.to) ? `${r.address}: ` : '';
      const diagnostic = r.diagnostic === null ? (forwardedTo ? forwardedTo.slice(0, -2) : null) : `${forwardedTo}${r.diagnostic}`;
      return { messageId: mail.messageId, to: mail.to, template: mail.template, action: r.action, permanent: isPermanent(r.action, r.status, r.diagnostic), status: r.status, diagnostic, via: 'report' as const };
    }),
  );
}

/** The customer wrote from their address: it works again, whatever bounced before. */
export function reachableAgain(ticket: Ticket, from: string): Ticket {
  const address = normaliseAddress(from);
  if (!(address in ticket.undeliverable)) return ticket;
  const { [address]: _gone, ...rest } = ticket.undeliverable;
  return { ...ticket, undeliverable: rest };
}
