import type { EntityManager } from 'typeorm';
import { DossierCodeSequence } from './dossier-code-sequence.entity.ts';

/** YYMMDD of `at` in Asia/Ho_Chi_Minh (UTC+07:00 all year since 1975). */
export function vietnameseDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(2, 10).replace(/-/g, '');
}

/** `at` as ISO 8601 with the +07:00 offset, e.g. 2026-03-05T17:00:00+07:00 (what BPMN timers and forms read). */
export function isoInVietnam(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

/**
 * The next number of a sequence (an agency's day `YYMMDD`, or a yearly document counter), inside the caller's
 * transaction: incremented in place (an UPDATE, which on MySQL/MariaDB takes the row's exclusive lock at once and
 * keeps it until the transaction ends), or created at 1 by an upsert for the first number of the day; then read back.
 * Concurrent transactions take numbers one after the other; SQLite has a single writer. A rolled-back transaction
 * gives its number back: no gaps, no duplicates. (INSERT IGNORE before the UPDATE would take a shared lock first, and
 * two transactions upgrading shared locks deadlock.)
 */
export async function nextSequenceNumber(manager: EntityManager, agencyCode: string, day: string): Promise<number> {
  const updated = await manager
    .createQueryBuilder()
    .update(DossierCodeSequence)
    .set({ lastNumber: () => 'lastNumber + 1' })
    .where('agencyCode = :agencyCode AND day = :day', { agencyCode, day })
    .execute();
  if (!updated.affected) {
    const type = manager.connection.options.type;
    const upsert =
      type === 'mysql' || type === 'mariadb'
        ? 'INSERT INTO dossier_code_sequences (agencyCode, day, lastNumber) VALUES (?, ?, 1) ' +
          'ON DUPLICATE KEY UPDATE lastNumber = lastNumber + 1'
        : 'INSERT INTO dossier_code_sequences (agencyCode, day, lastNumber) VALUES (?, ?, 1) ' +
          'ON CONFLICT (agencyCode, day) DO UPDATE SET lastNumber = lastNumber + 1';
    await manager.query(upsert, [agencyCode, day]);
  }
  const row = await manager.getRepository(DossierCodeSequence).findOneOrFail({ where: { agencyCode, day } });
  return row.lastNumber;
}
