import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { EngineRecord } from '../../../src/core/records.ts';
import type { TestEngine } from '../../support/test-engine.ts';

/** Helpers shared by the control-flow specs (gateways, scopes, variables, administrative RPCs). */

/** gRPC status codes as the official client reports them. */
export const Status = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
} as const;

/** The gRPC error a client call failed with (code and details as the gateway sent them). */
export async function grpcErrorOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (error) {
    const { code, details, message } = error as { code: number; details?: string; message: string };
    return { code, details: details ?? message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface ActivatedJob {
  key: string;
  type: string;
  processInstanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  variables: Record<string, unknown>;
}

/** Activates whatever jobs of a type are activatable right now (no long poll: the engine creates jobs within the command that leads to them). */
export async function activate(zeebe: TestEngine, type: string, maxJobsToActivate = 10): Promise<ActivatedJob[]> {
  const jobs = await zeebe.client.activateJobs({
    type,
    worker: 'flow-spec',
    maxJobsToActivate,
    timeout: 60_000,
    requestTimeout: -1,
  });
  return jobs as unknown as ActivatedJob[];
}

/** Activates exactly one job of a type, failing the test if there is none or more than one. */
export async function activateOne(zeebe: TestEngine, type: string): Promise<ActivatedJob> {
  const jobs = await activate(zeebe, type);
  if (jobs.length !== 1) throw new Error(`expected exactly one activatable '${type}' job, found ${jobs.length}`);
  return jobs[0];
}

export const of =
  (valueType: string, intent: string, where: Record<string, unknown> = {}) =>
  (record: EngineRecord): boolean =>
    record.valueType === valueType &&
    record.intent === intent &&
    Object.entries(where).every(([name, value]) => record.value[name] === value);

export const elementActivated = (elementId: string, processInstanceKey: string) =>
  of('PROCESS_INSTANCE', 'ELEMENT_ACTIVATED', { elementId, processInstanceKey });

export const elementCompleted = (elementId: string, processInstanceKey: string) =>
  of('PROCESS_INSTANCE', 'ELEMENT_COMPLETED', { elementId, processInstanceKey });

export const elementTerminated = (elementId: string, processInstanceKey: string) =>
  of('PROCESS_INSTANCE', 'ELEMENT_TERMINATED', { elementId, processInstanceKey });

/** How many records written so far match. */
export const count = (zeebe: TestEngine, predicate: (record: EngineRecord) => boolean): number =>
  zeebe.records.filter(predicate).length;

/** The element instance key of the (first) activation of an element in a process instance. */
export async function elementInstanceKeyOf(
  zeebe: TestEngine,
  elementId: string,
  processInstanceKey: string,
): Promise<string> {
  const record = await zeebe.waitFor(elementActivated(elementId, processInstanceKey), `${elementId} activated`);
  return record.key;
}

/** The raw gateway stub of the official client, for requests its typed API cannot express (by key, non-object documents). */
export interface RawGateway {
  createProcessInstanceSync(request: Record<string, unknown>): Promise<{
    processDefinitionKey: string;
    bpmnProcessId: string;
    version: number;
    processInstanceKey: string;
  }>;
}

export async function rawGatewayOf(client: ZeebeGrpcClient): Promise<RawGateway> {
  return (client as unknown as { grpc: Promise<RawGateway> }).grpc;
}

/** Partition 1's first key: Zeebe puts the partition id in the top bits (partitionId << 51). */
export const FIRST_KEY_OF_PARTITION_1 = 2251799813685249n;
