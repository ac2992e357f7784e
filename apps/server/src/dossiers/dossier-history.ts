import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DossierEvent } from './dossier-event.entity.ts';
import type { DossierActorType } from './dossier-event.entity.ts';
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

/** Appends one entry to a dossier's history (append-only: nothing ever updates or deletes one). */
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
  await manager.getRepository(DossierEvent).insert(partialEntity<DossierEvent>(event));
  return event;
}

/** The event a worker step left under this key, if the step already ran (jobs arrive at least once). */
export function findStepEvent(manager: EntityManager, dedupeKey: string): Promise<DossierEvent | null> {
  return manager.getRepository(DossierEvent).findOne({ where: { dedupeKey } });
}
