import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { MotcuaConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/database/data-source.ts';

/**
 * The databases every database-backed suite runs against: SQLite always, and MySQL/MariaDB when
 * MOTCUA_TEST_MYSQL_URL names one (.ci/run always sets it). Configuration, not skipping.
 */
export function testDatabases(): { name: string; database: () => MotcuaConfig['database']; cleanup: () => void }[] {
  const databases: ReturnType<typeof testDatabases> = [];
  let dir: string | undefined;
  databases.push({
    name: 'SQLite',
    database: () => {
      dir = mkdtempSync(join(tmpdir(), 'motcua-db-'));
      return { type: 'sqlite', path: join(dir, 'motcua.sqlite') };
    },
    cleanup: () => dir && rmSync(dir, { recursive: true, force: true }),
  });
  const mysql = process.env.MOTCUA_TEST_MYSQL_URL;
  if (mysql)
    databases.push({
      name: 'MySQL/MariaDB',
      database: () => ({ type: 'mysql', url: mysql }),
      cleanup: () => undefined,
    });
  return databases;
}

/** Opens a migrated database; `drop` undoes every migration so the next suite starts empty (MySQL is shared). */
export async function openTestDatabase(
  database: MotcuaConfig['database'],
): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const dataSource = await openDatabase(database);
  return {
    dataSource,
    drop: async () => {
      while ((await dataSource.query(`SELECT COUNT(*) AS n FROM migrations`))[0].n > 0)
        await dataSource.undoLastMigration({ transaction: 'each' });
      await dataSource.query('DROP TABLE migrations');
      await dataSource.destroy();
    },
  };
}
