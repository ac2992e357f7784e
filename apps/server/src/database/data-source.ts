import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { MotcuaConfig } from '../config/config.ts';
import { ENTITIES } from './entities.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { withStartupLock } from './startup-lock.ts';

/**
 * TypeORM settings for both databases: SQLite (better-sqlite3) under the data dir by default,
 * MySQL 8 / MariaDB (mysql2) with DATABASE_URL. Schema changes only through migrations.
 */
export function dataSourceOptions(database: MotcuaConfig['database']): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (database.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: database.url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
    };
  }
  mkdirSync(dirname(database.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    // WAL lets readers run beside the single writer. FULL syncs the WAL at every commit: with NORMAL a commit
    // survives the process dying but not the machine (power loss, kernel panic), and an answered request — or a job
    // the engine (which syncs its journal before answering) saw completed — must not vanish. About 0.3 ms a commit.
    prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(database: MotcuaConfig['database']): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  await withStartupLock(dataSource, 'migrations', () => dataSource.runMigrations({ transaction: 'each' }));
  return dataSource;
}
