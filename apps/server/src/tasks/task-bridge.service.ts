import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { User } from '../users/user.entity.ts';
import { TaskRepository } from './task.repository.ts';
import type { UpsertOutcome } from './task.repository.ts';
import { TaskJobs, grpcCode } from './task-jobs.service.ts';
import { TaskHistory } from './task-history.ts';
import { TaskNames } from './task-names.ts';
import { USER_TASK_JOB_TYPE, USER_TASK_VARIABLES, readUserTaskJob } from './user-task-job.ts';
import type { UserTaskJob } from './user-task-job.ts';

/** Injection token of the bridge's timings (from MotcuaConfig.tasks). */
export const TASK_BRIDGE_SETTINGS = Symbol('TASK_BRIDGE_SETTINGS');

export interface TaskBridgeSettings {
  /** How long an activation holds a job (the job timeout sent with ActivateJobs and UpdateJobTimeout). */
  jobTimeoutMs: number;
  /** Period of the keep-alive pass (extends jobs, closes cancelled steps, resends completions); 0 = no timer. */
  keepAliveMs: number;
  /** Period of the ActivateJobs backfill beside the job stream. */
  backfillMs: number;
}

const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const WORKER_NAME = 'motcua-task-bridge';
const BATCH = 500;
const PARALLEL = 16;

/**
 * The user-task bridge (workers role). Activates `io.camunda.zeebe:userTask` jobs — pushed by a job
 * stream, with a periodic ActivateJobs backfill for jobs the stream missed — and upserts one Task per
 * job key, so a job delivered again after its timeout updates the row and never adds one. A job whose
 * task was completed meanwhile is completed again on Zeebe.
 *
 * The keep-alive pass extends open tasks' jobs with UpdateJobTimeout before their deadline; NOT_FOUND
 * there means the step was cancelled (a timer, a withdrawal, a modification) and the task is closed
 * as cancelled. The same pass resends completions Zeebe has not confirmed.
 */
@Injectable()
export class TaskBridge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TaskBridge');
  /** 'job' (key, outcome) after each delivery is recorded; 'pass' after each keep-alive pass. */
  readonly events = new EventEmitter();
  private stream?: { close: () => void };
  private timer?: NodeJS.Timeout;
  private restart?: NodeJS.Timeout;
  private running?: Promise<void>;
  private closed = false;
  private streaming = false;

  constructor(
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(TaskJobs) private readonly jobs: TaskJobs,
    @Inject(TaskHistory) private readonly history: TaskHistory,
    @Inject(TaskNames) private readonly names: TaskNames,
    @Inject(TASK_BRIDGE_SETTINGS) private readonly settings: TaskBridgeSettings,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** True once the job stream is open (readiness). */
  get ready(): boolean {
    return this.streaming;
  }

  onApplicationBootstrap(): void {
    // Not awaited: the application starts while the gateway is still unreachable; health waits for `ready`.
    void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Opens the job stream (resolves once it is open, or once the first attempt failed and a retry is scheduled). */
  async start(): Promise<void> {
    this.closed = false;
    if (this.settings.keepAliveMs > 0) this.schedulePass();
    await this.openStream();
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.restart);
    this.stream?.close();
    this.stream = undefined;
    this.streaming = false;
    await this.running?.catch(() => undefined);
  }

  private async openStream(): Promise<void> {
    try {
      const before = this.sdkStreams().length;
      const stream = await this.zeebe.streamJobs({
        type: USER_TASK_JOB_TYPE,
        worker: WORKER_NAME,
        timeout: this.settings.jobTimeoutMs,
        tenantIds: ['<default>'],
        fetchVariables: [...USER_TASK_VARIABLES],
        pollInterval: this.settings.backfillMs,
        taskHandler: async (job) => {
          await this.onJob(job as unknown as UserTaskJob);
          return job.forward();
        },
      });
      if (this.closed) {
        stream.close();
        return;
      }
      const own = this.sdkStreams().slice(before);
      this.stream = {
        close: () => {
          // The SDK logs the CANCELLED status of a stream it cancels itself as an error (twice, with a
          // stack): expected on every shutdown, so ours is closed quietly.
          for (const call of own) {
            call.removeAllListeners('error');
            call.on('error', () => undefined);
          }
          stream.close();
        },
      };
      this.streaming = true;
    } catch (error) {
      // The gateway is not reachable yet: try again after a backfill period.
      this.logger.warn(`user-task job stream not opened, retrying: ${String(error)}`);
      if (!this.closed) this.restart = setTimeout(() => void this.openStream(), this.settings.backfillMs);
    }
  }

  /** The gRPC calls the SDK's stream worker holds (internal to @camunda8/sdk 8.8; empty if that changes). */
  private sdkStreams(): EventEmitter[] {
    const worker = (this.zeebe as unknown as { streamWorker?: { streams?: unknown } }).streamWorker;
    return Array.isArray(worker?.streams) ? (worker.streams as EventEmitter[]) : [];
  }

  /** Records one delivery of a user-task job. Never throws: a job left unrecorded is delivered again after its timeout. */
  async onJob(job: UserTaskJob): Promise<UpsertOutcome | undefined> {
    try {
      const step = readUserTaskJob(job);
      const name = await this.names.nameOf(job);
      const assigneeId = step.assigneeUsername ? await this.userIdOf(step.assigneeUsername) : null;
      const deadline = Number(job.deadline);
      const jobDeadline = new Date(
        Number.isFinite(deadline) && deadline > 0 ? deadline : Date.now() + this.settings.jobTimeoutMs,
      );
      const result = await this.tasks.upsertFromJob(job, step, { name, assigneeId, jobDeadline }, (manager, task) =>
        this.history.record(manager, task, 'task-opened', { userId: null }),
      );
      if (result.outcome === 'completed') {
        // Completed in the inbox but the job came back (the completion never reached Zeebe): send it again.
        await this.jobs.sendCompletion(result.task);
      }
      this.events.emit('job', job.key, result.outcome);
      return result;
    } catch (error) {
      this.logger.error(`user-task job ${job.key} not recorded: ${String(error)}`);
      this.events.emit('job', job.key, 'failed');
      return undefined;
    }
  }

  private async userIdOf(username: string): Promise<string | null> {
    const user = await this.dataSource.getRepository(User).findOne({ where: { username }, select: { id: true } });
    return user?.id ?? null;
  }

  private schedulePass(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error: unknown) => this.logger.error(`keep-alive pass failed: ${String(error)}`))
        .finally(() => {
          this.events.emit('pass');
          this.schedulePass();
        });
    }, this.settings.keepAliveMs);
  }

  /** One keep-alive pass: extend jobs due soon, close cancelled steps, resend unconfirmed completions. */
  async pass(now = new Date()): Promise<void> {
    await this.keepAlive(now);
    await this.resendCompletions(now);
  }

  /**
   * Extends the jobs of open tasks whose deadline comes within the next two passes (or a quarter of the
   * job timeout, whichever is longer), so each job is extended about once per timeout, not once per pass.
   */
  async keepAlive(now = new Date()): Promise<{ extended: number; cancelled: number }> {
    const { jobTimeoutMs, keepAliveMs } = this.settings;
    const horizon = new Date(now.getTime() + Math.max(2 * keepAliveMs, jobTimeoutMs / 4));
    let after: { jobDeadline: Date; id: string } | undefined;
    let extended = 0;
    let cancelled = 0;
    for (;;) {
      if (this.closed) break;
      const batch = await this.tasks.openTasksDueForKeepAlive(horizon, BATCH, after);
      if (batch.length === 0) break;
      for (let index = 0; index < batch.length; index += PARALLEL) {
        await Promise.all(
          batch.slice(index, index + PARALLEL).map(async (task) => {
            try {
              await this.zeebe.updateJobTimeout({ jobKey: task.id, timeout: jobTimeoutMs });
              await this.tasks.setJobDeadline(task.id, new Date(Date.now() + jobTimeoutMs));
              extended++;
            } catch (error) {
              const code = grpcCode(error);
              if (code === NOT_FOUND) {
                await this.jobs.closeCancelled(task.id);
                cancelled++;
              } else if (code !== FAILED_PRECONDITION) {
                // FAILED_PRECONDITION: the job timed out and waits to be activated again (the backfill
                // delivers it and the task keeps its row). Anything else: try again next pass.
                this.logger.warn(`UpdateJobTimeout ${task.id}: ${String((error as Error).message ?? error)}`);
              }
            }
          }),
        );
      }
      const last = batch[batch.length - 1];
      after = { jobDeadline: last.jobDeadline, id: last.id };
      if (batch.length < BATCH) break;
    }
    return { extended, cancelled };
  }

  /** Completions the api wrote but Zeebe has not confirmed (CompleteJob failed or its process stopped). */
  async resendCompletions(now = new Date()): Promise<number> {
    // Leave the api's own first attempt a moment before retrying behind it.
    const before = new Date(now.getTime() - Math.min(this.settings.keepAliveMs, 10_000));
    let sent = 0;
    const batch = await this.tasks.completionsToSend(before, BATCH);
    for (let index = 0; index < batch.length; index += PARALLEL) {
      const results = await Promise.all(
        batch.slice(index, index + PARALLEL).map((task) => this.jobs.sendCompletion(task)),
      );
      sent += results.filter((result) => result === 'sent').length;
    }
    return sent;
  }
}
