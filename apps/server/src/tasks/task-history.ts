import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendDossierEvent, findStepEvent } from '../dossiers/dossier-history.ts';
import { Dossier } from '../dossiers/dossier.entity.ts';
import { DossierStatus } from '../dossiers/dossier-status.ts';
import type { Task } from './task.entity.ts';

export type TaskHistoryEvent =
  'task-opened' | 'task-claimed' | 'task-unclaimed' | 'task-assigned' | 'task-completed' | 'task-cancelled';

export interface TaskActor {
  userId: string | null;
  name?: string | null;
}

const TEXTS: Record<TaskHistoryEvent, { vi: string; en: string }> = {
  'task-opened': { vi: 'Bắt đầu bước', en: 'Step opened' },
  'task-claimed': { vi: 'Nhận xử lý bước', en: 'Step claimed' },
  'task-unclaimed': { vi: 'Trả lại bước', en: 'Step released' },
  'task-assigned': { vi: 'Giao xử lý bước', en: 'Step assigned' },
  'task-completed': { vi: 'Hoàn thành bước', en: 'Step completed' },
  'task-cancelled': { vi: 'Hủy bước', en: 'Step cancelled' },
};

/** A desk task: every candidate group is a one-stop desk group (`desk@<agency>`). */
export function isDeskTask(task: Pick<Task, 'candidateGroups'>): boolean {
  return task.candidateGroups.length > 0 && task.candidateGroups.every((group) => group.startsWith('desk@'));
}

/**
 * What a task's life adds to its dossier, in the caller's transaction: an entry in the dossier's
 * history (officials' view, form 06: every hand-over with its time and actor) and, when the first
 * step beyond the desk opens on a received dossier, status 4 (processing) on the citizen's timeline.
 */
@Injectable()
export class TaskHistory {
  async record(
    manager: EntityManager,
    task: Task,
    event: TaskHistoryEvent,
    actor: TaskActor,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (!task.dossierId) return;
    // A process started outside motcua's dossiers (a test, a migration) has no history to add to.
    if (!(await manager.getRepository(Dossier).exists({ where: { id: task.dossierId } }))) return;
    // Opening and cancelling happen once per job although the job may be delivered more than once.
    const dedupeKey = event === 'task-opened' || event === 'task-cancelled' ? `${event}:${task.id}` : null;
    if (dedupeKey && (await findStepEvent(manager, dedupeKey))) return;
    const text = TEXTS[event];
    await appendDossierEvent(manager, {
      dossierId: task.dossierId,
      type: event,
      actor: actor.userId ? { type: 'official', id: actor.userId, name: actor.name ?? null } : { type: 'system' },
      isPublic: false,
      messageVi: `${text.vi}: ${task.name}`,
      messageEn: `${text.en}: ${task.name}`,
      data: { taskId: task.id, elementId: task.elementId, formKey: task.formKey, ...data },
      dedupeKey,
    });
    if (event === 'task-opened' && !isDeskTask(task)) await this.startProcessing(manager, task.dossierId, task.id);
  }

  /** Status 2 → 4 when the first step beyond the desk opens (a later step finds it at 4 already). */
  private async startProcessing(manager: EntityManager, dossierId: string, taskId: string): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(Dossier)
      .set({ status: DossierStatus.Processing })
      .where('id = :dossierId AND status = :received', { dossierId, received: DossierStatus.Received })
      .execute();
    if (result.affected !== 1) return;
    await appendDossierEvent(manager, {
      dossierId,
      type: 'processing',
      status: DossierStatus.Processing,
      isPublic: true,
      messageVi: 'Hồ sơ đang được xử lý',
      messageEn: 'The dossier is being processed',
      data: { taskId },
      dedupeKey: `processing:${taskId}`,
    });
  }
}
