import cron, { type ScheduledTask } from 'node-cron';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DomainEvent, OutgoingMail } from '../domain/decision.js';
import { policyOf } from '../domain/outgoing.js';
import { decideTimer, type SellerRecord, type SellerStrike } from '../domain/timerDecision.js';
import { dueTimers, nextTimers } from '../domain/timers.js';
import type { Ticket } from '../domain/ticket.js';
import { inTransaction, type Transaction } from '../store/db.js';
import { eventRow, noRows, writeDecisions } from '../store/decisionWriter.js';
import { lockTickets, openTicketsWithoutTimers } from '../store/tickets.js';
import { claimDueTickets, postponeTimers, replaceTimers } from '../store/timers.js';
import { lockSellers } from '../store/sellers.js';
import type { AppContext } from './context.js';
import { queueOutgoing } from './outgoingRows.js';

/** A claim older than this belongs to an instance that died; its timers are taken again. */
const LEASE_MS = 5 * 60_000;
/** Timers one ticket may fire in one pass (e.g. level 2 then level 3 after a long stop); a guard against a loop. */
const MAX_FIRES_PER_TICKET = 12;
/** A ticket whose timers fail is tried again this much later. */
const RETRY_MS = 60 * 60_000;

export interface TimerCounts {
  tickets: number;
  fired: number;
}

/**
 * Fires due timers. node-cron only wakes it (every minute by default); the database
 * says what is due and, on PostgreSQL, which instance takes it. Each ticket is
 * handled in its own transaction: read it again (locked), fire whatever is due on
 * its current state through the pure domain, write the ticket, events, mails and
 * its next timers together.
 */
export class Scheduler {
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private task: ScheduledTask | null = null;
  private running: Promise<TimerCounts> | null = null;
  private healed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: () => Date,
  ) {}

  start(): void {
    if (this.task) return;
    this.task = cron.schedule(this.ctx.config.scheduler.cron, () => void this.tick(), { timezone: this.ctx.config.support.timezone });
    void this.tick();
  }

  /** Safe to call twice; waits for the pass in flight. */
  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = null;
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    try {
      await this.runDue();
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'timer pass failed; the next tick tries again');
    }
  }

  /** Fires everything due now, pass after pass until nothing is due (what `start --once` calls). */
  runDue(): Promise<TimerCounts> {
    if (this.running) return this.running;
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<TimerCounts> {
    const counts: TimerCounts = { tickets: 0, fired: 0 };
    const { db, config, logger } = this.ctx;
    const now = this.clock();
    if (!this.healed) {
      await this.heal();
      this.healed = true;
    }
    const seen = new Set<number>();
    for (;;) {
      const ids = (await claimDueTickets(db, this.worker, now, new Date(now.getTime() - LEASE_MS), config.scheduler.batch_size)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      ids.forEach((id) => seen.add(id));
      // Tickets commit a few dozen at a time: a commit costs more than a ticket. On PostgreSQL
      // the rows stay locked only for that group's short transaction, taken in id order, so
      // schedulers never wait on each other in a circle.
      const group = db.shared ? 25 : 50;
      for (let start = 0; start < ids.length; start += group) {
        const fired = await this.fireGroup(ids.slice(start, start + group), now);
        if (fired > 0) this.ctx.outboxBell.ring();
        counts.tickets += Math.min(group, ids.length - start);
        counts.fired += fired;
      }
    }
    if (counts.fired > 0) logger.info({ ...counts, now: now.toISOString() }, 'timers fired');
    return counts;
  }

  /**
   * Once per process: tickets that are not closed but have no timer (opened before
   * timers existed, or by hand in the database) get theirs, so none stays silent.
   */
  private async heal(): Promise<void> {
    const { db, logger, policy } = this.ctx;
    const tickets = await openTicketsWithoutTimers(db);
    for (let start = 0; start < tickets.length; start += 500) {
      const entries = tickets.slice(start, start + 500).map((t) => ({ ticketId: t.id!, timers: nextTimers(t, policyOf(t, policy)) }));
      await inTransaction(db, (transaction) => replaceTimers(db, transaction, entries));
    }
    if (tickets.length > 0) logger.info({ tickets: tickets.length }, 'timers set on open tickets that had none');
  }

  /**
   * One transaction for a group of tickets: read them (locked on PostgreSQL), fire what
   * is due on each, then one statement per table. A group that fails is retried ticket
   * by ticket; a ticket that still fails is logged with its error and its timers are
   * put off by an hour, so one broken ticket never holds up every deadline behind it.
   */
  private async fireGroup(ids: number[], now: Date): Promise<number> {
    const { db, logger } = this.ctx;
    try {
      return await inTransaction(db, (transaction) => this.fire(ids, now, transaction));
    } catch (error) {
      if (ids.length === 1) {
        logger.error({ err: error, ticketId: ids[0] }, 'a timer failed; it is put off by an hour');
        await postponeTimers(db, ids[0]!, new Date(now.getTime() + RETRY_MS));
        return 0;
      }
      let fired = 0;
      for (const id of ids) fired += await this.fireGroup([id], now);
      return fired;
    }
  }

  private async fire(ids: number[], now: Date, transaction: Transaction): Promise<number> {
    const { db } = this.ctx;
    const tickets = await lockTickets(db, transaction, ids);
    // The sellers a timer may strike (only a ticket waiting for its seller strikes), read and
    // locked before any decision, as the inbound path reads its lookups first.
    const sellers = await lockSellers(db, transaction, tickets.flatMap((t) => (t.status === 'waiting_seller' && t.sellerId ? [t.sellerId] : [])), now);
    const rows = noRows();
    const outgoing: { ticket: Ticket; mail: OutgoingMail }[] = [];
    let fired = 0;
    for (const original of tickets) {
      const outcome = this.fireOne(original, now, sellers);
      if (outcome.fired > 0) {
        fired += outcome.fired;
        rows.tickets.push(outcome.ticket);
        rows.events.push(...outcome.events.map((e) => eventRow(original.reference, e, now)));
        outgoing.push(...outcome.outgoing);
        rows.strikes.push(...outcome.strikes);
      }
      rows.timers.push({ ticket: outcome.ticket, timers: nextTimers(outcome.ticket, policyOf(outcome.ticket, this.ctx.policy)) });
    }
    await queueOutgoing(this.ctx, transaction, rows, outgoing, now);
    await writeDecisions(db, transaction, rows, now);
    return fired;
  }

  /** Fires, one after another, whatever is due on this ticket now; each decision sees the ticket the previous one left. */
  private fireOne(original: Ticket, now: Date, sellers: Map<string, SellerRecord>) {
    const { policy } = this.ctx;
    const rules = policyOf(original, policy);
    let ticket = original;
    const events: DomainEvent[] = [];
    const outgoing: { ticket: Ticket; mail: OutgoingMail }[] = [];
    const strikes: SellerStrike[] = [];
    let fired = 0;
    for (let timer = dueTimers(ticket, rules, now)[0]; timer && fired < MAX_FIRES_PER_TICKET; timer = dueTimers(ticket, rules, now)[0]) {
      const sellerId = ticket.sellerId;
      const decision = decideTimer(ticket, timer, sellerId ? (sellers.get(sellerId) ?? null) : null, now, policy);
      if (decision.events.length === 0) break;
      fired++;
      ticket = decision.ticket!;
      events.push(...decision.events);
      outgoing.push(...decision.outgoing.map((mail) => ({ ticket, mail })));
      if (decision.strike) {
        strikes.push(decision.strike);
        sellers.set(decision.strike.sellerId, { strikes: decision.strike.strikes, restricted: decision.strike.restricted });
      }
    }
    return { ticket, events, outgoing, strikes, fired };
  }
}
