import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ImapSettings } from '../config/schema.js';
import { retentionCutoff, type RetentionPeriod } from '../domain/retention.js';
import { connectImap } from '../mail/imapSource.js';
import { recordAudit } from '../store/auditLog.js';
import { compactAfterErasure } from '../store/compaction.js';
import { inTransaction, type Transaction } from '../store/db.js';
import { dropQuarantined, dropRawMails, eraseOldTickets, receivedBefore, type RetentionBatch } from '../store/retention.js';
import { withTimeout } from './backoff.js';
import type { AppContext } from './context.js';
import { PeriodicPass } from './periodicPass.js';

/** What one retention pass did; `guichet start --once` prints it. */
export interface RetentionCounts {
  quarantined: number;
  raw_mails: number;
  tickets: number;
  imap_mails: number;
}

/** How often the daemon applies the retention rules. */
const EVERY_MS = 60 * 60_000;
/** Batches of each kind per pass: a large backlog (the first pass on an old database) is worked through over several passes. */
const MAX_BATCHES = 20;

/**
 * Applies `retention` (docs/personal-data.md, "Retention"): mails in quarantine, the
 * bytes of received mails, and whole tickets, past their periods. Each batch is its own
 * short transaction, so that the daemon's mail never waits long behind it; the IMAP
 * folders lose the same mails by their arrival date. Every pass that removed anything
 * is written to the audit log.
 */
export class Retention {
  private readonly periodic = new PeriodicPass(
    EVERY_MS,
    () => this.pass(),
    (error) => this.ctx.logger.error({ err: error }, 'retention pass failed; trying again in an hour'),
  );

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

  check(): Promise<RetentionCounts> {
    return this.periodic.run();
  }

  private async pass(): Promise<RetentionCounts> {
    const { db, config, logger } = this.ctx;
    const { retention } = config;
    const now = this.clock();
    const cutoff = (period: RetentionPeriod | null) => (period ? retentionCutoff(period, now, config.support.timezone) : null);
    const token = () => randomBytes(6).toString('hex');
    // The folders hold only mails the ledger recorded: when it has none that old, neither do they (no IMAP session for nothing).
    const processedBefore = cutoff(retention.raw_mail);
    const quarantineBefore = cutoff(retention.quarantine);
    const folders = {
      processed: processedBefore && (await receivedBefore(db, processedBefore, 'processed')) ? processedBefore : null,
      quarantine: quarantineBefore && (await receivedBefore(db, quarantineBefore, 'quarantined')) ? quarantineBefore : null,
    };
    const counts: RetentionCounts = {
      quarantined: await this.batches(cutoff(retention.quarantine), (t, c) => dropQuarantined(db, t, c, retention.batch)),
      raw_mails: await this.batches(cutoff(retention.raw_mail), (t, c) => dropRawMails(db, t, c, retention.raw_mail!.after, retention.batch)),
      tickets: await this.batches(cutoff(retention.tickets), (t, c) => eraseOldTickets(db, t, c, retention.tickets!.after, retention.batch, now, token)),
      imap_mails: 0,
    };
    try {
      counts.imap_mails = await this.cleanFolders(folders.processed, folders.quarantine);
    } catch (error) {
      logger.warn({ err: error }, 'retention could not clean the IMAP folders; the next pass tries again');
    }
    if (counts.quarantined + counts.raw_mails + counts.tickets + counts.imap_mails > 0) {
      const compaction = await compactAfterErasure(db);
      await recordAudit(db, undefined, { at: now, actor: 'guichet', command: 'retention', subject: null, counts: { ...counts }, outcome: 'done' });
      logger.info({ ...counts, compaction: compaction.done }, 'retention applied');
    }
    return counts;
  }

  /** Runs one rule's batches until nothing more is due (or the pass's share is used); removes their files after each commit. */
  private async batches(cutoff: Date | null, batch: (transaction: Transaction, cutoff: Date) => Promise<RetentionBatch>): Promise<number> {
    if (!cutoff) return 0;
    const { db, config } = this.ctx;
    let taken = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const done = await inTransaction(db, (transaction) => batch(transaction, cutoff));
      for (const file of done.files) await rm(path.join(config.paths.data, file), { force: true });
      taken += done.taken;
      if (done.taken < config.retention.batch) break;
    }
    return taken;
  }

  /** Deletes from Processed the mails that arrived before the raw-mail cutoff, and from Quarantine before the quarantine one. */
  private async cleanFolders(processedBefore: Date | null, quarantineBefore: Date | null): Promise<number> {
    if (!processedBefore && !quarantineBefore) return 0;
    let deleted = 0;
    for (const imap of [this.ctx.config.imap, ...this.ctx.config.mailboxes.map((m) => m.imap)]) {
      deleted += await this.cleanAccount(imap, processedBefore, quarantineBefore);
    }
    return deleted;
  }

  /** One mailbox's Processed and Quarantine folders. */
  private async cleanAccount(imap: ImapSettings, processedBefore: Date | null, quarantineBefore: Date | null): Promise<number> {
    const timed = <T>(promise: Promise<T>, what: string) => withTimeout(promise, imap.operation_timeout_seconds * 1000, `IMAP ${imap.user}: ${what}`);
    const client = await timed(connectImap(imap, this.ctx.logger, () => undefined), 'connecting');
    let deleted = 0;
    try {
      const existing = new Set((await timed(client.list(), 'listing folders')).map((m) => m.path));
      for (const [folder, before] of [
        [imap.processed, processedBefore],
        [imap.quarantine, quarantineBefore],
      ] as const) {
        if (!before || !existing.has(folder)) continue;
        const lock = await timed(client.getMailboxLock(folder), `opening ${folder}`);
        try {
          const uids = (await timed(client.search({ before }, { uid: true }), `searching ${folder}`)) || [];
          if (uids.length > 0) await timed(client.messageDelete(uids.join(','), { uid: true }), `deleting from ${folder}`);
          deleted += uids.length;
        } finally {
          lock.release();
        }
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return deleted;
  }
}
