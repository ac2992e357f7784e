import { QueryFailedError } from 'typeorm';
import type { DataSource } from 'typeorm';
import type { Pool } from 'mysql2';

export type RawRow = Record<string, unknown>;
/** What a placeholder takes here: no booleans (better-sqlite3 cannot bind them) and no dates (drivers differ). */
export type SqlValue = string | number | null;

/** better-sqlite3, as far as it is used here (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { all(...params: unknown[]): RawRow[] };
}

/**
 * A read-only SELECT (`?` placeholders) for a hot path, run as a prepared statement on the driver itself rather than
 * through a TypeORM query runner: on MySQL/MariaDB mysql2's `execute` (prepared once per pooled connection, binary
 * protocol, no per-query stack capture), on SQLite one better-sqlite3 statement. Rows are raw driver values (SQLite
 * dates are text): convert them with `driver.prepareHydratedValue`. Any other driver falls back to
 * `dataSource.query`. Not for writes or transactions (it never sees the transaction's connection).
 */
export function preparedSelect(dataSource: DataSource, sql: string): (params: SqlValue[]) => Promise<RawRow[]> {
  const type = dataSource.options.type;
  if (type === 'mysql' || type === 'mariadb') {
    return (params) => {
      const pool = (dataSource.driver as unknown as { pool?: Pool }).pool;
      if (!pool) return dataSource.query(sql, params);
      return new Promise((resolve, reject) => {
        pool.execute(sql, params, (error, rows) => {
          if (error) reject(new QueryFailedError(sql, params, error));
          else resolve(rows as RawRow[]);
        });
      });
    };
  }
  if (type === 'better-sqlite3') {
    let statement: ReturnType<SqliteDatabase['prepare']> | undefined;
    return async (params) => {
      try {
        statement ??= (
          dataSource.driver as unknown as { databaseConnection: SqliteDatabase }
        ).databaseConnection.prepare(sql);
        return statement.all(...params);
      } catch (error) {
        throw new QueryFailedError(sql, params, error as Error);
      }
    };
  }
  return (params) => dataSource.query(sql, params);
}
