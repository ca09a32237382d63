import sqlite3 from 'sqlite3';
import type { Row } from './sqlRows.js';

/**
 * Read-only connections to one SQLite file, for a report's queries to run side by side:
 * node-sqlite3 runs each connection's statements on a thread of its own, and WAL lets
 * them read while the daemon writes. A report's dozen aggregations are independent, so
 * on two cores they take about half the time one connection would (docs/performance.md).
 */
export class SqliteReaders {
  private next = 0;

  private constructor(private readonly connections: sqlite3.Database[]) {}

  static async open(file: string, count: number): Promise<SqliteReaders> {
    const connections = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<sqlite3.Database>((resolve, reject) => {
            const connection = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(connection)));
          }),
      ),
    );
    for (const c of connections) c.configure('busyTimeout', 5000);
    return new SqliteReaders(connections);
  }

  /** Runs a query on the next connection in turn; `?` parameters, values already bound for SQLite. */
  all(sql: string, values: unknown[]): Promise<Row[]> {
    const connection = this.connections[this.next++ % this.connections.length]!;
    return new Promise((resolve, reject) => connection.all(sql, values, (error, rows) => (error ? reject(Object.assign(error, { sql })) : resolve(rows as Row[]))));
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
  }
}
