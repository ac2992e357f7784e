import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes that differ between MySQL/MariaDB and SQLite, so one migration runs on both.
 * `createdAt`-style columns match TypeORM's CreateDateColumn on each driver.
 */
export function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

export function createdAtColumn(queryRunner: QueryRunner, name = 'createdAt'): TableColumnOptions {
  return isMysql(queryRunner)
    ? { name, type: 'datetime', precision: 6, default: 'CURRENT_TIMESTAMP(6)' }
    : { name, type: 'datetime', default: "datetime('now')" };
}

/** A date-time set by the application (nullable unless told otherwise). */
export function dateTimeColumn(queryRunner: QueryRunner, name: string, nullable = true): TableColumnOptions {
  return isMysql(queryRunner)
    ? { name, type: 'datetime', precision: 3, isNullable: nullable }
    : { name, type: 'datetime', isNullable: nullable };
}

/** Large JSON or text documents (TEXT is 64 KiB on MySQL, so use LONGTEXT there). */
export function documentColumn(queryRunner: QueryRunner, name: string, nullable = false): TableColumnOptions {
  return { name, type: isMysql(queryRunner) ? 'longtext' : 'text', isNullable: nullable };
}
