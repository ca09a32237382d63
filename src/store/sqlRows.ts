import { DatabaseError, QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from './db.js';

/**
 * Multi-row statements for the hot path. Each Sequelize call on SQLite has a fixed
 * cost whatever it does (a stack capture per query, and a PRAGMA table_info before
 * every model SELECT), so the inbound pipeline writes
 * a whole group of mails with one INSERT per table. The SQL is plain and portable:
 * bind parameters, double-quoted names, RETURNING (SQLite >= 3.35, PostgreSQL).
 */
export type Row = Record<string, unknown>;

/** A value as the driver should bind it. SQLite stores dates as Sequelize's text format, so model reads agree. */
export function bindValue(db: Database, value: unknown): unknown {
  if (value instanceof Date) return db.dialect === 'sqlite' ? sqliteDate(value) : value;
  return value === undefined ? null : value;
}

/** Sequelize's text for a date on SQLite. */
function sqliteDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', ' +00:00');
}

/** Reads a date column from a raw row: a Date on PostgreSQL, Sequelize's text format on SQLite. */
export function dateFrom(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

export async function select<T extends Row>(db: Database, transaction: Transaction | undefined, sql: string, values: unknown[]): Promise<T[]> {
  const bound = values.map((v) => bindValue(db, v));
  if (db.dialect === 'sqlite' && transaction) return sqliteAll<T>(transaction, sql, bound);
  return db.sequelize.query<T>(sql, { bind: bound, type: QueryTypes.SELECT, transaction });
}

interface SqliteConnection {
  all(sql: string, params: unknown[], callback: (error: (Error & { code?: string }) | null, rows: unknown[]) => void): void;
}

/**
 * Inside a transaction on SQLite, the statement goes straight to the transaction's
 * sqlite3 connection with positional parameters: Sequelize turns a bind array into
 * named parameters, and binding thousands of them by name is quadratic (each name is
 * searched among all the others). Errors are Sequelize's, so callers
 * and the transient-error table treat both paths alike.
 */
function sqliteAll<T>(transaction: Transaction, sql: string, params: unknown[]): Promise<T[]> {
  const connection = (transaction as unknown as { connection: SqliteConnection }).connection;
  return new Promise((resolve, reject) => {
    connection.all(sql, params, (error, rows) => {
      if (!error) return resolve(rows as T[]);
      const parent = Object.assign(error, { sql, parameters: params });
      reject(error.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(error.message) ? new UniqueConstraintError({ parent, message: error.message }) : new DatabaseError(parent));
    });
  });
}

/**
 * The nth bind parameter. SQLite gets anonymous `?`: a named `$n` makes its parser
 * compare each new name with every earlier one, which on a large multi-row INSERT costs
 * more than the INSERT itself.
 */
function mark(db: Database, n: number): string {
  return db.dialect === 'sqlite' ? '?' : `$${n}`;
}

/** Runs a statement that changes rows and returns none, like `select` for reads. */
export function run(db: Database, transaction: Transaction, sql: string, values: unknown[]): Promise<void> {
  return execute(db, transaction, sql, values.map((v) => bindValue(db, v)));
}

/** Runs a statement that changes rows, with bind values already converted. */
async function execute(db: Database, transaction: Transaction, sql: string, values: unknown[]): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sqliteAll(transaction, sql, values);
    return;
  }
  await db.sequelize.query(sql, { bind: values, transaction });
}

/** `?` placeholders become $1, $2…, so callers write one portable string. */
export function numbered(sql: string, start = 1): string {
  let n = start;
  return sql.replace(/\?/g, () => `$${n++}`);
}

/** `(?, ?, …)` lists for IN clauses. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/**
 * Inserts rows into a table in one statement and returns the columns asked for.
 * The caller maps returned rows by a unique column, never by position: neither
 * database promises that RETURNING keeps the order of VALUES.
 */
export async function insertRows<T extends Row>(
  db: Database,
  transaction: Transaction,
  table: string,
  rows: Row[],
  returning: string[] = [],
): Promise<T[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const { tuples, values } = valuesOf(db, rows, columns);
  const sql =
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples}` +
    (returning.length > 0 ? ` RETURNING ${returning.map((c) => `"${c}"`).join(', ')}` : '');
  if (returning.length === 0) {
    await execute(db, transaction, sql, values);
    return [];
  }
  if (db.dialect === 'sqlite') return sqliteAll<T>(transaction, sql, values);
  return db.sequelize.query<T>(sql, { bind: values, type: QueryTypes.SELECT, transaction });
}

/**
 * `(…), (…)` for a multi-row VALUES, with the values to bind. On SQLite a NULL, an
 * integer or a boolean is written into the statement itself: node-sqlite3 tests each
 * bound value against RegExp before it looks at its type, which costs a null or a
 * number more than a string, in groups that bind thousands of values. None of the three
 * can carry SQL: a literal is `NULL`, `0`, `1` or the digits of a safe integer.
 */
function valuesOf(db: Database, rows: Row[], columns: string[]): { tuples: string; values: unknown[] } {
  const values: unknown[] = [];
  const slot = (value: unknown): string => {
    const bound = bindValue(db, value);
    if (db.dialect === 'sqlite') {
      if (bound === null) return 'NULL';
      if (typeof bound === 'boolean') return bound ? '1' : '0';
      if (typeof bound === 'number' && Number.isSafeInteger(bound)) return String(bound);
    }
    values.push(bound);
    return mark(db, values.length);
  };
  return { tuples: rows.map((row) => `(${columns.map((c) => slot(row[c])).join(', ')})`).join(', '), values };
}

/**
 * Writes whole rows keyed by `id` in one statement: INSERT … ON CONFLICT ("id") DO
 * UPDATE, which SQLite (>= 3.24) and PostgreSQL both have. For rows that exist, it is a
 * multi-row UPDATE.
 */
export async function upsertRows(db: Database, transaction: Transaction, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const { tuples, values } = valuesOf(db, rows, columns);
  const updates = columns.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`);
  await execute(
    db,
    transaction,
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples} ON CONFLICT ("id") DO UPDATE SET ${updates.join(', ')}`,
    values,
  );
}

/**
 * Awaits statements handed to the driver together (one transaction, one connection:
 * the driver runs them one after the other) and throws the first failure only once
 * all have settled. Throwing at the first one would let the caller roll back while a
 * statement is still queued behind the ROLLBACK, where it would run on its own.
 */
export async function together<T extends readonly unknown[]>(statements: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Statements that do not depend on each other, in one transaction. On SQLite they go to
 * the driver at once (see `together`): one wait for this thread's turn instead of one
 * each. On PostgreSQL they run one after the other, as node-postgres deprecates a query
 * sent while another is running on the same client. Either way the first starts now.
 */
export function independent<T extends readonly unknown[]>(db: Database, statements: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (db.dialect === 'sqlite') return together<T>(statements.map((start) => start()) as unknown as { [K in keyof T]: Promise<T[K]> });
  return (async () => {
    const results: unknown[] = [];
    for (const start of statements) results.push(await start());
    return results as unknown as T;
  })();
}
