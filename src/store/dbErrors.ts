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

const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

/**
 * The pg driver's own words when the connection went away mid-query: these errors
 * carry no SQLSTATE (the server never answered), so only their text tells them apart
 * from a real error of the statement.
 */
const LOST_CONNECTION = /connection terminated|not queryable|terminating connection|connection refused|server closed the connection|connection ended/i;

export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  const original = (error instanceof DatabaseError ? error.original : error) as { code?: string; message?: string } | undefined;
  const code = original?.code ?? '';
  if (TRANSIENT_SOCKET_CODES.has(code) || (code === '' && LOST_CONNECTION.test(original?.message ?? ''))) return true;
  if (!(error instanceof DatabaseError)) return false;
  return TRANSIENT_POSTGRES_CODES.has(code) || code.startsWith('08') || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
