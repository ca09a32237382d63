import { QueryTypes } from 'sequelize';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.js';
import { dateFrom, insertRows, upsertRows } from '../../src/store/sqlRows.js';
import { createTestDatabase, type TestDatabase } from '../harness/databases.js';

/**
 * The hot path's multi-row statements (src/store/sqlRows.ts) write NULLs, integers and
 * booleans into the SQL on SQLite and bind everything else; on PostgreSQL everything
 * is bound. Either way every kind of value must come back as it went in.
 */
describe.each(['sqlite', 'postgres'] as const)('multi-row statements on %s', (dialect) => {
  let file: TestDatabase;
  let db: Database;
  afterAll(async () => {
    await db?.close();
    await file?.drop();
  });

  const at = new Date('2026-11-23T09:00:00.123Z');
  const rows = [
    { id: 1, note: "l'apostrophe ; DROP TABLE t; --", n: -42, big: 2 ** 53 + 2, ratio: 0.25, flag: true, at, raw: Buffer.from([0, 1, 255]), empty: null },
    { id: 2, note: '', n: 0, big: 7, ratio: -1.5, flag: false, at: null, raw: null, empty: null },
  ];

  it('gives back every kind of value it was given, inserted or upserted', async () => {
    file = await createTestDatabase(dialect);
    db = await openDatabase(file.url);
    const types = dialect === 'sqlite' ? ['INTEGER', 'TEXT', 'INTEGER', 'REAL', 'REAL', 'INTEGER', 'TEXT', 'BLOB', 'TEXT'] : ['INTEGER', 'TEXT', 'INTEGER', 'DOUBLE PRECISION', 'DOUBLE PRECISION', 'BOOLEAN', 'TIMESTAMPTZ', 'BYTEA', 'TEXT'];
    const columns = Object.keys(rows[0]!);
    await db.sequelize.query(`CREATE TABLE t (${columns.map((c, i) => `"${c}" ${types[i]}${c === 'id' ? ' PRIMARY KEY' : ''}`).join(', ')})`);
    const read = async () => {
      const found = await db.sequelize.query<Record<string, unknown>>('SELECT * FROM t ORDER BY id', { type: QueryTypes.SELECT });
      return found.map((r) => ({ ...r, id: Number(r.id), n: Number(r.n), big: Number(r.big), flag: Boolean(r.flag), at: dateFrom(r.at), raw: r.raw === null ? null : Buffer.from(r.raw as Buffer) }));
    };

    await db.sequelize.transaction((transaction) => insertRows(db, transaction, 't', rows));
    expect(await read()).toEqual(rows);

    const changed = rows.map((r) => ({ ...r, n: r.n + 1, flag: !r.flag, empty: r.id === 2 ? 'now set' : null }));
    await db.sequelize.transaction((transaction) => upsertRows(db, transaction, 't', changed));
    expect(await read()).toEqual(changed);
  });
});
