import { mkdtempSync, rmSync } from 'node:fs';

process.env.ZEEBE_CLIENT_LOG_LEVEL = 'NONE';
process.env.CAMUNDA_LOG_LEVEL = 'none';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { ControlledClock } from '../../src/core/clock.ts';
import { Engine } from '../../src/engine.ts';
import { Gateway } from '../../src/gateway/server.ts';
import type { EngineRecord } from '../../src/core/records.ts';

/**
 * A motcua engine on a temp data dir behind its real gRPC gateway, and the official client
 * talking to it. The engine runs on a controlled clock: `advance` moves time and fires what
 * fell due, so timer tests never sleep.
 */
export interface TestEngine {
  readonly client: ZeebeGrpcClient;
  readonly engine: Engine;
  readonly clock: ControlledClock;
  readonly port: number;
  readonly dataDir: string;
  readonly records: EngineRecord[];
  /** Deploys a fixture file by path (relative to the calling spec's folder, pass import.meta.dirname). */
  deploy(dir: string, ...files: string[]): ReturnType<ZeebeGrpcClient['deployResources']>;
  advance(ms: number): Promise<void>;
  /** Resolves when a record matching the predicate is (or already was) written. */
  waitFor(predicate: (record: EngineRecord) => boolean, what: string, timeoutMs?: number): Promise<EngineRecord>;
  close(): Promise<void>;
}

/** The official client for a local engine; `retry: false` makes calls fail fast when the engine is gone. */
export function clientFor(port: number, options: { retry?: boolean } = {}): ZeebeGrpcClient {
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    ...(options.retry === false ? { zeebeGrpcSettings: { ZEEBE_GRPC_CLIENT_RETRY: false } } : {}),
  } as never);
  return camunda.getZeebeGrpcApiClient();
}

export async function startTestEngine(
  options: { clock?: ControlledClock; dataDir?: string } = {},
): Promise<TestEngine> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'motcua-engine-'));
  const clock = options.clock ?? new ControlledClock();
  const engine = await Engine.open({ dataDir, clock });
  const gateway = new Gateway(engine);
  const port = await gateway.listen({ port: 0 });
  const client = clientFor(port);
  const records: EngineRecord[] = [];
  const waiters = new Set<{ predicate: (record: EngineRecord) => boolean; resolve: (record: EngineRecord) => void }>();
  engine.onRecords((batch) => {
    for (const record of batch) {
      records.push(record);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(record)) {
          waiters.delete(waiter);
          waiter.resolve(record);
        }
      }
    }
  });
  return {
    client,
    engine,
    clock,
    port,
    dataDir,
    records,
    async deploy(dir, ...files) {
      const resources = await Promise.all(
        files.map(async (file) => ({ name: file.split('/').pop()!, process: await readFile(join(dir, file)) })),
      );
      return client.deployResources(resources as never);
    },
    async advance(ms) {
      clock.advance(ms);
      await engine.tick();
    },
    waitFor(predicate, what, timeoutMs = 5_000) {
      const existing = records.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (record: EngineRecord) => (clearTimeout(timer), resolve(record)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      await client.close();
      await gateway.close();
      await engine.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Predicates over records, in the spirit of zeebe-process-test's assertions. */
export const passed =
  (elementId: string, processInstanceKey?: string) =>
  (record: EngineRecord): boolean =>
    record.valueType === 'PROCESS_INSTANCE' &&
    record.intent === 'ELEMENT_COMPLETED' &&
    record.value.elementId === elementId &&
    (processInstanceKey === undefined || record.value.processInstanceKey === processInstanceKey);

export const instanceCompleted =
  (processInstanceKey: string) =>
  (record: EngineRecord): boolean =>
    record.valueType === 'PROCESS_INSTANCE' &&
    record.intent === 'ELEMENT_COMPLETED' &&
    record.key === processInstanceKey;

export const instanceTerminated =
  (processInstanceKey: string) =>
  (record: EngineRecord): boolean =>
    record.valueType === 'PROCESS_INSTANCE' &&
    record.intent === 'ELEMENT_TERMINATED' &&
    record.key === processInstanceKey;

export const incidentCreated =
  (processInstanceKey: string) =>
  (record: EngineRecord): boolean =>
    record.valueType === 'INCIDENT' &&
    record.intent === 'CREATED' &&
    record.value.processInstanceKey === processInstanceKey;

export const jobCreated =
  (type: string, processInstanceKey?: string) =>
  (record: EngineRecord): boolean =>
    record.valueType === 'JOB' &&
    record.intent === 'CREATED' &&
    record.value.type === type &&
    (processInstanceKey === undefined || record.value.processInstanceKey === processInstanceKey);
