import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { OutgoingMail } from '../domain/decision.js';
import type { Ticket } from '../domain/ticket.js';
import { compose } from '../mail/compose.js';
import type { Transaction } from '../store/db.js';
import { unfinishedErasures } from '../store/erasures.js';
import { queueOutbox } from '../store/outbox.js';
import { claimPrivacyJob, erasureRequester, jobDone, jobErasure, type PrivacyJob } from '../store/privacyJobs.js';
import { numbered, select } from '../store/sqlRows.js';
import { ticketFromRow } from '../store/tickets.js';
import type { AppContext } from './context.js';
import { PeriodicPass } from './periodicPass.js';
import { customerErase, finishErasure } from './customerErase.js';
import { customerExport } from './customerExport.js';

/** How often the daemon looks for work; a request by mail is done within this. */
const EVERY_MS = 30_000;
/** A claim older than this is taken over: its instance died on the job. */
const LEASE_MS = 30 * 60_000;
/** Room for a mail's headers and text around its attachment. */
const MAIL_OVERHEAD_BYTES = 64 * 1024;

/** Outbox kinds whose rows (and files) go once sent: they name a person whose data is, or is about to be, gone. */
export const FORGET_AFTER_SENDING = new Set(['personal-data-export', 'erasure-done']);

/**
 * Does what admins asked by mail (docs/personal-data.md, "By mail"): `#export` sends
 * the customer their archive, in parts when it is larger than the relay takes; a
 * confirmed `#erase` erases the customer with their figures kept, and queues the last
 * notice in the same transaction as the erasure. Each job runs after the mail that
 * asked for it has committed; a crash leaves it claimed, and it runs again after the
 * lease, every step being safe to repeat.
 */
export class PrivacyJobs {
  private readonly periodic = new PeriodicPass(
    EVERY_MS,
    () => this.pass(),
    (error) => this.ctx.logger.error({ err: error }, 'personal-data request failed; trying again'),
  );
  private readonly worker = `privacy-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly ctx: AppContext,
    private readonly clock: () => Date,
  ) {}

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Runs every job due; returns how many. */
  check(): Promise<number> {
    return this.periodic.run();
  }

  private async pass(): Promise<number> {
    const { db, config } = this.ctx;
    // Erasures whose database part committed before a crash: finished without their address.
    for (const erasure of await unfinishedErasures(db)) {
      if (erasure.stage === 'database') await finishErasure(config, db, erasure.id, erasure.files, this.clock());
    }
    let done = 0;
    for (;;) {
      const now = this.clock();
      const job = await claimPrivacyJob(db, this.worker, now, new Date(now.getTime() - LEASE_MS));
      if (!job) return done;
      const outcome = job.action === 'export' ? await this.export(job) : await this.erase(job);
      await jobDone(db, job.id, outcome, this.clock());
      this.ctx.outboxBell.ring();
      this.ctx.logger.info({ job: job.id, action: job.action, outcome }, 'personal-data request done');
      done++;
    }
  }

  private async ticket(id: number): Promise<(Ticket & { erased: boolean }) | null> {
    const [row] = await select<Record<string, unknown>>(this.ctx.db, undefined, numbered('SELECT * FROM "tickets" WHERE "id" = ?'), [id]);
    return row ? { ...ticketFromRow(row), erased: row.erased_at !== null && row.erased_at !== undefined } : null;
  }

  /** The archive, to the ticket's own address (never a Reply-To): in one mail, or in parts the customer joins. */
  private async export(job: PrivacyJob): Promise<string> {
    const { config, db, logger, renderer, attachmentsDir } = this.ctx;
    const ticket = await this.ticket(job.ticketId);
    if (!ticket || ticket.erased) return 'not sent: the ticket was erased';
    const now = this.clock();
    const folder = path.join(config.paths.data, 'exports');
    await mkdir(folder, { recursive: true });
    const name = `${ticket.locale === 'en' ? 'data' : 'donnees'}-${ticket.reference}.zip`;
    const archive = path.join(folder, `${job.id}-${name}`);
    const report = await customerExport(config, db, logger, ticket.customerEmail, archive, `mail:${job.requestedBy}`, now);
    const budget = Math.floor(((config.smtp.max_message_bytes - MAIL_OVERHEAD_BYTES) * 3) / 4);
    const parts = await splitFile(archive, (await stat(archive)).size, budget);
    const rows = parts.map((part, i) => {
      const mail: OutgoingMail = {
        template: 'personal-data-export',
        to: { address: ticket.customerEmail, name: ticket.customerName },
        locale: ticket.locale,
        automatic: false,
        inReplyTo: ticket.customerThread.at(-1) ?? null,
        references: ticket.customerThread.slice(-10),
        variables: { file: name, part: i + 1, parts: parts.length, inParts: parts.length > 1 },
      };
      const composed = compose(config, renderer, ticket, mail, attachmentsDir);
      const filename = parts.length > 1 ? `${name}.${String(i + 1).padStart(3, '0')}` : name;
      const withFile = { ...composed, attachments: [{ filename, contentType: 'application/zip', path: part }] };
      return { ticket_id: ticket.id, message_id: composed.messageId, kind: 'personal-data-export', recipient: ticket.customerEmail, mail: JSON.stringify(withFile), status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
    });
    await queueOutbox(db, rows);
    return `sent in ${parts.length} mail(s): ${report.counts.tickets} ticket(s), ${report.counts.messages} message(s), ${report.counts.bytes} bytes`;
  }

  /** The customer confirmed: erased with the figures kept, and the last notice queued with the erasure itself. */
  private async erase(job: PrivacyJob): Promise<string> {
    const { config, db, logger, renderer, attachmentsDir } = this.ctx;
    const now = this.clock();
    if (job.erasureId !== null) {
      const erasure = (await unfinishedErasures(db)).find((e) => e.id === job.erasureId);
      if (!erasure) return 'erased';
    }
    const ticket = await this.ticket(job.ticketId);
    if (!ticket || ticket.erased) return 'erased';
    const admin = job.requestedBy === 'customer-confirmation' ? await erasureRequester(db, job.ticketId) : job.requestedBy;
    const notice = (transaction: Transaction) => {
      const mail: OutgoingMail = { template: 'erasure-done', to: { address: ticket.customerEmail, name: null }, locale: ticket.locale, automatic: true, inReplyTo: null, references: [], variables: {} };
      // The reference alone of the ticket (a reply opens a new request, the old one being
      // gone): no name, subject or order reaches the template, whatever an admin writes in it.
      const composed = compose(config, renderer, { ...ticket, customerName: null, subject: '', orderNumber: null }, mail, attachmentsDir);
      const row = { ticket_id: null, message_id: composed.messageId, kind: 'erasure-done', recipient: ticket.customerEmail, mail: JSON.stringify(composed), status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
      return queueOutbox(db, [row], transaction);
    };
    const report = await customerErase(config, db, logger, ticket.customerEmail, {
      dryRun: false,
      keepStatistics: true,
      force: true,
      actor: `mail:${admin ?? 'unknown admin'}, confirmed by the customer`,
      now,
      onStarted: (erasureId) => jobErasure(db, job.id, erasureId),
      withinTransaction: notice,
    });
    return `erased: ${Object.entries(report.counts).map(([k, n]) => `${n} ${k}`).join(', ')}`;
  }
}

/**
 * The archive as it is, or cut into numbered parts of at most `budget` bytes each
 * (joined with `cat` or `copy /b`), written beside it one after another: never more
 * than a stream's buffer in memory.
 */
async function splitFile(file: string, size: number, budget: number): Promise<string[]> {
  if (size <= budget) return [file];
  const parts: string[] = [];
  for (let start = 0, n = 1; start < size; start += budget, n++) {
    const part = `${file}.${String(n).padStart(3, '0')}`;
    await pipeline(createReadStream(file, { start, end: Math.min(size, start + budget) - 1 }), createWriteStream(part));
    parts.push(part);
  }
  await rm(file, { force: true });
  return parts;
}
