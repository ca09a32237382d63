import { DatabaseError, UniqueConstraintError } from 'sequelize';
import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../src/store/dbErrors.js';

/** Errors as Sequelize wraps the pg and sqlite3 drivers' own. */
const wrapped = (message: string, code?: string) => new DatabaseError(Object.assign(new Error(message), { sql: 'SELECT 1', parameters: [], ...(code ? { code } : {}) }) as never);

describe('a database error is temporary or the mail\'s fault', () => {
  it('takes the pg driver\'s lost connections, which carry no SQLSTATE, as temporary', () => {
    expect(isTransientDatabaseError(wrapped('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isTransientDatabaseError(wrapped('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(wrapped('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isTransientDatabaseError(wrapped('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isTransientDatabaseError(wrapped('SQLITE_BUSY: database is locked', 'SQLITE_BUSY'))).toBe(true);
  });

  it('keeps a statement\'s own error permanent', () => {
    expect(isTransientDatabaseError(wrapped('value too long for type character varying(320)', '22001'))).toBe(false);
    expect(isTransientDatabaseError(wrapped('syntax error at or near "FROM"', '42601'))).toBe(false);
    expect(isTransientDatabaseError(new UniqueConstraintError({}))).toBe(false);
    expect(isTransientDatabaseError(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });
});
