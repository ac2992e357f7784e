import type { DataSource } from 'typeorm';

/** How long a starting process waits for another one's one-time work (migrations, seeding, publishing). */
const WAIT_SECONDS = 120;

/**
 * Runs one-time start-up work (migrations, the demo seed, publishing the reference bundles) under a named lock of the
 * database, so that processes starting at once against one MySQL/MariaDB database (api and workers, several api
 * replicas) do it one after the other: the later ones then find it done. MySQL's GET_LOCK belongs to one connection
 * and goes with it if the process dies. SQLite needs none: one process per data dir (the data dir lock).
 */
export async function withStartupLock<T>(dataSource: DataSource, name: string, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const lockName = `motcua.${name}`;
    const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [lockName, WAIT_SECONDS])) as {
      acquired: number | string | null;
    }[];
    if (Number(row?.acquired) !== 1) {
      throw new Error(
        `another motcua process has held the database lock ${lockName} for ${WAIT_SECONDS} s: is one stuck starting?`,
      );
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
    }
  } finally {
    await runner.release();
  }
}
