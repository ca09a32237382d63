import type { ImapSettings } from '../config/schema.js';
import type { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import { describeError, GuichetError } from '../errors.js';
import { connectImap, describeImapError, ensureFolders, fetchMails, listUids, moveMails, type FetchedMail } from '../mail/imapSource.js';
import { backoffMs, sleep, withTimeout } from './backoff.js';
import type { AppContext } from './context.js';
import { InboundPipeline } from './ingest.js';
import { runOverlapped } from './overlappedBatches.js';
import { recordMailboxError, recordPoll } from '../store/mailboxState.js';
import type { IngestResult } from './ingestResult.js';
import { quarantine, tooLargeReason } from './quarantine.js';

export interface DrainCounts {
  seen: number;
  processed: number;
  ignored: number;
  quarantined: number;
  duplicates: number;
}

/**
 * How long to wait before connecting again. The cap keeps a server that comes back
 * found within 10 s, however long it was away; while the database is down, a login
 * gains nothing, so the wait never drops under a floor (a login a second was seen).
 */
export function reconnectDelayMs(failures: number, databaseDown: boolean, random: () => number = Math.random): number {
  const delay = backoffMs(failures, 1000, RECONNECT_CAP_MS, random);
  return databaseDown ? Math.max(delay, DATABASE_DOWN_FLOOR_MS) : delay;
}
const RECONNECT_CAP_MS = 8_000;
const DATABASE_DOWN_FLOOR_MS = 5_000;

/**
 * Watches the support inbox. Each pass takes every mail in the inbox, oldest
 * first, runs it through the inbound pipeline (which commits its effects) and only then
 * moves it out: a crash anywhere leaves the mail in the inbox, and the replay is
 * recognised by its content hash (invariants 1 and 2).
 *
 * IDLE is a hint, not a guarantee: a pass also runs every `poll_seconds`.
 */
export class MailboxWorker {
  private abort = new AbortController();
  private progressRecordedAt = 0;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  /**
   * `imap`: the support mailbox's account by default, or another of `mailboxes`;
   * `stateKey` names its row of `mailbox_state` (the support inbox keeps its folder's name).
   */
  constructor(
    private readonly ctx: AppContext,
    private readonly clock: () => Date,
    private readonly imap: ImapSettings = ctx.config.imap,
    private readonly stateKey: string = imap.inbox,
  ) {}

  start(): void {
    if (this.running) return;
    this.ctx.metrics.imap(this.stateKey, 'connecting');
    this.abort = new AbortController();
    this.running = this.loop();
  }

  /** Stops after the mail in flight; safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.running;
    this.running = null;
    this.ctx.metrics.imap(this.stateKey, 'stopped');
  }

  /** One connection, one pass over the inbox, then logout: what `start --once` does. */
  async runOnce(): Promise<DrainCounts> {
    const client = await this.connect(() => undefined);
    try {
      return await this.drain(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private async loop(): Promise<void> {
    const { logger } = this.ctx;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let client: ImapFlow | null = null;
      try {
        let lost: Error | null = null;
        client = await this.connect((error) => {
          lost = error;
          this.wake?.();
        });
        client.on('close', () => this.wake?.());
        client.on('exists', () => this.wake?.());
        logger.info({ mailbox: this.stateKey }, 'watching the support mailbox');
        this.ctx.metrics.imap(this.stateKey, 'connected');
        while (!this.abort.signal.aborted && client.usable && lost === null) {
          await this.drain(client);
          // Only a pass that went through ends an outage: a login that works while the database is down does not.
          failures = 0;
          await this.waitForMail(client);
        }
        if (lost) throw lost;
      } catch (error) {
        failures++;
        // A database outage arrives here already typed; anything else is the connection's.
        const typed = error instanceof GuichetError ? error : new GuichetError('GUICHET_IMAP_FAILED', describeImapError(error), { cause: error });
        const delay = reconnectDelayMs(failures, typed.code === 'GUICHET_DB_UNAVAILABLE');
        logger.error({ err: error, retryInMs: delay }, 'mailbox watch failed; reconnecting');
        await this.recordError(typed);
        this.ctx.metrics.imap(this.stateKey, 'reconnecting', new Date(this.clock().getTime() + delay));
        await sleep(delay, this.abort.signal);
      } finally {
        if (client) await client.logout().catch(() => client?.close());
      }
    }
  }

  /**
   * Until there is mail to take, the poll interval passes, the connection drops or we
   * are stopped. With `imap.check_ms`, a quick look (NOOP and SEARCH) between IDLEs
   * finds new mail before the server's own notice: Dovecot sends it 500 ms late.
   */
  private async waitForMail(client: ImapFlow): Promise<void> {
    const { poll_seconds, check_ms } = this.imap;
    const until = performance.now() + poll_seconds * 1000;
    for (;;) {
      const left = until - performance.now();
      const announced = await this.idle(client, check_ms === null ? left : Math.min(left, check_ms));
      if (announced || check_ms === null || performance.now() >= until || this.abort.signal.aborted || !client.usable) return;
      if ((await this.timed(listUids(client), 'checking the inbox')).length > 0) return;
    }
  }

  /**
   * IDLE (RFC 2177) for at most `ms`: true when the server announced mail, the
   * connection dropped or we were stopped. The next command ends the IDLE by itself.
   */
  private idle(client: ImapFlow, ms: number): Promise<boolean> {
    client.idle().catch((error: unknown) => this.ctx.logger.debug({ err: error }, 'IDLE ended with an error'));
    return new Promise((resolve) => {
      const done = (announced: boolean) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(announced);
      };
      const timer = setTimeout(() => done(false), Math.max(0, ms));
      this.wake = () => done(true);
      if (this.abort.signal.aborted) done(true);
    });
  }

  private async connect(onError: (error: Error) => void): Promise<ImapFlow> {
    const imap = this.imap;
    // Typed here, in the server's words, for `start --once` as for the watch loop.
    const failed = (error: unknown) => new GuichetError('GUICHET_IMAP_FAILED', `${imap.user}@${imap.host}:${imap.port}: ${describeImapError(error)}`, { cause: error });
    const client = await connectImap(imap, this.ctx.logger, onError).catch((error: unknown) => {
      throw failed(error);
    });
    try {
      await this.timed(ensureFolders(client, [imap.processed, imap.quarantine]), 'creating folders');
      await this.timed(client.mailboxOpen(imap.inbox), `opening ${imap.inbox}`);
    } catch (error) {
      client.close();
      throw failed(error);
    }
    return client;
  }

  /**
   * Works through everything in the inbox: list, then for each batch fetch, submit to
   * the pipeline (parsed now, written in order on its chain) and, once committed,
   * move. The batches overlap (`runOverlapped`): at most two are parsed and not yet
   * committed.
   */
  private async drain(client: ImapFlow): Promise<DrainCounts> {
    const imap = this.imap;
    const { limits } = this.ctx.config;
    const counts: DrainCounts = { seen: 0, processed: 0, ignored: 0, quarantined: 0, duplicates: 0 };
    const uidValidity = String(client.mailbox ? client.mailbox.uidValidity : '');
    const source = (uid: number) => `imap:${this.stateKey}:${uidValidity}:${uid}`;
    const pipeline = new InboundPipeline(this.ctx);
    // A batch once its mails are committed: tallied, moved to processed or quarantine.
    const move = async (batch: number[], mails: FetchedMail[], downloaded: FetchedMail[], results: IngestResult[]) => {
      const outcomes = new Map(downloaded.map((m, i) => [m.uid, results[i]!]));
      const toProcessed: number[] = [];
      const toQuarantine: number[] = [];
      for (const mail of mails) {
        const result = outcomes.get(mail.uid) ?? (await pipeline.write(() => this.tooLarge(mail.size, source(mail.uid))));
        counts.seen++;
        tally(counts, result);
        this.ctx.metrics.mail(result);
        (finalOutcome(result) === 'quarantined' ? toQuarantine : toProcessed).push(mail.uid);
      }
      await this.timed(moveMails(client, toProcessed, imap.processed), 'moving to processed');
      await this.timed(moveMails(client, toQuarantine, imap.quarantine), 'moving to quarantine');
      // Progress through a backlog is recorded once a second: each record is a write that
      // waits its turn behind the batches' transactions (the end of the pass is always recorded).
      if (performance.now() - this.progressRecordedAt >= 1000) {
        this.progressRecordedAt = performance.now();
        await pipeline.write(() => this.recordPoll(uidValidity, batch[batch.length - 1]!));
      }
    };
    let lastUid: number | null = null;
    for (;;) {
      const uids = await this.timed(listUids(client), 'listing the inbox');
      if (uids.length === 0) break;
      const batches: number[][] = [];
      for (let start = 0; start < uids.length; start += imap.batch_size) batches.push(uids.slice(start, start + imap.batch_size));
      await runOverlapped(
        batches,
        {
          fetch: (batch) => this.timed(fetchMails(client, batch, limits.max_mail_bytes), 'fetching mail'),
          submit: async (batch, mails) => {
            const downloaded = mails.filter((m): m is typeof m & { source: Buffer } => m.source !== null);
            const { committed } = await pipeline.submit(downloaded.map((m) => ({ raw: m.source, source: source(m.uid) })), this.clock());
            lastUid = batch[batch.length - 1]!;
            return { committed, finish: async () => move(batch, mails, downloaded, await committed) };
          },
        },
        { inFlight: 2, stopped: () => this.abort.signal.aborted },
      );
      if (this.abort.signal.aborted) return counts;
    }
    // Reached only when every batch is finished: the last UID submitted is done.
    await this.recordPoll(uidValidity, lastUid);
    if (counts.seen > 0) this.ctx.logger.info(counts, 'inbox drained');
    return counts;
  }

  /** Not downloaded: only its coordinates and size are recorded; the mail itself goes to the quarantine folder. */
  private tooLarge(size: number, source: string): Promise<IngestResult> {
    const reason = tooLargeReason(size, this.ctx.config.limits.max_mail_bytes);
    return quarantine(this.ctx, `too-large:${source}`, source, null, size, reason, this.clock());
  }

  private timed<T>(promise: Promise<T>, what: string): Promise<T> {
    return withTimeout(promise, this.imap.operation_timeout_seconds * 1000, `IMAP ${what}`);
  }

  /** The last successful poll is stored, so a stalled mailbox is visible (`guichet status`, logs). */
  private async recordPoll(uidValidity: string, lastUid: number | null): Promise<void> {
    await recordPoll(this.ctx.db, this.stateKey, uidValidity, lastUid, this.clock());
  }

  private async recordError(error: unknown): Promise<void> {
    try {
      await recordMailboxError(this.ctx.db, this.stateKey, describeError(error), this.clock());
    } catch (storeError) {
      this.ctx.logger.error({ err: storeError }, 'cannot record the mailbox error');
    }
  }
}

function finalOutcome(result: IngestResult) {
  return result.outcome === 'duplicate' ? (result.previous ?? 'processed') : result.outcome;
}

function tally(counts: DrainCounts, result: IngestResult): void {
  if (result.outcome === 'processed') counts.processed++;
  else if (result.outcome === 'ignored') counts.ignored++;
  else if (result.outcome === 'quarantined') counts.quarantined++;
  else counts.duplicates++;
}
