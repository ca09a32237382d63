import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import * as initial from './migrations/001-initial.js';

/** Migrations are listed here, in order, rather than globbed: a build never loses one. */
const MIGRATIONS = [{ name: '001-initial', ...initial }];

export function migrator(sequelize: Sequelize) {
  return new Umzug({
    migrations: MIGRATIONS.map(({ name, up, down }) => ({ name, up, down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'guichet_migrations' }),
    logger: undefined,
  });
}

/** Applies every pending migration; returns their names. Safe to call at every start. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const applied = await migrator(sequelize).up();
  return applied.map((m) => m.name);
}
