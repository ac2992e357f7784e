import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in one database transaction. On SQLite, TypeORM's better-sqlite3 driver shares ONE query runner, so two
 * `dataSource.transaction()` calls in flight at once would interleave inside the same BEGIN (the second becomes a
 * savepoint of the first): transactions are queued per DataSource here. SQLite has one writer anyway. On MySQL each
 * transaction has its own pooled connection, and a deadlock or lock wait time-out (the database aborts one of two
 * transactions that wait on each other) is retried a few times, since the work is then rolled back entirely.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') {
    return serialised(dataSource, () => dataSource.transaction(work));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= 5 || !isRetryableLockError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 10 + Math.random() * 20));
    }
  }
}

const queues = new WeakMap<DataSource, Promise<unknown>>();

function serialised<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(work, work);
  queues.set(
    dataSource,
    next.catch(() => undefined),
  );
  return next;
}

/** MySQL/MariaDB ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205). */
export function isRetryableLockError(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number } })?.driverError ?? (error as { errno?: number });
  return driverError?.errno === 1213 || driverError?.errno === 1205;
}

/** Whether `error` is a unique-key violation (SQLite SQLITE_CONSTRAINT_UNIQUE, MySQL ER_DUP_ENTRY 1062). */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { errno?: number; code?: string } })?.driverError ?? error;
  const { errno, code } = (driverError ?? {}) as { errno?: number; code?: string };
  return (
    errno === 1062 ||
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
