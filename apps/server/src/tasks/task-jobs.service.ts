import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { ZEEBE } from '../zeebe/zeebe.ts';
import type { Task } from './task.entity.ts';
import { TaskRepository } from './task.repository.ts';
import { TaskHistory } from './task-history.ts';

const NOT_FOUND = 5;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** What became of a completion sent to Zeebe. */
export type CompletionResult = 'sent' | 'cancelled' | 'pending';

/**
 * The Zeebe side of a task's completion, shared by the api (first attempt, right after the database
 * commit) and the bridge (retries from the database): CompleteJob with the task's output; NOT_FOUND
 * means the step is gone (cancelled instance, interrupting timer, modification), so the task is closed
 * as cancelled; any other failure leaves it for the bridge's next pass — no completion is lost.
 */
@Injectable()
export class TaskJobs {
  private readonly logger = new Logger('TaskJobs');

  constructor(
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(TaskHistory) private readonly history: TaskHistory,
  ) {}

  async sendCompletion(task: Pick<Task, 'id' | 'output'>): Promise<CompletionResult> {
    try {
      await this.zeebe.completeJob({ jobKey: task.id, variables: (task.output ?? {}) as never });
    } catch (error) {
      if (grpcCode(error) === NOT_FOUND) {
        // Also what a retry sees when an earlier attempt succeeded but its answer was lost; Zeebe
        // cannot tell the two apart, and the process has moved on either way.
        await this.closeCancelled(task.id, ['completed']);
        return 'cancelled';
      }
      this.logger.warn(`CompleteJob ${task.id} failed, retried later: ${String((error as Error).message ?? error)}`);
      return 'pending';
    }
    await this.tasks.markJobCompleted(task.id);
    return 'sent';
  }

  /**
   * Closes at once the open tasks of an instance the caller just cancelled (a withdrawal, a stop),
   * instead of waiting for the keep-alive pass: each task's job is asked for with UpdateJobTimeout
   * (keeping its deadline), and NOT_FOUND closes the task. Returns how many were closed.
   */
  async closeGoneTasksOf(processInstanceKey: string): Promise<number> {
    let closed = 0;
    for (const task of await this.tasks.openTasksOfInstance(processInstanceKey)) {
      const remaining = Math.max(1_000, task.jobDeadline.getTime() - Date.now());
      try {
        await this.zeebe.updateJobTimeout({ jobKey: task.id, timeout: remaining });
      } catch (error) {
        if (grpcCode(error) !== NOT_FOUND) continue;
        await this.closeCancelled(task.id);
        closed++;
      }
    }
    return closed;
  }

  /** Closes a task whose job no longer exists on Zeebe and records it in the dossier's history. */
  async closeCancelled(taskId: string, fromStatuses: Task['status'][] = ['open']): Promise<void> {
    await this.tasks.cancel(taskId, fromStatuses, (manager, task) =>
      this.history.record(manager, task, 'task-cancelled', { userId: null }),
    );
  }
}
