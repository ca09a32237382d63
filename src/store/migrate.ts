import { Sequelize } from 'sequelize';
import type { Database } from './db.js';
import { SequelizeStorage, Umzug } from 'umzug';
import * as initial from './migrations/001-initial.js';
import * as customerThread from './migrations/002-customer-thread.js';
import * as ticketHandling from './migrations/003-ticket-handling.js';
import * as deadlines from './migrations/004-deadlines.js';
import * as reopenCycle from './migrations/005-reopen-cycle.js';
import * as loopBudget from './migrations/006-loop-budget.js';
import * as deliveryFailures from './migrations/007-delivery-failures.js';
import * as alerts from './migrations/008-alerts.js';
import * as spam from './migrations/009-spam.js';
import * as rawFiles from './migrations/010-raw-files.js';
import * as ticketRecord from './migrations/011-ticket-record.js';
import * as personalData from './migrations/012-personal-data.js';

/** Migrations are listed here, in order, rather than globbed: a build never loses one. */
const MIGRATIONS = [
  { name: '001-initial', ...initial },
  { name: '002-customer-thread', ...customerThread },
  { name: '003-ticket-handling', ...ticketHandling },
  { name: '004-deadlines', ...deadlines },
  { name: '005-reopen-cycle', ...reopenCycle },
  { name: '006-loop-budget', ...loopBudget },
  { name: '007-delivery-failures', ...deliveryFailures },
  { name: '008-alerts', ...alerts },
  { name: '009-spam', ...spam },
  { name: '010-raw-files', ...rawFiles },
  { name: '011-ticket-record', ...ticketRecord },
  { name: '012-personal-data', ...personalData },
];

export function migrator(sequelize: Sequelize) {
  return new Umzug({
    migrations: MIGRATIONS.map(({ name, up, down }) => ({ name, up, down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'guichet_migrations' }),
    logger: undefined,
  });
}

/** An arbitrary constant naming guichet's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK = 4_711_002;

/**
 * Applies every pending migration; returns their names. Safe to call at every start,
 * and by several instances starting together on one PostgreSQL database: they take
 * turns under an advisory lock. The lock is held on a dedicated one-connection pool,
 * so that lock, migrations and unlock are sure to run in the same session.
 */
export async function migrate(db: Database): Promise<string[]> {
  if (db.dialect !== 'postgres') return names(await migrator(db.sequelize).up());
  const single = new Sequelize(db.url, { dialect: 'postgres', logging: false, pool: { max: 1, min: 0 } });
  try {
    await single.query('SELECT pg_advisory_lock(:key)', { replacements: { key: MIGRATION_LOCK } });
    return names(await migrator(single).up());
  } finally {
    await single.query('SELECT pg_advisory_unlock(:key)', { replacements: { key: MIGRATION_LOCK } }).catch(() => undefined);
    await single.close();
  }
}

function names(applied: { name: string }[]): string[] {
  return applied.map((m) => m.name);
}
