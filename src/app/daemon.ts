import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { VERSION } from '../version.js';
import { openStore } from '../store/openStore.js';
import { listenForOutbox, type OutboxListener } from '../store/outboxNotices.js';
import { createContext, type AppContext, type ContextOptions } from './context.js';
import { MailboxWorker, type DrainCounts } from './mailboxWorker.js';
import { createTransport, OutboxSender, type DeliveryCounts } from './outboxSender.js';
import { Scheduler, type TimerCounts } from './scheduler.js';
import { watchTemplates } from './templateAlerts.js';
import { TroubleWatch } from './troubleWatch.js';
import { ReportMail } from './reportMail.js';
import { Retention, type RetentionCounts } from './retention.js';
import { PrivacyJobs } from './privacyJobs.js';
import type { Server } from 'node:http';
import { startHealthServer } from './healthServer.js';

export interface OnceReport {
  inbox: DrainCounts;
  timers: TimerCounts;
  outbox: DeliveryCounts;
  retention: RetentionCounts;
  /** Personal-data requests by mail done (#export, confirmed #erase). */
  privacy: number;
}

/** Opens the database and brings its schema up to date: every command that touches data starts here. */
/**
 * The daemon: the mailbox worker, the timer scheduler, the outbox sender and the trouble watch, each with start/stop.
 * `clock` is read by the parts at the top of each unit of work; `--now` replaces it.
 */
export class Daemon {
  /** The support mailbox's worker first, then one for each of `mailboxes`. */
  private readonly workers: MailboxWorker[];
  readonly sender: OutboxSender;
  readonly scheduler: Scheduler;
  readonly trouble: TroubleWatch;
  readonly reportMail: ReportMail;
  readonly retention: Retention;
  readonly privacy: PrivacyJobs;
  private readonly transport;
  private listener: OutboxListener | null = null;
  private health: Server | null = null;

  private constructor(
    readonly ctx: AppContext,
    private readonly clock: () => Date,
  ) {
    this.transport = createTransport(ctx.config.smtp);
    this.workers = [new MailboxWorker(ctx, clock), ...ctx.config.mailboxes.map((m) => new MailboxWorker(ctx, clock, m.imap, m.address))];
    this.sender = new OutboxSender(ctx, this.transport, clock);
    this.scheduler = new Scheduler(ctx, clock);
    this.trouble = new TroubleWatch(ctx, clock);
    this.reportMail = new ReportMail(ctx, clock);
    this.retention = new Retention(ctx, clock);
    this.privacy = new PrivacyJobs(ctx, clock);
  }

  static async open(config: Config, logger: Logger, clock: () => Date, options: ContextOptions = {}): Promise<Daemon> {
    const db = await openStore(config, logger);
    const ctx = createContext(config, db, logger, options);
    // The parsing threads start with the first backlog (everyday mail is parsed on this
    // thread) and stop when idle: each holds its own heap, most of a quiet daemon's memory.
    watchTemplates(ctx, clock);
    return new Daemon(ctx, clock);
  }

  async start(): Promise<void> {
    // First, so that a port already taken stops the start before any mail is touched.
    if (this.ctx.config.metrics) this.health ??= await startHealthServer(this.ctx, this.ctx.config.metrics.listen, this.clock);
    for (const worker of this.workers) worker.start();
    this.scheduler.start();
    this.sender.start();
    this.trouble.start();
    this.reportMail.start();
    this.retention.start();
    this.privacy.start();
    // Several instances: a mail queued by any of them wakes every sender.
    if (this.ctx.db.shared) this.listener ??= listenForOutbox(this.ctx.db, () => this.ctx.outboxBell.ring(), this.ctx.logger);
    this.ctx.logger.info({ version: VERSION, support: this.ctx.config.support.address }, 'guichet started');
  }

  /** Processes what is in the inbox, fires due timers, delivers the outbox, and returns what it did. */
  async runOnce(): Promise<OnceReport> {
    const inbox: DrainCounts = { seen: 0, processed: 0, ignored: 0, quarantined: 0, duplicates: 0 };
    for (const worker of this.workers) {
      const counts = await worker.runOnce();
      for (const key of Object.keys(inbox) as (keyof DrainCounts)[]) inbox[key] += counts[key];
    }
    const timers = await this.scheduler.runDue();
    await this.trouble.check();
    await this.reportMail.check();
    const retention = await this.retention.check();
    const privacy = await this.privacy.check();
    const outbox = await this.sender.deliverDue();
    return { inbox, timers, outbox, retention, privacy };
  }

  /** Safe to call twice; waits for the mail in flight. */
  async stop(): Promise<void> {
    await new Promise((resolve) => (this.health ? this.health.close(resolve) : resolve(undefined)));
    this.health = null;
    for (const worker of this.workers) await worker.stop();
    await this.scheduler.stop();
    await this.trouble.stop();
    await this.reportMail.stop();
    await this.retention.stop();
    await this.privacy.stop();
    await this.listener?.close();
    this.listener = null;
    await this.sender.stop();
    this.transport.close();
    await this.ctx.parsers.close();
    await this.ctx.db.close();
  }
}
