import { createHash } from 'node:crypto';
import type { Clock } from './core/clock.ts';
import { systemClock } from './core/clock.ts';
import type { ProcessModel } from './core/model.ts';
import type { BatchResult, Processor as ProcessorType, SideEffect } from './core/processor.ts';
import { Processor, Rejection } from './core/processor.ts';
import type { EngineRecord } from './core/records.ts';
import type { DeployedProcess, StateSnapshot } from './core/state.ts';
import { parseBpmn } from './bpmn/parse.ts';
import { Journal } from './journal/index.ts';
import { JobConsumerRegistry } from './job-consumers.ts';
import { lockDirectory } from './directory-lock.ts';

export interface EngineOptions {
  /** Where the journal and snapshots live. */
  dataDir: string;
  /** Defaults to the system clock; tests pass a ControlledClock and call `tick()` themselves. */
  clock?: Clock;
  /** fsync each group commit (default true). */
  fsync?: boolean;
  log?: (message: string) => void;
  /** Take a snapshot (and compact the journal) after this many records (default 200,000). */
  snapshotEveryRecords?: number;
}

/** The engine stopped accepting commands (shutting down). */
export class EngineClosedError extends Error {}

type InstanceEndListener = (ended: Extract<SideEffect, { kind: 'instanceEnded' }>) => void;

/**
 * The engine host: runs commands through the pure processor, makes each batch of events
 * durable in the journal before answering, then performs the batch's side effects (pushing
 * jobs, answering awaited instances) and schedules whatever falls due next.
 */
export class Engine {
  readonly jobConsumers = new JobConsumerRegistry();
  private readonly recordListeners = new Set<(records: readonly EngineRecord[]) => void>();
  private readonly instanceEndListeners = new Map<string, InstanceEndListener>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue: number | undefined;
  private closed = false;
  private lastAppend: Promise<unknown> = Promise.resolve();
  private recordsSinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private readonly autoTick: boolean;

  private constructor(
    readonly processor: ProcessorType,
    private readonly journal: Journal,
    private readonly options: EngineOptions,
    private readonly unlock: () => void,
  ) {
    processor.consumers = this.jobConsumers;
    this.autoTick = (options.clock ?? systemClock) === systemClock;
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const log = options.log ?? (() => undefined);
    const unlock = lockDirectory(options.dataDir, 'engine.lock', 'motcua engine');
    try {
      return await Engine.recover(options, log, unlock);
    } catch (error) {
      unlock();
      throw error;
    }
  }

  private static async recover(
    options: EngineOptions,
    log: (message: string) => void,
    unlock: () => void,
  ): Promise<Engine> {
    const { journal, recovered } = await Journal.open({ dir: options.dataDir, fsync: options.fsync ?? true, log });
    const snapshot = recovered.snapshot?.state as StateSnapshot | undefined;
    const batches = recovered.entries.map((entry) => entry.entry as EngineRecord[]);
    // Models are parsed before replay: the processor's state needs them synchronously.
    const resources: DeployedProcess[] = [...(snapshot?.processes ?? [])];
    for (const batch of batches) {
      for (const record of batch) {
        if (record.valueType === 'PROCESS' && record.intent === 'CREATED')
          resources.push(record.value as unknown as DeployedProcess);
      }
    }
    const models = new Map<string, ProcessModel>();
    for (const process of resources) {
      const parsed = await parseBpmn(process.resource, process.resourceName);
      const model = parsed.find((candidate) => candidate.bpmnProcessId === process.bpmnProcessId);
      if (!model)
        throw new Error(`journal: process ${process.bpmnProcessId} not found again in ${process.resourceName}`);
      models.set(process.key, model);
    }
    const processor = new Processor(options.clock ?? systemClock, (process) => {
      const model = models.get(process.key);
      if (!model) throw new Error(`no parsed model for process ${process.key}`);
      return model;
    });
    if (snapshot) processor.state.loadSnapshot(snapshot);
    let replayed = 0;
    for (const batch of batches) {
      for (const record of batch) processor.state.apply(record);
      replayed += batch.length;
    }
    if (replayed > 0 || snapshot) {
      log(
        `motcua engine: recovered ${processor.state.processes.size} processes, ${processor.state.elementInstances.size} element instances (${replayed} records replayed)`,
      );
    }
    const engine = new Engine(processor, journal, options, unlock);
    engine.recordsSinceSnapshot = replayed;
    engine.scheduleTick();
    return engine;
  }

  /**
   * Runs one command and resolves once its events are durable. A rejected command throws the
   * Rejection and writes nothing.
   */
  async execute<T>(command: (processor: ProcessorType) => T, options: { awaitDurability?: boolean } = {}): Promise<T> {
    if (this.closed) throw new EngineClosedError('motcua engine is shutting down');
    this.jobConsumers.nextBatch();
    const outcome: BatchResult<T> = this.processor.run(() => command(this.processor));
    if (outcome.rejection) throw outcome.rejection;
    if (outcome.records.length > 0) {
      const records = outcome.records;
      const appended = this.journal.append(records).then(
        () => {
          this.recordsSinceSnapshot += records.length;
          for (const listener of this.recordListeners) listener(records);
        },
        (error: unknown) => {
          // The state moved ahead of the disk: stop rather than answer from state that may be lost.
          this.closed = true;
          this.options.log?.(`motcua engine: journal write failed, stopping: ${String(error)}`);
          throw new EngineClosedError(`motcua engine stopped: journal write failed: ${String(error)}`);
        },
      );
      this.lastAppend = appended;
      if (options.awaitDurability === false) appended.catch(() => undefined);
      else await appended;
    }
    this.performEffects(outcome.effects);
    this.scheduleTick();
    if (outcome.failure) {
      this.options.log?.(`motcua engine: internal error: ${outcome.failure.stack ?? outcome.failure.message}`);
      throw outcome.failure;
    }
    this.maybeSnapshot();
    return outcome.result as T;
  }

  /** Observes every durable record (tests, exporters). */
  onRecords(listener: (records: readonly EngineRecord[]) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  /** Calls back when the process instance ends (CreateProcessInstanceWithResult). Register inside the creating command. */
  awaitInstanceEnd(processInstanceKey: string, listener: InstanceEndListener): () => void {
    this.instanceEndListeners.set(processInstanceKey, listener);
    return () => this.instanceEndListeners.delete(processInstanceKey);
  }

  /** Fires whatever is due now (the host does this by itself on the system clock). */
  async tick(): Promise<void> {
    await this.execute((processor) => processor.tick());
  }

  static checksum(content: string): string {
    return createHash('sha256').update(content).digest('hex');
  }

  private performEffects(effects: readonly SideEffect[]): void {
    const pushed = new Map<string, SideEffect[]>();
    for (const effect of effects) {
      if (effect.kind === 'instanceEnded') {
        const listener = this.instanceEndListeners.get(effect.processInstanceKey);
        if (listener) {
          this.instanceEndListeners.delete(effect.processInstanceKey);
          listener(effect);
        }
        continue;
      }
      const list = pushed.get(effect.consumerId) ?? [];
      list.push(effect);
      pushed.set(effect.consumerId, list);
    }
    for (const [consumerId, list] of pushed) {
      const consumer = this.jobConsumers.get(consumerId);
      const jobs = list.map((effect) => (effect as Extract<SideEffect, { kind: 'jobPushed' }>).job);
      if (consumer && consumer.deliver(jobs)) continue;
      // Nobody took them: back in line for the next worker, as Zeebe yields an undeliverable pushed job.
      void this.execute((processor) => {
        for (const job of jobs) processor.yieldJob(job.key);
      }).catch((error: unknown) => this.options.log?.(`motcua engine: could not yield jobs: ${String(error)}`));
    }
  }

  private scheduleTick(): void {
    if (!this.autoTick || this.closed) return;
    const due = this.processor.nextDueDate();
    if (due === undefined || due === this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    const delay = Math.min(Math.max(0, due - Date.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = undefined;
      this.tick().catch((error: unknown) => {
        if (!(error instanceof EngineClosedError)) this.options.log?.(`motcua engine: tick failed: ${String(error)}`);
      });
    }, delay);
  }

  private maybeSnapshot(): void {
    const every = this.options.snapshotEveryRecords ?? 200_000;
    if (this.snapshotting || this.recordsSinceSnapshot < every) return;
    this.snapshotting = this.snapshot().finally(() => (this.snapshotting = undefined));
  }

  /** Writes a snapshot of the current state and compacts the journal behind it. */
  async snapshot(): Promise<void> {
    const position = this.journal.lastPosition;
    const state = this.processor.state.toSnapshot();
    this.recordsSinceSnapshot = 0;
    await this.lastAppend;
    await this.journal.snapshot(position, state);
  }

  /** Stops taking commands, lets in-flight ones finish, snapshots and closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.lastAppend.catch(() => undefined);
    await this.snapshotting;
    if (this.recordsSinceSnapshot > 0) await this.snapshot();
    await this.journal.close();
    this.unlock();
  }
}

export { Rejection };
