import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/**
 * Values for insert()/update(): TypeORM's deep-partial type cannot take `Record<string, unknown>` (our simple-json
 * columns), although the driver stores any JSON there.
 */
export function partialEntity<T>(value: Partial<T>): QueryDeepPartialEntity<T> {
  return value as QueryDeepPartialEntity<T>;
}
