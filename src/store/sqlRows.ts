import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './db.js';

/**
 * Multi-row statements for the hot path. Each Sequelize call on SQLite costs
 * 0.25-1 ms whatever it does (measured on bench/ingest: a stack capture per query,
 * and a PRAGMA table_info before every model SELECT), so the inbound pipeline writes
 * a whole group of mails with one INSERT per table. The SQL is plain and portable:
 * bind parameters, double-quoted names, RETURNING (SQLite >= 3.35, PostgreSQL).
 */
export type Row = Record<string, unknown>;

/** A value as the driver should bind it. SQLite stores dates as Sequelize's text format, so model reads agree. */
export function bindValue(db: Database, value: unknown): unknown {
  if (value instanceof Date) {
    return db.dialect === 'sqlite' ? value.toISOString().replace('T', ' ').replace('Z', ' +00:00') : value;
  }
  return value === undefined ? null : value;
}

/** Reads a date column from a raw row: a Date on PostgreSQL, Sequelize's text format on SQLite. */
export function dateFrom(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

export async function select<T extends Row>(db: Database, transaction: Transaction | undefined, sql: string, values: unknown[]): Promise<T[]> {
  return db.sequelize.query<T>(sql, { bind: values.map((v) => bindValue(db, v)), type: QueryTypes.SELECT, transaction });
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
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((c) => (values.push(bindValue(db, row[c])), `$${values.length}`)).join(', ')})`);
  const sql =
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}` +
    (returning.length > 0 ? ` RETURNING ${returning.map((c) => `"${c}"`).join(', ')}` : '');
  if (returning.length === 0) {
    await db.sequelize.query(sql, { bind: values, transaction });
    return [];
  }
  // Sequelize's SQLite dialect runs any statement that starts with "INSERT INTO" with the
  // driver's run(), which returns no rows; led by a comment, it is run with all() and
  // the RETURNING rows come back. PostgreSQL ignores the comment.
  return db.sequelize.query<T>(`/* returning */ ${sql}`, { bind: values, type: QueryTypes.SELECT, transaction });
}

/** Sets every column of `row` on the row of `table` with this id. */
export async function updateRow(db: Database, transaction: Transaction, table: string, id: number, row: Row): Promise<void> {
  const columns = Object.keys(row);
  await db.sequelize.query(
    `UPDATE "${table}" SET ${columns.map((c, i) => `"${c}" = $${i + 1}`).join(', ')} WHERE "id" = $${columns.length + 1}`,
    { bind: [...columns.map((c) => bindValue(db, row[c])), id], transaction },
  );
}

/**
 * Writes whole rows keyed by `id` in one statement: INSERT … ON CONFLICT ("id") DO
 * UPDATE, which SQLite (>= 3.24) and PostgreSQL both have. For rows that exist, it is a
 * multi-row UPDATE.
 */
export async function upsertRows(db: Database, transaction: Transaction, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${columns.map((c) => (values.push(bindValue(db, row[c])), `$${values.length}`)).join(', ')})`);
  const updates = columns.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`);
  await db.sequelize.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT ("id") DO UPDATE SET ${updates.join(', ')}`,
    { bind: values, transaction },
  );
}
