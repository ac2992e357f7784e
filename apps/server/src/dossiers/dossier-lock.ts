import type { EntityManager } from 'typeorm';
import { Dossier } from './dossier.entity.ts';

/**
 * Loads a dossier inside a transaction, locking its row on MySQL/MariaDB (SELECT … FOR UPDATE) so that two workers or
 * requests changing the same dossier run one after the other. SQLite has a single writer: transactions are serialised
 * already (database/transaction.ts).
 */
export async function lockDossier(manager: EntityManager, id: string): Promise<Dossier | null> {
  const query = manager.getRepository(Dossier).createQueryBuilder('dossier').where('dossier.id = :id', { id });
  const type = manager.connection.options.type;
  if (type === 'mysql' || type === 'mariadb') query.setLock('pessimistic_write');
  return query.getOne();
}
