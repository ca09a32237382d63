import type { Database, Transaction } from './db.js';
import { dateFrom, insertRows, select } from './sqlRows.js';

/** What was done with a customer's data. */
export type AuditCommand = 'show' | 'export' | 'correct' | 'erase' | 'retention';

/**
 * One entry of the audit log: who did what, when, and how much. It never names the
 * customer (their address would outlive their erasure here): `subject` is a ticket
 * reference or an erasure's pseudonym.
 */
export interface AuditEntry {
  at: Date;
  actor: string;
  command: AuditCommand;
  subject: string | null;
  counts: Record<string, number>;
  outcome: 'done' | 'dry-run' | 'refused' | 'started';
}

export async function recordAudit(db: Database, transaction: Transaction | undefined, entry: AuditEntry): Promise<void> {
  const row = { ...entry, counts: JSON.stringify(entry.counts) };
  if (transaction) await insertRows(db, transaction, 'audit_log', [row]);
  else await db.sequelize.transaction((t) => insertRows(db, t, 'audit_log', [row]));
}

/** The log, oldest first, from a time on. */
export async function auditEntries(db: Database, since: Date | null): Promise<(AuditEntry & { id: number })[]> {
  const rows = await select<Record<string, unknown>>(db, undefined, 'SELECT * FROM "audit_log" WHERE "at" >= $1 ORDER BY "id"', [since ?? new Date(0)]);
  return rows.map((r) => ({
    id: Number(r.id),
    at: dateFrom(r.at)!,
    actor: String(r.actor),
    command: r.command as AuditCommand,
    subject: (r.subject as string | null) ?? null,
    counts: JSON.parse(String(r.counts)) as Record<string, number>,
    outcome: r.outcome as AuditEntry['outcome'],
  }));
}
