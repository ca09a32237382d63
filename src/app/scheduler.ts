import cron, { type ScheduledTask } from 'node-cron';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Transaction } from 'sequelize';
import type { DomainEvent, OutgoingMail } from '../domain/decide.js';
import { policyOf } from '../domain/outgoing.js';
import { decideTimer, type SellerRecord, type SellerStrike } from '../domain/timerDecision.js';
import { dueTimers, nextTimers } from '../domain/timers.js';
import type { Ticket } from '../domain/ticket.js';
import { insertRows, numbered, select, updateRow } from '../store/sqlRows.js';
import { ticketFromRow, ticketToRow } from '../store/tickets.js';
import { claimDueTickets, lockSeller, postponeTimers, recordStrike, replaceTimers, ticketHistory } from '../store/timers.js';
import type { AppContext } from './context.js';
import { outgoingRows } from './outgoingRows.js';

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
    const seen = new Set<number>();
    for (;;) {
      const ids = (await claimDueTickets(db, this.worker, now, new Date(now.getTime() - LEASE_MS), config.scheduler.batch_size)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      ids.forEach((id) => seen.add(id));
      // SQLite commits a few dozen tickets together (one writer, and a commit costs more than a ticket);
      // PostgreSQL gives each ticket its own transaction so instances never hold each other's rows for long.
      const group = db.dialect === 'sqlite' ? 50 : 1;
      for (let start = 0; start < ids.length; start += group) {
        const fired = await this.fireGroup(ids.slice(start, start + group), now);
        counts.tickets += Math.min(group, ids.length - start);
        counts.fired += fired;
      }
    }
    if (counts.fired > 0) logger.info({ ...counts, now: now.toISOString() }, 'timers fired');
    return counts;
  }

  /**
   * A group that fails is retried ticket by ticket; a ticket that still fails is logged
   * with its error and its timers are put off by an hour, so one broken ticket never
   * holds up every deadline behind it.
   */
  private async fireGroup(ids: number[], now: Date): Promise<number> {
    const { db, logger } = this.ctx;
    const fireAll = (group: number[]) =>
      db.sequelize.transaction(async (transaction) => {
        let fired = 0;
        for (const id of group) fired += await this.fire(id, now, transaction);
        return fired;
      });
    try {
      return await fireAll(ids);
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

  private async fire(ticketId: number, now: Date, transaction: Transaction): Promise<number> {
    const { db, policy } = this.ctx;
    const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const [row] = await select(db, transaction, numbered(`SELECT * FROM "tickets" WHERE "id" = ?${lock}`), [ticketId]);
    if (!row) return 0;
    const original = ticketFromRow(row);
    const rules = policyOf(original, policy);
    let ticket: Ticket = original;
    const events: DomainEvent[] = [];
    const outgoing: { ticket: Ticket; mail: OutgoingMail }[] = [];
    const strikes: SellerStrike[] = [];
    let seller: SellerRecord | null = null;
    let fired = 0;
    for (let timer = dueTimers(ticket, rules, now)[0]; timer && fired < MAX_FIRES_PER_TICKET; timer = dueTimers(ticket, rules, now)[0]) {
      if (timer.kind === 'seller_strike' && ticket.sellerId) seller = await lockSeller(db, transaction, ticket.sellerId, now);
      const decision = decideTimer(ticket, timer, seller, now, policy);
      if (decision.events.length === 0) break;
      fired++;
      ticket = decision.ticket!;
      events.push(...decision.events);
      outgoing.push(...decision.outgoing.map((mail) => ({ ticket, mail })));
      if (decision.strike) {
        strikes.push(decision.strike);
        seller = { strikes: decision.strike.strikes, restricted: decision.strike.restricted };
      }
    }
    if (fired > 0) await this.write(original.id!, ticket, events, outgoing, strikes, now, transaction);
    await replaceTimers(db, transaction, [{ ticketId: original.id!, timers: nextTimers(ticket, rules) }]);
    return fired;
  }

  private async write(
    ticketId: number,
    ticket: Ticket,
    events: DomainEvent[],
    outgoing: { ticket: Ticket; mail: OutgoingMail }[],
    strikes: SellerStrike[],
    now: Date,
    transaction: Transaction,
  ): Promise<void> {
    const { db } = this.ctx;
    await updateRow(db, transaction, 'tickets', ticketId, ticketToRow(ticket));
    await insertRows(db, transaction, 'events', events.map((e) => ({ ticket_id: ticketId, type: e.type, data: JSON.stringify(e), at: now })));
    const history = outgoing.some((o) => o.mail.dossier) ? await ticketHistory(db, transaction, ticketId) : [];
    const rows = outgoing.map((o) => outgoingRows(this.ctx, o.ticket, o.mail, now, history));
    await insertRows(db, transaction, 'messages', rows.map((r) => ({ ...r.message, ticket_id: ticketId, inbound_id: null })));
    await insertRows(db, transaction, 'outbox', rows.map((r) => ({ ...r.outbox, ticket_id: ticketId })));
    for (const strike of strikes) await recordStrike(db, transaction, strike, now);
  }
}
