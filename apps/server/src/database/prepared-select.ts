import { QueryFailedError } from 'typeorm';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { Pool } from 'mysql2';

export type RawRow = Record<string, unknown>;
type Row<K extends string> = Record<K, unknown>;
type ColumnMetadata = NonNullable<ReturnType<EntityMetadata['findColumnWithPropertyName']>>;

/** Entity properties read from a table alias, under `<prefix><property>`, and how to turn raw values into them. */
export interface Selection<K extends string> {
  sql: string;
  hydrate(raw: RawRow): Row<K>;
}
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

export function entityColumn(metadata: EntityMetadata, property: string): ColumnMetadata {
  const found = metadata.findColumnWithPropertyName(property);
  if (!found) throw new Error(`${metadata.name} has no column ${property}`);
  return found;
}

/**
 * Selects entity properties of the table aliased `alias` as `<prefix><property>` and converts their raw values as
 * TypeORM would (dates from SQLite's text, booleans from 0/1, simple-json parsed), without building entities.
 */
export function entitySelection<K extends string>(
  dataSource: DataSource,
  metadata: EntityMetadata,
  alias: string,
  prefix: string,
  properties: readonly K[],
): Selection<K> {
  const driver = dataSource.driver;
  const columns = properties.map((property) => entityColumn(metadata, property));
  const names = properties.map((property) => `${prefix}${property}`);
  return {
    sql: columns
      .map((found, index) => `${alias}.${driver.escape(found.databaseName)} AS ${driver.escape(names[index])}`)
      .join(', '),
    hydrate: (raw) => {
      const row = {} as Row<K>;
      columns.forEach((found, index) => {
        row[properties[index]] = driver.prepareHydratedValue(raw[names[index]], found);
      });
      return row;
    },
  };
}
