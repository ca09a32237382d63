import { judgeTrouble, type AlertRules, type TroubleJudgement } from '../domain/trouble.js';
import type { Config } from '../config/schema.js';
import type { OutgoingMail } from '../domain/decision.js';
import { inTransaction } from '../store/db.js';
import { lockAlertStates, saveAlertStates, troubleSnapshot } from '../store/alerts.js';
import { queueOutbox } from '../store/outbox.js';
import type { AppContext } from './context.js';
import { outgoingRows } from './outgoingRows.js';
import { spamDigest } from './spamDigest.js';
import { PeriodicPass } from './periodicPass.js';

/** How often the daemon looks for trouble: alerts are about minutes, not seconds. */
const EVERY_MS = 60_000;

/**
 * Tells the admins of guichet's own trouble (domain/trouble.ts), by mail through the
 * outbox, once per kind and at a bounded rate; and the team its daily spam count. The
 * states are locked while judged, so that of several instances only one tells. A stuck
 * outbox cannot carry its own alert; `guichet status` shows the same trouble from the
 * same judgement.
 */
export class TroubleWatch {
  private readonly periodic = new PeriodicPass(
    EVERY_MS,
    () => this.checkNow(),
    (error) => this.ctx.logger.error({ err: error }, 'cannot check for trouble; trying again in a minute'),
  );

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: () => Date,
    private readonly watchingSince: Date = clock(),
  ) {}

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One look: what is wrong now, and the alerts it queued. */
  check(): Promise<TroubleJudgement & { queued: number }> {
    return this.periodic.run();
  }

  private async checkNow(): Promise<TroubleJudgement & { queued: number }> {
    const { db, config, logger } = this.ctx;
    const now = this.clock();
    const judgement = await inTransaction(db, async (transaction) => {
      const states = await lockAlertStates(db, transaction);
      const snapshot = await troubleSnapshot(db, transaction, states, config.imap.inbox);
      const judged = judgeTrouble(snapshot, states, alertRules(config, this.watchingSince), now);
      await saveAlertStates(db, transaction, judged.states);
      const mails = [
        ...judged.alerts.flatMap((alert) => config.admins.map((admin) => adminMail(this.ctx, admin, alert.kind, alert.facts))),
        ...(await spamDigest(this.ctx, transaction, now)),
      ];
      await queueOutbox(db, mails.map((mail) => outgoingRows(this.ctx, null, mail, now).outbox), transaction);
      return { ...judged, queued: mails.length };
    });
    const told = config.admins.length > 0 ? 'admins alerted' : 'trouble found, and no admins: to be told by mail, list them under admins';
    for (const alert of judgement.alerts) logger.warn({ kind: alert.kind, admins: config.admins.length }, told);
    if (judgement.queued > 0) this.ctx.outboxBell.ring();
    return judgement;
  }
}

/** The `alerts` keys of the configuration as the judgement reads them. */
export function alertRules(config: Config, watchingSince: Date): AlertRules {
  const { alerts } = config;
  return { pollStalledMs: alerts.poll_stalled_minutes * 60_000, outboxStuckMs: alerts.outbox_stuck_minutes * 60_000, minIntervalMs: alerts.every_minutes * 60_000, watchingSince };
}

function adminMail(ctx: AppContext, admin: string, kind: string, facts: Record<string, unknown>): OutgoingMail {
  return { template: 'admin-alert', to: { address: admin, name: null }, locale: ctx.config.support.locale, automatic: true, inReplyTo: null, references: [], variables: { kind, ...facts } };
}
