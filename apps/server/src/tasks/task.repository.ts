import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { insertRows } from '../database/insert.ts';
import { inTransaction, isUniqueViolation } from '../database/transaction.ts';
import { NO_DUE_DATE, Task, TaskCandidateGroup } from './task.entity.ts';
import type { TaskStatus } from './task.entity.ts';
import type { UserTaskJob, UserTaskStep } from './user-task-job.ts';

export type AssignedFilter = 'me' | 'unassigned' | 'all';

export interface InboxQuery {
  /** The caller's group codes: the inbox lists open tasks that name one of them as a candidate group. */
  groupCodes: readonly string[];
  userId: string;
  /** me: assigned to me; unassigned: nobody's yet; all: both. */
  assigned: AssignedFilter;
  serviceCode?: string;
  agencyCode?: string;
  dueBefore?: Date;
  overdue?: boolean;
  now: Date;
  limit: number;
  after?: InboxCursor;
}

export interface InboxCursor {
  dueAt: Date;
  taskId: string;
}

/** The columns an inbox row needs, and no more. */
export const INBOX_COLUMNS = [
  'id',
  'name',
  'formKey',
  'dossierId',
  'dossierCode',
  'serviceCode',
  'agencyCode',
  'assigneeId',
  'status',
  'dueAt',
  'createdAt',
  'claimedAt',
] as const satisfies readonly (keyof Task)[];
export type InboxTask = Pick<Task, (typeof INBOX_COLUMNS)[number]>;

export interface UpsertOutcome {
  task: Task;
  /** 'created': first delivery; 'redelivered': an open task's job came back (after a timeout); else the task was already closed. */
  outcome: 'created' | 'redelivered' | 'completed' | 'cancelled';
}

/** Hooks run inside the transaction that opens or closes a task (dossier history, dossier status). */
export type TaskHook = (manager: EntityManager, task: Task) => Promise<void>;

export function encodeCursor(cursor: InboxCursor): string {
  return Buffer.from(`${cursor.dueAt.getTime()}:${cursor.taskId}`).toString('base64url');
}

export function decodeCursor(text: string): InboxCursor | undefined {
  const match = /^(\d{1,16}):(\d{1,20})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!match) return undefined;
  return { dueAt: new Date(Number(match[1])), taskId: match[2] };
}

/** Tasks and their candidate groups in the database: every write keeps the two tables in step, in one transaction. */
@Injectable()
export class TaskRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  findById(id: string): Promise<Task | null> {
    return this.dataSource.getRepository(Task).findOne({ where: { id } });
  }

  /**
   * Records an activated user-task job: inserts the task on first delivery, refreshes the job
   * deadline of an open one delivered again, and leaves a closed one as it is (the caller decides).
   */
  async upsertFromJob(
    job: UserTaskJob,
    step: UserTaskStep,
    details: { name: string; assigneeId: string | null; jobDeadline: Date },
    onOpened: TaskHook,
  ): Promise<UpsertOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.dataSource, async (manager) => {
          const existing = await manager.findOne(Task, { where: { id: job.key } });
          if (existing) {
            if (existing.status === 'open') {
              existing.jobDeadline = details.jobDeadline;
              await manager.update(Task, { id: existing.id }, { jobDeadline: details.jobDeadline });
              return { task: existing, outcome: 'redelivered' as const };
            }
            return { task: existing, outcome: existing.status };
          }
          const task = manager.create(Task, {
            id: job.key,
            createdAt: new Date(),
            processInstanceKey: job.processInstanceKey,
            processDefinitionKey: job.processDefinitionKey,
            bpmnProcessId: job.bpmnProcessId,
            elementId: job.elementId,
            elementInstanceKey: job.elementInstanceKey,
            name: details.name.slice(0, 500),
            formKey: step.formKey,
            dossierId: step.dossierId,
            dossierCode: step.dossierCode,
            serviceCode: step.serviceCode,
            agencyCode: step.agencyCode,
            candidateGroups: step.candidateGroups,
            candidateUsers: step.candidateUsers,
            assigneeId: details.assigneeId,
            status: 'open',
            dueAt: step.dueAt,
            claimedAt: details.assigneeId ? new Date() : null,
            completedAt: null,
            completedBy: null,
            output: null,
            jobDeadline: details.jobDeadline,
            jobCompletedAt: null,
            cancelledAt: null,
          });
          // Every column is set here (createdAt too), so nothing needs reading back.
          await insertRows(manager, Task, task as never);
          if (step.candidateGroups.length > 0) {
            await insertRows(
              manager,
              TaskCandidateGroup,
              step.candidateGroups.map((groupCode) => ({
                taskId: task.id,
                groupCode,
                status: 'open' as const,
                assigneeId: task.assigneeId,
                dueAt: task.dueAt ?? NO_DUE_DATE,
                serviceCode: task.serviceCode,
                agencyCode: task.agencyCode,
              })),
            );
          }
          await onOpened(manager, task);
          return { task, outcome: 'created' as const };
        });
      } catch (error) {
        // The same job delivered twice at once (stream and backfill poll): the second writer reads the first's row.
        if (attempt === 0 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  /** Sets the assignee if the task is open and `expected` still holds; false when someone else changed it first. */
  async setAssignee(
    manager: EntityManager,
    taskId: string,
    assigneeId: string | null,
    expected: { assigneeId?: string | null },
    at = new Date(),
  ): Promise<boolean> {
    const query = manager
      .createQueryBuilder()
      .update(Task)
      .set({ assigneeId, claimedAt: assigneeId ? at : null })
      .where('id = :taskId AND status = :open', { taskId, open: 'open' });
    if (expected.assigneeId === null) query.andWhere('assigneeId IS NULL');
    else if (expected.assigneeId !== undefined)
      query.andWhere('assigneeId = :expected', { expected: expected.assigneeId });
    const result = await query.execute();
    if (result.affected !== 1) return false;
    await manager.update(TaskCandidateGroup, { taskId }, { assigneeId });
    return true;
  }

  /** Marks an open task assigned to `userId` completed with its output; false when it is not (any more). */
  async complete(
    manager: EntityManager,
    taskId: string,
    userId: string,
    output: Record<string, unknown>,
    at = new Date(),
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Task)
      .set({ status: 'completed', completedAt: at, completedBy: userId, output: output as never })
      .where('id = :taskId AND status = :open AND assigneeId = :userId', { taskId, open: 'open', userId })
      .execute();
    if (result.affected !== 1) return false;
    await manager.update(TaskCandidateGroup, { taskId }, { status: 'completed' });
    return true;
  }

  /** Closes a task whose step no longer exists on Zeebe; the task when this call closed it. */
  async cancel(taskId: string, fromStatuses: TaskStatus[], onCancelled: TaskHook): Promise<Task | undefined> {
    return inTransaction(this.dataSource, async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(Task)
        .set({ status: 'cancelled', cancelledAt: new Date() })
        .where('id = :taskId AND status IN (:...fromStatuses)', { taskId, fromStatuses })
        .execute();
      if (result.affected !== 1) return undefined;
      await manager.update(TaskCandidateGroup, { taskId }, { status: 'cancelled' });
      const task = (await manager.findOne(Task, { where: { id: taskId } }))!;
      await onCancelled(manager, task);
      return task;
    });
  }

  async markJobCompleted(taskId: string): Promise<void> {
    await this.dataSource
      .getRepository(Task)
      .update({ id: taskId, status: 'completed' }, { jobCompletedAt: new Date() });
  }

  async setJobDeadline(taskId: string, jobDeadline: Date): Promise<void> {
    await this.dataSource.getRepository(Task).update({ id: taskId, status: 'open' }, { jobDeadline });
  }

  /** Open tasks whose job deadline falls before `horizon`, oldest deadline first, after a keyset cursor. */
  openTasksDueForKeepAlive(
    horizon: Date,
    limit: number,
    after?: { jobDeadline: Date; id: string },
  ): Promise<Pick<Task, 'id' | 'jobDeadline'>[]> {
    const query = this.dataSource
      .getRepository(Task)
      .createQueryBuilder('t')
      .select(['t.id', 't.jobDeadline'])
      .where('t.status = :open AND t.jobDeadline <= :horizon', { open: 'open', horizon })
      .orderBy('t.jobDeadline', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit);
    if (after)
      query.andWhere('t.jobDeadline >= :afterDeadline AND (t.jobDeadline > :afterDeadline OR t.id > :afterId)', {
        afterDeadline: after.jobDeadline,
        afterId: after.id,
      });
    return query.getMany();
  }

  openTasksOfInstance(processInstanceKey: string): Promise<Pick<Task, 'id' | 'jobDeadline'>[]> {
    return this.dataSource.getRepository(Task).find({
      where: { processInstanceKey, status: 'open' },
      select: { id: true, jobDeadline: true },
    });
  }

  /** Completed tasks whose completion Zeebe has not confirmed yet, completed before `before`. */
  completionsToSend(before: Date, limit: number): Promise<Task[]> {
    return this.dataSource
      .getRepository(Task)
      .createQueryBuilder('t')
      .where('t.status = :completed AND t.jobCompletedAt IS NULL AND t.completedAt <= :before', {
        completed: 'completed',
        before,
      })
      .orderBy('t.completedAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * The inbox page: for each of my groups and each assignee condition, one index range
   * (groupCode, status, assigneeId, dueAt, taskId) read in due order, merged here; a task in
   * several of my groups shows once. Cost grows with the page size and my group count, not with
   * the number of open tasks.
   */
  async inbox(query: InboxQuery): Promise<{ tasks: InboxTask[]; next?: InboxCursor }> {
    const conditions: ('me' | 'unassigned')[] = query.assigned === 'all' ? ['unassigned', 'me'] : [query.assigned];
    const groups = [...new Set(query.groupCodes)];
    const fetch = query.limit + 1;
    const ranges = await Promise.all(
      groups.flatMap((groupCode) =>
        conditions.map((condition) => {
          const range = this.dataSource
            .getRepository(TaskCandidateGroup)
            .createQueryBuilder('g')
            .select(['g.taskId', 'g.dueAt'])
            .where('g.groupCode = :groupCode AND g.status = :open', { groupCode, open: 'open' });
          if (condition === 'me') range.andWhere('g.assigneeId = :userId', { userId: query.userId });
          else range.andWhere('g.assigneeId IS NULL');
          if (query.serviceCode) range.andWhere('g.serviceCode = :serviceCode', { serviceCode: query.serviceCode });
          if (query.agencyCode) range.andWhere('g.agencyCode = :agencyCode', { agencyCode: query.agencyCode });
          if (query.dueBefore) range.andWhere('g.dueAt < :dueBefore', { dueBefore: query.dueBefore });
          if (query.overdue) range.andWhere('g.dueAt < :now', { now: query.now });
          if (query.after)
            range.andWhere('g.dueAt >= :afterDue AND (g.dueAt > :afterDue OR g.taskId > :afterId)', {
              afterDue: query.after.dueAt,
              afterId: query.after.taskId,
            });
          return range.orderBy('g.dueAt', 'ASC').addOrderBy('g.taskId', 'ASC').limit(fetch).getMany();
        }),
      ),
    );
    const byOrder = ranges
      .flat()
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || compareKeys(a.taskId, b.taskId));
    const seen = new Set<string>();
    const page: TaskCandidateGroup[] = [];
    for (const row of byOrder) {
      if (seen.has(row.taskId)) continue;
      seen.add(row.taskId);
      page.push(row);
      if (page.length === fetch) break;
    }
    const hasMore = page.length > query.limit;
    const rows = page.slice(0, query.limit);
    if (rows.length === 0) return { tasks: [] };
    const tasks = await this.dataSource.getRepository(Task).find({
      select: Object.fromEntries(INBOX_COLUMNS.map((column) => [column, true])),
      where: { id: In(rows.map((row) => row.taskId)) },
    });
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const last = rows[rows.length - 1];
    return {
      tasks: rows.map((row) => byId.get(row.taskId)).filter((task): task is Task => task !== undefined),
      next: hasMore ? { dueAt: last.dueAt, taskId: last.taskId } : undefined,
    };
  }
}

/** Task ids in the order the database sorts these varchar keys (digits only: plain code-unit order on MySQL and SQLite). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
