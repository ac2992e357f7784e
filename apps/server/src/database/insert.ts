import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/**
 * Inserts rows without TypeORM's read-back of generated and defaulted columns (one more SELECT per row on SQLite).
 * For the hot write paths, whose callers already hold every value they use afterwards.
 */
export async function insertRows<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
  rows: QueryDeepPartialEntity<E> | QueryDeepPartialEntity<E>[],
): Promise<void> {
  await manager.createQueryBuilder().insert().into(target).values(rows).updateEntity(false).execute();
}
