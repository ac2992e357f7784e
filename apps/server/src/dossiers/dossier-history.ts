import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/insert.ts';
import { isUniqueViolation } from '../database/transaction.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import type { DossierActorType } from './dossier-event.entity.ts';
import { Dossier } from './dossier.entity.ts';
import { partialEntity } from './partial-entity.ts';

export interface DossierEventDraft {
  dossierId: string;
  type: string;
  status?: number | null;
  actor?: { type: DossierActorType; id?: string | null; name?: string | null };
  isPublic: boolean;
  messageVi: string;
  messageEn: string;
  data?: Record<string, unknown> | null;
  dedupeKey?: string | null;
  at?: Date;
}

/** How many times an append computes its `seq` again after another append to the dossier took it. */
const SEQ_ATTEMPTS = 5;

/**
 * Appends one entry to a dossier's history (append-only: nothing ever updates or deletes one), numbered `seq` = the
 * dossier's last `seq` + 1 in the caller's transaction. On MySQL/MariaDB appends to one dossier queue on the dossier's
 * row lock (lockDossier's callers hold it already; the task history's do not), and the last `seq` is read with a
 * locking read, which sees the latest committed rows where a plain read would see the transaction's snapshot. SQLite
 * has one writer (database/transaction.ts). Should two appends still meet, the unique index (dossierId, seq) refuses
 * the second, which takes the next number: a failed INSERT undoes only itself on MySQL and SQLite, not the transaction.
 */
export async function appendDossierEvent(manager: EntityManager, draft: DossierEventDraft): Promise<DossierEvent> {
  const event = manager.getRepository(DossierEvent).create({
    id: randomUUID(),
    dossierId: draft.dossierId,
    type: draft.type,
    status: draft.status ?? null,
    actorType: draft.actor?.type ?? 'system',
    actorId: draft.actor?.id ?? null,
    actorName: draft.actor?.name ?? null,
    isPublic: draft.isPublic,
    messageVi: draft.messageVi.slice(0, 1000),
    messageEn: draft.messageEn.slice(0, 1000),
    data: draft.data ?? null,
    dedupeKey: draft.dedupeKey ?? null,
    at: draft.at ?? new Date(),
  });
  const locking = isMysql(manager) && manager.queryRunner?.isTransactionActive === true;
  if (locking) {
    await manager
      .getRepository(Dossier)
      .createQueryBuilder('dossier')
      .select('dossier.id', 'id')
      .where('dossier.id = :id', { id: draft.dossierId })
      .setLock('pessimistic_write')
      .getRawOne();
  }
  for (let attempt = 1; ; attempt++) {
    event.seq = (await lastSeq(manager, draft.dossierId, locking)) + 1;
    try {
      // The event holds every value already: nothing to read back.
      await insertRows(manager, DossierEvent, partialEntity<DossierEvent>(event));
      return event;
    } catch (error) {
      if (attempt >= SEQ_ATTEMPTS || !isSeqViolation(error)) throw error;
    }
  }
}

/** The dossier's last `seq` (0 without events). */
async function lastSeq(manager: EntityManager, dossierId: string, locking: boolean): Promise<number> {
  const query = manager
    .getRepository(DossierEvent)
    .createQueryBuilder('event')
    .select('event.seq', 'seq')
    .where('event.dossierId = :dossierId', { dossierId })
    .orderBy('event.seq', 'DESC')
    .limit(1);
  if (locking) query.setLock('pessimistic_write');
  const row = (await query.getRawOne()) as { seq: number | string } | undefined;
  return row ? Number(row.seq) : 0;
}

function isMysql(manager: EntityManager): boolean {
  const type = manager.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/**
 * A unique violation of (dossierId, seq), not of dedupeKey (a step that ran already, which the caller handles):
 * MySQL names the index (`for key 'IDX_dossier_events_seq'`), SQLite the columns (`dossier_events.dossierId,
 * dossier_events.seq`).
 */
export function isSeqViolation(error: unknown): boolean {
  if (!isUniqueViolation(error)) return false;
  const { message, driverError } = error as { message?: string; driverError?: { message?: string } };
  return /IDX_dossier_events_seq|dossier_events\.seq\b/.test(`${message ?? ''} ${driverError?.message ?? ''}`);
}

/** The event a worker step left under this key, if the step already ran (jobs arrive at least once). */
export function findStepEvent(manager: EntityManager, dedupeKey: string): Promise<DossierEvent | null> {
  return manager.getRepository(DossierEvent).findOne({ where: { dedupeKey } });
}
