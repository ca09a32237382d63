import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { erasureRefusal, pseudonymAddress, type ErasedPerson } from '../domain/personalData.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';
import { deleteFromFolders } from '../mail/imapFolders.js';
import { recordAudit } from '../store/auditLog.js';
import { eraseCustomerRows } from '../store/customerErasure.js';
import { inTransaction, type Database, type Transaction } from '../store/db.js';
import { erasureFinished, erasureScrubbed, startErasure, unfinishedErasureOf } from '../store/erasures.js';
import { compactAfterErasure, type Compaction } from '../store/compaction.js';
import { customerAddress, withCustomerScope } from './customerScope.js';

export interface EraseOptions {
  dryRun: boolean;
  /** Keep the tickets, their events and report facts under a pseudonym, so that report figures stay as they were. */
  keepStatistics: boolean;
  /** Erase tickets still open too (they are closed, without a word to the customer). */
  force: boolean;
  actor: string;
  now: Date;
  /** Told the erasure's id once it is recorded, before anything is erased (a job keeps it, to finish after a crash). */
  onStarted?: (erasureId: number) => Promise<void>;
  /** Runs in the erasure's own transaction, after the rows are gone: what must commit with them (the last notice to the person). */
  withinTransaction?: (transaction: Transaction) => Promise<void>;
}

/** What `guichet customer erase --json` prints (docs/personal-data.md). */
export interface EraseReport {
  dry_run: boolean;
  /** A dry run's verdict: why the erasure would be refused, or null. */
  refusal: string | null;
  /** What stands for the person in what stays (with --keep-statistics), and names the erasure in the audit log. */
  pseudonym: string | null;
  tickets: string[];
  counts: Record<string, number>;
  imap_mails: number;
  /** How the database's free space was dealt with (docs/personal-data.md, "Free space"). */
  compaction: Compaction | null;
  /** An earlier run of this erasure had been interrupted; this one finished it. */
  resumed: boolean;
}

/**
 * Erases everything held about a person (docs/personal-data.md, "Erasure"), in an order
 * that a crash cannot leave half-done without saying so: the erasure is recorded first;
 * the mails in the IMAP folders are deleted; the database is rewritten in one
 * transaction, which also lists the files left to remove; the files go; the database's
 * free space is cleaned. Running it again after a crash picks up where it stopped, and
 * `guichet status` names an erasure that did not finish.
 */
export async function customerErase(config: Config, db: Database, logger: Logger, given: string, options: EraseOptions): Promise<EraseReport> {
  const address = customerAddress(given);
  const unfinished = await unfinishedErasureOf(db, address);
  const result = await withCustomerScope(config, db, logger, address, async (scope, clientOf) => {
    const { rows } = scope;
    const found = rows.tickets.length + rows.messages.length + rows.outbox.length + rows.inbound.length + scope.ticketless.length + scope.folders.length;
    if (found === 0 && !unfinished) {
      throw new GuichetError('GUICHET_CUSTOMER_NOT_FOUND', `guichet holds nothing about ${address}: nothing to erase (check the spelling, or an address they also use)`);
    }
    const refusal = erasureRefusal(rows.tickets, options.force);
    if (refusal && !options.dryRun) {
      await recordAudit(db, undefined, { at: options.now, actor: options.actor, command: 'erase', subject: null, counts: { tickets: rows.tickets.length }, outcome: 'refused' });
      throw new GuichetError('GUICHET_ERASURE_REFUSED', `nothing erased: ${refusal}`);
    }
    const planned = {
      tickets: rows.tickets.length,
      messages: rows.messages.length,
      attachments: rows.attachments.length,
      events: rows.events.length,
      outbox: rows.outbox.length,
      raw_mails: rows.inbound.length + scope.ticketless.length,
    };
    const tickets = rows.tickets.map((t) => t.reference);
    if (options.dryRun) {
      await recordAudit(db, undefined, { at: options.now, actor: options.actor, command: 'erase', subject: null, counts: planned, outcome: 'dry-run' });
      return { dry_run: true, refusal, pseudonym: null, tickets, counts: planned, imap_mails: scope.folders.length, compaction: null, resumed: false };
    }
    const erasure = unfinished ?? (await startErasure(db, address, pseudonymAddress(randomBytes(6).toString('hex')), options.now));
    await options.onStarted?.(erasure.id);
    for (const account of new Set(scope.folders.map((f) => f.account))) {
      await deleteFromFolders(clientOf(account), scope.folders.filter((f) => f.account === account));
    }
    const names = [...rows.tickets.map((t) => t.customer_name), ...rows.messages.filter((m) => m.from_address === address).map((m) => m.from_name)];
    const person: ErasedPerson = { address, names: [...new Set(names.filter((n): n is string => !!n))], pseudonym: erasure.pseudonym };
    const { counts, files } = await inTransaction(db, async (transaction) => {
      const check = (current: { tickets: { reference: string; status: string }[] }) => {
        const late = erasureRefusal(current.tickets, options.force);
        if (late) throw new GuichetError('GUICHET_ERASURE_REFUSED', `nothing erased in the database: ${late}; run the erase again`);
      };
      const erased = await eraseCustomerRows(db, transaction, person, { keepStatistics: options.keepStatistics, ticketless: scope.ticketless.map((t) => t.id), now: options.now, check });
      const files = [...new Set([...erasure.files, ...erased.files])];
      await erasureScrubbed(db, transaction, erasure.id, files, { ...erased.counts });
      await options.withinTransaction?.(transaction);
      return { counts: erased.counts, files };
    });
    return { dry_run: false, refusal: null, pseudonym: erasure.pseudonym, tickets, counts: { ...counts, imap_mails: scope.folders.length }, imap_mails: scope.folders.length, compaction: null, resumed: unfinished !== null, erasureId: erasure.id, files };
  });
  if (result.dry_run) return result;
  const { erasureId, files, ...report } = result as EraseReport & { erasureId: number; files: string[] };
  const compaction = await finishErasure(config, db, erasureId, files, options.now);
  await recordAudit(db, undefined, { at: options.now, actor: options.actor, command: 'erase', subject: report.pseudonym, counts: report.counts, outcome: 'done' });
  logger.info({ erasure: report.pseudonym, counts: report.counts, compaction }, 'customer data erased');
  return { ...report, compaction };
}

/**
 * The part of an erasure after its database transaction: the files it listed, the
 * database's free space, and the erasure marked finished. Needs no address, so that an
 * erasure interrupted after its transaction is finished by the daemon (app/privacyJobs.ts).
 */
export async function finishErasure(config: Config, db: Database, erasureId: number, files: string[], now: Date): Promise<Compaction> {
  for (const file of files) await rm(path.join(config.paths.data, file), { force: true });
  const compaction = await compactAfterErasure(db);
  await erasureFinished(db, erasureId, now);
  return compaction;
}
