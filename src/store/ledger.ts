import type { Database, Transaction } from './db.js';
import { isUniqueViolation } from './dbErrors.js';
import { dateFrom, numbered, placeholders, select } from './sqlRows.js';

/** The ledger's outcome for a mail (`inbound_mails.outcome`). */
export type LedgerOutcome = 'processed' | 'ignored' | 'quarantined';

/**
 * What the ledger says of mails already seen, by the SHA-256 of their bytes. A plain
 * query: a model's findAll reads the table's schema first (a PRAGMA per call on SQLite).
 */
export async function previousOutcomes(db: Database, transaction: Transaction | undefined, shas: string[]): Promise<Map<string, LedgerOutcome>> {
  if (shas.length === 0) return new Map();
  const rows = await select<{ raw_sha256: string; outcome: LedgerOutcome }>(
    db,
    transaction,
    numbered(`SELECT "raw_sha256", "outcome" FROM "inbound_mails" WHERE "raw_sha256" IN (${placeholders(shas.length)})`),
    shas,
  );
  return new Map(rows.map((r) => [r.raw_sha256, r.outcome]));
}

/** A mail that cannot be processed, with its reason and (when we have them) its bytes. Recording it twice keeps the first. */
export async function recordQuarantined(
  db: Database,
  mail: { sha256: string; source: string; raw: Buffer | null; rawPath?: string | null; size: number; reason: string; at: Date },
): Promise<void> {
  try {
    await db.models.InboundMail.create({
      raw_sha256: mail.sha256,
      source: mail.source,
      size: mail.size,
      raw: mail.raw,
      raw_path: mail.rawPath ?? null,
      outcome: 'quarantined',
      reason: mail.reason,
      received_at: mail.at,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

export interface QuarantinedRow {
  id: number;
  source: string;
  size: number;
  reason: string | null;
  received_at: Date;
  raw_sha256: string;
}

/** Every mail in quarantine, newest first. */
export async function quarantinedMails(db: Database): Promise<QuarantinedRow[]> {
  const rows = await select<Record<string, unknown>>(
    db,
    undefined,
    `SELECT "id", "source", "size", "reason", "received_at", "raw_sha256" FROM "inbound_mails" WHERE "outcome" = 'quarantined' ORDER BY "id" DESC`,
    [],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    source: String(r.source),
    size: Number(r.size),
    reason: (r.reason as string | null) ?? null,
    received_at: dateFrom(r.received_at)!,
    raw_sha256: String(r.raw_sha256),
  }));
}

/** Removes these quarantined mails from the ledger, so that the next pass takes them as new. */
export async function forgetQuarantined(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.models.InboundMail.destroy({ where: { id: ids, outcome: 'quarantined' } });
}
