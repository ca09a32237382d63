import {
  ConnectionError,
  TimeoutError,
  DatabaseError,
  UniqueConstraintError,
} from 'sequelize';

/** A row that another writer (or this one, earlier) already put there under the same key. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintError;
}

/**
 * Transient or permanent, for database errors: one table. A transient error is the
 * database's state, not the mail's fault, so the mail stays in the inbox and is tried
 * again; only a permanent failure sends a mail to quarantine.
 *
 * PostgreSQL: 40001 serialization failure, 40P01 deadlock, 55P03 lock not available,
 * 57P01 admin shutdown, class 08 connection exceptions. SQLite: BUSY and LOCKED.
 */
const TRANSIENT_POSTGRES_CODES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03']);

export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (!(error instanceof DatabaseError)) return false;
  const original = error.original as { code?: string } | undefined;
  const code = original?.code ?? '';
  return TRANSIENT_POSTGRES_CODES.has(code) || code.startsWith('08') || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
