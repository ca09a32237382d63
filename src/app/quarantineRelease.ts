import { createHash } from 'node:crypto';
import type { Config, ImapSettings } from '../config/schema.js';
import { GuichetError } from '../errors.js';
import type { Logger } from '../logger.js';
import { connectImap, fetchMails, listUids, moveMails } from '../mail/imapSource.js';
import type { Database } from '../store/db.js';
import { forgetQuarantined, quarantinedMails, type QuarantinedRow } from '../store/ledger.js';
import { withTimeout } from './backoff.js';

export interface QuarantinedJson {
  id: number;
  source: string;
  size: number;
  reason: string | null;
  received_at: string;
}

export interface ReleaseReport {
  /** Back in the inbox, to be processed afresh by the next pass. */
  released: QuarantinedJson[];
  /** Quarantined in the ledger, but no mail of the quarantine folder is theirs (moved or deleted by someone). */
  missing: QuarantinedJson[];
}

/** Every mail in quarantine, newest first: what `guichet quarantine list` shows. */
export async function quarantineList(db: Database): Promise<QuarantinedJson[]> {
  return (await quarantinedMails(db)).map(asJson);
}

function asJson(row: QuarantinedRow): QuarantinedJson {
  return { id: row.id, source: row.source, size: row.size, reason: row.reason, received_at: row.received_at.toISOString() };
}

/**
 * Gives quarantined mails another chance, after the cause is fixed (a template, a
 * limit, a bug): each is found in the quarantine folder (by the SHA-256 of its bytes;
 * a mail too large to download, by its size), its ledger row is removed, and only
 * then is it moved back to the inbox, so that a running daemon that sees it at once
 * processes it as new. Moving a mail back by hand is not enough: the ledger still
 * knows it and sends it back to quarantine.
 */
export async function releaseQuarantine(config: Config, db: Database, logger: Logger, ids: number[] | 'all'): Promise<ReleaseReport> {
  const rows = await quarantinedMails(db);
  const quarantined = rows.map(asJson);
  const wanted = ids === 'all' ? quarantined : quarantined.filter((q) => ids.includes(q.id));
  if (ids !== 'all') {
    const unknown = ids.filter((id) => !quarantined.some((q) => q.id === id));
    if (unknown.length > 0) {
      throw new GuichetError('GUICHET_QUARANTINE_NOT_FOUND', `no quarantined mail with id ${unknown.join(', ')} (see guichet quarantine list)`);
    }
  }
  if (wanted.length === 0) return { released: [], missing: [] };

  // A mail read from another of `mailboxes` goes back to that mailbox (its source names it).
  const accounts = [config.imap, ...config.mailboxes.map((m) => m.imap)];
  const accountOf = (entry: QuarantinedJson) => config.mailboxes.find((m) => entry.source.startsWith(`imap:${m.address}:`))?.imap ?? config.imap;
  const released: QuarantinedJson[] = [];
  const missing: QuarantinedJson[] = [];
  for (const imap of accounts) {
    const mine = wanted.filter((w) => accountOf(w) === imap);
    if (mine.length === 0) continue;
    const done = await releaseFrom(imap, config, db, logger, rows, mine);
    released.push(...done.released);
    missing.push(...done.missing);
  }
  return { released, missing };
}

/** Releases these quarantined mails from one mailbox's quarantine folder back to its inbox. */
async function releaseFrom(imap: ImapSettings, config: Config, db: Database, logger: Logger, rows: QuarantinedRow[], wanted: QuarantinedJson[]): Promise<ReleaseReport> {
  const { limits } = config;
  const timed = <T>(promise: Promise<T>, what: string) => withTimeout(promise, imap.operation_timeout_seconds * 1000, `IMAP ${what}`);
  const client = await connectImap(imap, logger, () => undefined);
  try {
    await timed(client.mailboxOpen(imap.quarantine), `opening ${imap.quarantine}`);
    const mails = await timed(fetchMails(client, await listUids(client), limits.max_mail_bytes), 'fetching the quarantine');
    const shaOf = new Map(rows.map((r) => [r.id, r.raw_sha256]));
    const hashOf = new Map(mails.map((m) => [m.uid, m.source ? createHash('sha256').update(m.source).digest('hex') : null]));
    const taken = new Set<number>();
    const found = new Map<number, number>(); // ledger id -> UID in the quarantine folder
    for (const entry of wanted) {
      const sha = shaOf.get(entry.id)!;
      const match = mails.find((m) => !taken.has(m.uid) && (sha.startsWith('too-large:') ? m.size === entry.size : hashOf.get(m.uid) === sha));
      if (!match) continue;
      taken.add(match.uid);
      found.set(entry.id, match.uid);
    }
    const released = wanted.filter((w) => found.has(w.id));
    if (released.length > 0) {
      await forgetQuarantined(db, released.map((r) => r.id));
      await timed(moveMails(client, [...found.values()], imap.inbox), `moving to ${imap.inbox}`);
    }
    for (const r of released) logger.info({ id: r.id, source: r.source, reason: r.reason }, 'quarantined mail released to the inbox');
    return { released, missing: wanted.filter((w) => !found.has(w.id)) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
