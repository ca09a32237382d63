import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Database } from '../store/db.js';
import { storeGauges } from '../store/gauges.js';
import { mailboxStates } from '../store/mailboxState.js';
import type { IngestResult } from './ingestResult.js';

/** What the IMAP worker is doing: watching the inbox, or waiting to reconnect after a failure. */
export type ImapState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * The daemon's metrics, in Prometheus' text format (docs/operations.md). What happens in
 * this process is counted as it happens (mails, deliveries, the wait for an
 * acknowledgement); what the database says now (tickets, outbox, timers) is read at each
 * scrape, so that every instance of a shared database reports the same state.
 * Each daemon has its own registry: tests run several in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Each mailbox's worker, by its `mailbox_state` key. */
  private readonly imapStates = new Map<string, { state: ImapState; retryAt: Date | null }>();
  private readonly startedAt: Date;

  private readonly mails = new Counter({ name: 'guichet_mails_total', help: 'Mails taken from the inbox, by outcome (processed, ignored, quarantined, duplicate).', labelNames: ['outcome'], registers: [this.registry] });
  private readonly quarantinedBy = new Counter({ name: 'guichet_mails_quarantined_total', help: 'Mails quarantined, by reason (the error code).', labelNames: ['reason'], registers: [this.registry] });
  private readonly deliveries = new Counter({ name: 'guichet_outbox_deliveries_total', help: 'Outbox delivery attempts, by result (sent, retried, failed).', labelNames: ['result'], registers: [this.registry] });
  private readonly acknowledgementDelay = new Histogram({
    name: 'guichet_acknowledgement_delay_seconds',
    help: 'From a mail taken in (its acknowledgement queued) to the acknowledgement accepted by the relay.',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly imapConnected = new Gauge({ name: 'guichet_imap_connected', help: '1 while the IMAP worker of this mailbox is connected to its inbox.', labelNames: ['mailbox'], registers: [this.registry] });
  private readonly sinceLastPoll = new Gauge({ name: 'guichet_imap_seconds_since_last_poll', help: 'Seconds since the last complete pass over the inbox (any instance).', registers: [this.registry] });
  private readonly ticketsOpen = new Gauge({ name: 'guichet_tickets_open', help: 'Tickets not closed, by level and status.', labelNames: ['level', 'status'], registers: [this.registry] });
  private readonly slaBreached = new Gauge({ name: 'guichet_tickets_sla_breached', help: 'Open tickets past their resolution target.', registers: [this.registry] });
  private readonly outboxRows = new Gauge({ name: 'guichet_outbox_rows', help: 'Outbox rows, by status (pending, sending, sent, failed).', labelNames: ['status'], registers: [this.registry] });
  private readonly oldestUnsent = new Gauge({ name: 'guichet_outbox_oldest_unsent_seconds', help: 'Age of the oldest mail not yet sent (0 when none waits).', registers: [this.registry] });
  private readonly timersDue = new Gauge({ name: 'guichet_timers_due', help: 'Timers due now, not yet fired.', registers: [this.registry] });
  private readonly timersOverdue = new Gauge({ name: 'guichet_timers_overdue', help: 'Timers due for more than five minutes: the scheduler is behind.', registers: [this.registry] });
  private readonly quarantineSize = new Gauge({ name: 'guichet_quarantine_mails', help: 'Mails in quarantine now.', registers: [this.registry] });

  constructor(now: Date) {
    this.startedAt = now;
  }

  /** A mail of the inbox, once its outcome is committed. */
  mail(result: IngestResult): void {
    this.mails.inc({ outcome: result.outcome });
    if (result.outcome === 'quarantined') this.quarantinedBy.inc({ reason: /^GUICHET_[A-Z_]+/.exec(result.reason ?? '')?.[0] ?? 'unknown' });
  }

  /** An outbox row tried: `queuedAt` is when it was queued. */
  delivery(result: 'sent' | 'retried' | 'failed', kind: string, queuedAt: Date, now: Date): void {
    this.deliveries.inc({ result });
    if (result === 'sent' && kind === 'acknowledgement') this.acknowledgementDelay.observe(Math.max(0, (now.getTime() - queuedAt.getTime()) / 1000));
  }

  imap(mailbox: string, state: ImapState, retryAt: Date | null = null): void {
    this.imapStates.set(mailbox, { state, retryAt });
  }

  /** The metrics as Prometheus reads them, with the database's state read now. */
  async text(db: Database, config: Config, now: Date): Promise<string> {
    const g = await storeGauges(db, now, new Date(now.getTime() - 5 * 60_000), config.imap.inbox);
    for (const [mailbox, { state }] of this.imapStates) this.imapConnected.set({ mailbox }, state === 'connected' ? 1 : 0);
    this.sinceLastPoll.set(g.lastPollAt ? Math.max(0, (now.getTime() - g.lastPollAt.getTime()) / 1000) : (now.getTime() - this.startedAt.getTime()) / 1000);
    this.ticketsOpen.reset();
    for (const t of g.openTickets) this.ticketsOpen.set({ level: String(t.level), status: t.status }, t.n);
    this.slaBreached.set(g.slaBreachedOpen);
    this.outboxRows.reset();
    for (const o of g.outbox) this.outboxRows.set({ status: o.status }, o.n);
    this.oldestUnsent.set(g.oldestUnsentAt ? Math.max(0, (now.getTime() - g.oldestUnsentAt.getTime()) / 1000) : 0);
    this.timersDue.set(g.timersDue);
    this.timersOverdue.set(g.timersOverdue);
    this.quarantineSize.set(g.quarantined);
    return this.registry.metrics();
  }

  /**
   * Ready to serve: the database answers, the IMAP worker is connected or waiting out its
   * back-off, and a pass over the inbox completed within `alerts.poll_stalled_minutes`
   * (counted from the start until the first one).
   */
  async readiness(db: Database, config: Config, now: Date): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let lastPollAt: Date | null = null;
    try {
      // The mailbox state rows alone: a probe called every few seconds must not count the tables.
      lastPollAt = (await mailboxStates(db)).find((m) => m.mailbox === config.imap.inbox)?.lastPollAt ?? null;
      checks.database = 'ok';
    } catch (error) {
      checks.database = `unreachable: ${(error as Error).message}`;
    }
    const states = [...this.imapStates.entries()].map(([mailbox, { state, retryAt }]) => {
      const said = state === 'reconnecting' ? `reconnecting${retryAt ? ` at ${retryAt.toISOString()}` : ''} (within its back-off)` : state;
      return { state, said: this.imapStates.size > 1 ? `${mailbox}: ${said}` : said };
    });
    checks.imap = states.length === 0 ? 'stopped' : states.map((s) => s.said).join('; ');
    const imapStopped = states.length === 0 || states.some((s) => s.state === 'stopped');
    const limitMs = config.alerts.poll_stalled_minutes * 60_000;
    const since = lastPollAt ?? this.startedAt;
    checks.poll = now.getTime() - since.getTime() <= limitMs ? 'recent' : `none for ${Math.round((now.getTime() - since.getTime()) / 60_000)} minutes (alerts.poll_stalled_minutes: ${config.alerts.poll_stalled_minutes})`;
    const ready = checks.database === 'ok' && !imapStopped && checks.poll === 'recent';
    return { ready, checks };
  }
}
