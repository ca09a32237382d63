import { decideDeliveryFailures, type DeliveryFailure } from '../domain/deliveryFailure.js';
import type { TemplateName } from '../domain/decision.js';
import { NOTHING_SENT, withinBudget } from '../domain/loopBudget.js';
import { policyOf } from '../domain/outgoing.js';
import { nextTimers } from '../domain/timers.js';
import { inTransaction } from '../store/db.js';
import { eventRow, noRows, writeDecisions } from '../store/decisionWriter.js';
import { markFailed, type OutboxRow } from '../store/outbox.js';
import { lockTickets } from '../store/tickets.js';
import type { AppContext } from './context.js';
import { queueOutgoing } from './outgoingRows.js';

/**
 * Our relay refused a mail for good (a 5xx at send time): the row is marked failed
 * and, for a ticket's mail, the ticket learns it as it would from a bounce, in the
 * same transaction: the failure on its history, the team told, a dead customer
 * address marked (domain/deliveryFailure.ts).
 */
export async function recordSendFailure(ctx: AppContext, row: OutboxRow, worker: string, attempts: number, failure: Omit<DeliveryFailure, 'messageId' | 'to' | 'template' | 'via'>, why: string, now: Date): Promise<void> {
  const { db, policy } = ctx;
  await inTransaction(db, async (transaction) => {
    await markFailed(db, row.id, worker, attempts, why, now, transaction);
    if (row.ticket_id === null) return;
    const [ticket] = await lockTickets(db, transaction, [row.ticket_id]);
    if (!ticket) return;
    const failed: DeliveryFailure = { ...failure, messageId: row.message_id, to: row.recipient, template: row.kind as TemplateName, via: 'smtp' };
    const decided = decideDeliveryFailures(ticket, [failed], now, policy);
    const decision = withinBudget(decided, NOTHING_SENT, false, now, policy);
    const after = decision.ticket!;
    const rows = {
      ...noRows(),
      tickets: [after],
      named: [after],
      timers: [{ ticket: after, timers: nextTimers(after, policyOf(after, policy)) }],
      events: decision.events.map((e) => eventRow(after.reference, e, now)),
    };
    await queueOutgoing(ctx, transaction, rows, decision.outgoing.map((mail) => ({ ticket: after, mail })), now);
    await writeDecisions(db, transaction, rows, now);
  });
  if (row.ticket_id !== null) ctx.outboxBell.ring();
}
