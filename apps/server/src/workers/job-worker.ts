import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { Job, JobCompletionInterface } from '@camunda8/sdk/dist/zeebe/lib/interfaces-1.0.js';

/** An activated job as the handlers see it. */
export type MotcuaJob = Job<Record<string, unknown>, Record<string, unknown>>;

/** What a handler decided: complete with outputs, or the instance was cancelled (nothing to acknowledge). */
export type JobOutcome = { complete: Record<string, unknown> } | { cancelled: true };

export type JobHandler = (job: MotcuaJob) => Promise<JobOutcome>;

/**
 * A business outcome the diagram models as a BPMN error (an error boundary event with this code). None of the
 * reference diagrams models one today: every failure of the motcua.* handlers is a technical fault.
 */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface JobWorkerOptions {
  /** Worker name reported to the engine. */
  worker: string;
  /** How long an activated job stays ours before the engine hands it to another worker. */
  timeoutMs: number;
  /** Backfill poll beside the stream: picks up jobs the push missed (re-queued after a time-out, a reconnect). */
  pollIntervalMs: number;
  /** Per job type, the only variables to fetch with each job (processes/README.md: "pass them as fetchVariable"). */
  fetchVariables?: ReadonlyMap<string, readonly string[]>;
  /** Called when a job failed for good (no retries left), for the stalled-dossiers list. */
  onStalled?: (job: MotcuaJob, errorMessage: string) => Promise<void>;
  log?: (message: string) => void;
}

export interface RunningJobWorkers {
  close(): void;
}

/** Back-off before the next attempt: 1 s, 2 s, 4 s … at most a minute (the job's retries count down from 3). */
export function retryBackOff(retriesLeft: number): number {
  const attempt = Math.max(0, 3 - retriesLeft);
  return Math.min(60_000, 1_000 * 2 ** attempt);
}

/**
 * Runs handlers on job streams (StreamActivatedJobs: a job is pushed the moment it is created) with the client's
 * backfill poll (ActivateJobs at open and every pollIntervalMs). Jobs arrive at least once, so every handler is
 * idempotent. A handler's result completes the job; a BpmnError becomes a BPMN error (job.error); any other error is
 * a technical fault: the job fails with one retry less and a back-off, and when none is left it is recorded as
 * stalled. Nothing a handler throws escapes (the client does not catch a stream handler's errors).
 */
export async function startJobWorkers(
  zeebe: ZeebeGrpcClient,
  handlers: ReadonlyMap<string, JobHandler>,
  options: JobWorkerOptions,
): Promise<RunningJobWorkers> {
  const log = options.log ?? (() => undefined);
  const streams: { close: () => void }[] = [];
  try {
    for (const [type, handler] of handlers) {
      const stream = await zeebe.streamJobs<Record<string, unknown>, Record<string, unknown>>({
        type,
        worker: options.worker,
        timeout: options.timeoutMs,
        tenantIds: ['<default>'],
        pollInterval: options.pollIntervalMs,
        ...(options.fetchVariables?.has(type) ? { fetchVariables: [...options.fetchVariables.get(type)!] } : {}),
        taskHandler: (job) =>
          runJob(job as MotcuaJob & JobCompletionInterface<Record<string, unknown>>, handler, options, log),
      });
      streams.push(stream);
    }
  } catch (error) {
    for (const stream of streams) stream.close();
    throw error;
  }
  return {
    close: () => {
      for (const stream of streams) stream.close();
    },
  };
}

async function runJob(
  job: MotcuaJob & JobCompletionInterface<Record<string, unknown>>,
  handler: JobHandler,
  options: JobWorkerOptions,
  log: (message: string) => void,
): Promise<'JOB_ACTION_ACKNOWLEDGEMENT'> {
  let outcome: JobOutcome;
  try {
    outcome = await handler(job);
  } catch (error) {
    if (error instanceof BpmnError) {
      return acknowledge(job, () => job.error(error.code, error.message), log);
    }
    const errorMessage = `${(error as Error)?.message ?? String(error)}`.slice(0, 2000);
    const retries = Math.max(0, job.retries - 1);
    log(`motcua worker: ${job.type} job ${job.key} failed (${retries} retries left): ${errorMessage}`);
    const acknowledged = await acknowledge(
      job,
      () => job.fail({ errorMessage, retries, retryBackOff: retryBackOff(retries) }),
      log,
    );
    if (retries === 0 && options.onStalled) {
      await options
        .onStalled(job, errorMessage)
        .catch((stallError: unknown) =>
          log(`motcua worker: could not record stalled job ${job.key}: ${String(stallError)}`),
        );
    }
    return acknowledged;
  }
  if ('cancelled' in outcome) return job.forward();
  return acknowledge(job, () => job.complete(outcome.complete), log);
}

/** Sends the job's outcome; a job that is gone meanwhile (instance cancelled, timed out and redone) is only logged. */
async function acknowledge(
  job: MotcuaJob,
  send: () => Promise<'JOB_ACTION_ACKNOWLEDGEMENT'>,
  log: (message: string) => void,
): Promise<'JOB_ACTION_ACKNOWLEDGEMENT'> {
  try {
    return await send();
  } catch (error) {
    log(
      `motcua worker: could not acknowledge ${job.type} job ${job.key}: ${(error as Error)?.message ?? String(error)}`,
    );
    return 'JOB_ACTION_ACKNOWLEDGEMENT';
  }
}
