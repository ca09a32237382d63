import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import cron, { type ScheduledTask } from 'node-cron';
import type { OutgoingMail } from '../domain/decision.js';
import { saveContentAddressed, attachmentPath } from '../mail/attachmentStore.js';
import { compose } from '../mail/compose.js';
import { inTransaction } from '../store/db.js';
import { queueOutbox } from '../store/outbox.js';
import { claimReportRun, finishReportRun, lastReportRun, startReportRuns } from '../store/reportRuns.js';
import type { AppContext } from './context.js';
import { buildReport } from './report.js';
import { PeriodicPass } from './periodicPass.js';

/** How often the daemon looks whether the report is due; the schedule is in minutes. */
const EVERY_MS = 60_000;
/** A claim older than this is taken over: its instance died while building. */
const LEASE_MS = 15 * 60_000;
/** A run missed by more than this (the daemon was down) is not sent late. */
const LOOK_BACK_DAYS = 32;
/** Charts are drawn this wide (CSS pixels) in the mail. */
const CHART_WIDTH = 560;

/**
 * The scheduled report mail (`report:` in the config): at each run of its schedule,
 * the figures of the days before, from the admins' template `report.hbs`, with the
 * charts as inline PNG images, through the outbox like every mail. A run is sent once
 * whatever the number of instances (the claim in store/reportRuns.ts); a run missed
 * while the daemon was down goes at the next start if it is less than a month old; runs
 * before the schedule was first seen are not sent.
 */
export class ReportMail {
  private readonly periodic = new PeriodicPass(
    EVERY_MS,
    () => this.checkNow(),
    (error) => this.ctx.logger.error({ err: error }, 'cannot send the scheduled report; trying again in a minute'),
  );
  private readonly task: ScheduledTask | null;

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: () => Date,
  ) {
    const schedule = ctx.config.report?.schedule;
    this.task = schedule ? cron.createTask(schedule, () => undefined, { timezone: ctx.config.support.timezone }) : null;
  }

  start(): void {
    if (this.task) this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Sends the report if a run of its schedule is due and not sent; true if it queued one. */
  check(): Promise<boolean> {
    return this.periodic.run();
  }

  private async checkNow(): Promise<boolean> {
    const { db, config, logger } = this.ctx;
    if (!this.task || !config.report) return false;
    const now = this.clock();
    const done = await lastReportRun(db);
    if (done === null) {
      await inTransaction(db, (transaction) => startReportRuns(db, transaction, now));
      return false;
    }
    const due = this.latestRun(now, done);
    if (due === null) return false;
    if (!(await inTransaction(db, (transaction) => claimReportRun(db, transaction, due, now, LEASE_MS)))) return false;
    const mails = await this.compose(due, now);
    await inTransaction(db, async (transaction) => {
      await queueOutbox(db, mails, transaction);
      await finishReportRun(db, transaction, due);
    });
    this.ctx.outboxBell.ring();
    logger.info({ run: due.toISOString(), to: config.report.to.length }, 'scheduled report queued');
    return true;
  }

  /**
   * The latest run of the schedule at or before `now` and after `done`. Candidates are
   * the schedule's hours and minutes on each local day looking back; node-cron says
   * which of them match its day fields.
   */
  private latestRun(now: Date, done: Date): Date | null {
    const zone = this.ctx.config.support.timezone;
    const fields = cron.parse(this.ctx.config.report!.schedule);
    const floor = Math.max(done.getTime(), now.getTime() - LOOK_BACK_DAYS * 86_400_000);
    let day = DateTime.fromJSDate(now, { zone }).startOf('day');
    for (let n = 0; n <= LOOK_BACK_DAYS; n++, day = day.minus({ days: 1 })) {
      const times = fields.hour.flatMap((hour) => fields.minute.map((minute) => day.set({ hour, minute }).toJSDate())).sort((a, b) => b.getTime() - a.getTime());
      for (const at of times) {
        if (at.getTime() > now.getTime() || at.getTime() <= floor) continue;
        if (this.task!.match(at)) return at;
      }
      if (day.toMillis() <= floor) return null;
    }
    return null;
  }

  /** The outbox rows of the report for the run at `due`, about the days before it: one mail per recipient. */
  private async compose(due: Date, now: Date): Promise<Record<string, unknown>[]> {
    const { config, renderer, attachmentsDir } = this.ctx;
    const settings = config.report!;
    const locale = settings.locale ?? config.support.locale;
    const today = DateTime.fromJSDate(due, { zone: config.support.timezone }).startOf('day');
    const request = { from: today.minus({ days: settings.days }).toISODate()!, to: today.minus({ days: 1 }).toISODate()!, by: 'day' as const, policy: settings.policy ?? null };
    const report = await buildReport(this.ctx.db, config, request, due);
    const { reportCharts } = await import('../report/charts.js');
    const { svgToPng } = await import('../report/png.js');
    const charts = await reportCharts(report, locale);
    const images: { name: string; cid: string; path: string }[] = [];
    for (const chart of charts) {
      const png = svgToPng(chart.svg, CHART_WIDTH);
      const saved = await saveContentAddressed(attachmentsDir, Readable.from(png), png.length);
      images.push({ name: chart.name, cid: `${chart.name}.${saved.sha256.slice(0, 12)}@guichet`, path: attachmentPath(attachmentsDir, saved.sha256) });
    }
    const variables = { report, charts: Object.fromEntries(images.map((i) => [i.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), `cid:${i.cid}`])) };
    return settings.to.map((address) => {
      const outgoing: OutgoingMail = { template: 'report', to: { address, name: null }, locale, automatic: true, inReplyTo: null, references: [], variables };
      const composed = compose(config, renderer, null, outgoing, attachmentsDir);
      const mail = { ...composed, attachments: images.map((i) => ({ filename: `${i.name}.png`, contentType: 'image/png', path: i.path, cid: i.cid })) };
      return { message_id: composed.messageId, kind: 'report', recipient: address, mail: JSON.stringify(mail), status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
    });
  }
}
