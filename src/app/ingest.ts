import { createHash } from 'node:crypto';
import { describeError, GuichetError } from '../errors.js';
import type { Prepared } from '../mail/prepare.js';
import { keepRaw, RAW_IN_ROW_MAX_BYTES } from '../mail/rawStore.js';
import { inTransaction } from '../store/db.js';
import { isTransientDatabaseError, isUniqueViolation } from '../store/dbErrors.js';
import { previousOutcomes } from '../store/ledger.js';
import { applyGroup, type ReadyMail } from './inboundUnit.js';
import type { AppContext } from './context.js';
import { quarantine, tooLargeReason } from './quarantine.js';
import type { IngestResult, RawMail } from './ingestResult.js';

/**
 * The whole inbound pipeline for one raw mail, from bytes to committed effects.
 * Idempotent by the SHA-256 of the bytes: the same mail fed twice (a crash before
 * the IMAP move, an MTA retry) is recognised and does nothing the second time.
 * Never throws for a bad mail: it is quarantined and the reason returned. Throws
 * GUICHET_DB_UNAVAILABLE when the database is busy or gone: the mail is not at fault.
 */
export async function ingestRaw(ctx: AppContext, raw: Buffer, source: string, now: Date): Promise<IngestResult> {
  const [result] = await ingestBatch(ctx, [{ raw, source }], now);
  return result!;
}

/**
 * Several mails, in order, committed before it returns. See InboundPipeline.
 */
export async function ingestBatch(ctx: AppContext, mails: RawMail[], now: Date): Promise<IngestResult[]> {
  const { committed } = await new InboundPipeline(ctx).submit(mails, now);
  return committed;
}

/** The first group of a pass (see InboundPipeline.submit). */
const FIRST_GROUP = 25;
/** Mails per transaction after the first group (see InboundPipeline). */
const GROUP = 100;

/**
 * The inbound pipeline of one mailbox pass. Mails commit together in groups of up to
 * 100, read and written with a few multi-row statements (see inboundUnit.ts): per-mail
 * calls were most of a mail's cost, and each commit is synced to disk
 * (docs/performance.md). If anything in a group fails, the group is rolled back and its
 * mails are committed one by one, so a bad mail is still quarantined alone. On
 * PostgreSQL a group is safe beside other instances: the senders' advisory locks are
 * taken in a fixed order and the ledger is read again under them (inboundUnit.ts); a
 * deadlock or a lost connection leaves the group's mails in the inbox for the next pass.
 *
 * All writes of all submits happen in order on one chain: a reply in one IMAP batch
 * must find the ticket its predecessor in the previous batch created. While a group
 * is written, the parsing threads parse the next mails, of this batch or the next one.
 * After a write fails, nothing later is written: the mails stay in the inbox for the
 * next pass.
 */
export class InboundPipeline {
  private writes: Promise<void> = Promise.resolve();
  /** Whether a group is on the chain yet: the pass's first group is small (see submit). */
  private started = false;

  constructor(private readonly ctx: AppContext) {}

  /**
   * Parses `mails` now and chains their writes. Returns once they are parsed;
   * `committed` settles once every one of them is written (or quarantined).
   */
  async submit(mails: RawMail[], now: Date): Promise<{ committed: Promise<IngestResult[]> }> {
    const ctx = this.ctx;
    const hashed = mails.map((m) => ({ ...m, sha256: createHash('sha256').update(m.raw).digest('hex') }));
    const known = await previousOutcomes(ctx.db, undefined, hashed.map((m) => m.sha256));
    const results: (IngestResult | undefined)[] = new Array(mails.length);
    const group = GROUP;
    let ready: { index: number; mail: ReadyMail }[] = [];
    const commitReady = () => {
      const slice = ready;
      ready = [];
      this.chain(async () => {
        const committed = await commitTogether(ctx, slice.map((r) => r.mail), now);
        if (committed.some((r) => r.outcome === 'processed')) ctx.outboxBell.ring();
        for (const [i, entry] of slice.entries()) results[entry.index] = committed[i];
      });
    };
    const tooLarge = (raw: Buffer) => raw.length > ctx.config.limits.max_mail_bytes;
    const parsing = ctx.parsers.prepare(hashed.filter((m) => !known.has(m.sha256) && !tooLarge(m.raw)))[Symbol.asyncIterator]();
    for (const [index, item] of hashed.entries()) {
      const previous = known.get(item.sha256);
      if (previous) {
        results[index] = { outcome: 'duplicate', sha256: item.sha256, previous };
        continue;
      }
      // A quarantine is a write too: it takes its turn on the chain.
      if (tooLarge(item.raw)) {
        const reason = tooLargeReason(item.raw.length, ctx.config.limits.max_mail_bytes);
        this.chain(async () => void (results[index] = await quarantine(ctx, item.sha256, item.source, null, item.raw.length, reason, now)));
        continue;
      }
      const prepared = (await parsing.next()).value as Prepared;
      if ('reason' in prepared) {
        this.chain(async () => void (results[index] = await quarantine(ctx, item.sha256, item.source, item.raw, item.raw.length, prepared.reason, now)));
      } else {
        // Only for a mail in an agent's name that our servers did not vouch for: DNS is asked here, outside any transaction.
        const mail = ctx.verifySender ? await ctx.verifySender(prepared.mail, item.raw) : prepared.mail;
        const rawPath = item.raw.length > RAW_IN_ROW_MAX_BYTES ? await keepRaw(ctx.config.paths.data, item.sha256, item.raw) : undefined;
        ready.push({ index, mail: { mail, raw: item.raw, sha256: item.sha256, source: item.source, ...(rawPath ? { rawPath } : {}) } });
        // The first group goes as soon as a chunk of mails is parsed: its commit (cold
        // code, templates compiled at first use) then overlaps the parsing of the next
        // ones, instead of waiting for a whole group to be parsed first.
        if (ready.length >= (this.started ? group : Math.min(group, FIRST_GROUP))) {
          this.started = true;
          commitReady();
        }
      }
    }
    if (ready.length > 0) commitReady();
    const committed = this.writes.then(() => results as IngestResult[]);
    // Marked handled here: the caller sees a failure when it awaits `committed`, not as an unhandled rejection meanwhile.
    committed.catch(() => undefined);
    return { committed };
  }

  /**
   * Another write of the pass (the mailbox's progress, a quarantine), in its turn after
   * every write submitted so far. Run beside the chain instead, it waited for SQLite's
   * write lock in the busy handler's sleeps, holding the connection it shares with the
   * pass's reads all along. Runs even if an
   * earlier write failed; its own failure goes to the caller.
   */
  write<T>(step: () => Promise<T>): Promise<T> {
    const result = this.writes.catch(() => undefined).then(step);
    this.writes = this.writes.then(() => result.then(() => undefined));
    this.writes.catch(() => undefined);
    return result;
  }

  private chain(step: () => Promise<void>): void {
    this.writes = this.writes.then(step);
    this.writes.catch(() => undefined);
  }
}

async function commitTogether(ctx: AppContext, mails: ReadyMail[], now: Date): Promise<IngestResult[]> {
  if (mails.length === 1) return [await commitAlone(ctx, mails[0]!, now)];
  try {
    return await inTransaction(ctx.db, (transaction) => applyGroup(ctx, mails, now, transaction));
  } catch (error) {
    if (isTransientDatabaseError(error)) throw unavailable(error, mails[0]!.source);
    ctx.logger.debug({ err: error }, 'group commit failed; committing its mails one by one');
    const results: IngestResult[] = [];
    for (const mail of mails) results.push(await commitAlone(ctx, mail, now));
    return results;
  }
}

async function commitAlone(ctx: AppContext, ready: ReadyMail, now: Date): Promise<IngestResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [result] = await inTransaction(ctx.db, (transaction) => applyGroup(ctx, [ready], now, transaction));
      return result!;
    } catch (error) {
      if (isTransientDatabaseError(error)) throw unavailable(error, ready.source);
      if (!isUniqueViolation(error) || attempt >= 3) return failed(ctx, error, ready, now);
      // Another instance committed the same mail first: its work stands, ours is rolled back.
      const winner = (await previousOutcomes(ctx.db, undefined, [ready.sha256])).get(ready.sha256);
      if (winner) return { outcome: 'duplicate', sha256: ready.sha256, previous: winner };
      // Otherwise two new tickets drew the same reference: draw again.
    }
  }
}

/** A bug on one mail must not block the mailbox: quarantine it with the reason and its bytes. */
function failed(ctx: AppContext, error: unknown, ready: ReadyMail, now: Date): Promise<IngestResult> {
  const reason = describeError(new GuichetError('GUICHET_MAIL_PROCESSING_FAILED', describeError(error), { cause: error }));
  ctx.logger.error({ err: error, sha256: ready.sha256, source: ready.source }, 'mail processing failed; quarantined');
  return quarantine(ctx, ready.sha256, ready.source, ready.raw, ready.raw.length, reason, now);
}

/** A busy or unreachable database is not the mail's fault: it stays in the inbox for later. */
function unavailable(error: unknown, source: string): GuichetError {
  return new GuichetError('GUICHET_DB_UNAVAILABLE', `cannot process ${source} now: ${describeError(error)}`, { cause: error });
}
