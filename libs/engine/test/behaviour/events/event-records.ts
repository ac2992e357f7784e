import type { EngineRecord } from '../../../src/core/records.ts';
import type { TestEngine } from '../../support/test-engine.ts';

/** Record predicates and helpers shared by the event specs (messages, timers, signals, gateways). */

export const of =
  (valueType: string, intent: string, where: Record<string, unknown> = {}) =>
  (record: EngineRecord): boolean =>
    record.valueType === valueType &&
    record.intent === intent &&
    Object.entries(where).every(([name, value]) => record.value[name] === value);

export const messageSubscriptionOpened = (processInstanceKey: string, messageName?: string) =>
  of(
    'MESSAGE_SUBSCRIPTION',
    'CREATED',
    messageName === undefined ? { processInstanceKey } : { processInstanceKey, messageName },
  );

export const messageCorrelated = (processInstanceKey: string) =>
  of('MESSAGE_SUBSCRIPTION', 'CORRELATED', { processInstanceKey });

export const elementCompleted = (elementId: string, processInstanceKey?: string) =>
  of(
    'PROCESS_INSTANCE',
    'ELEMENT_COMPLETED',
    processInstanceKey === undefined ? { elementId } : { elementId, processInstanceKey },
  );

export const elementActivated = (elementId: string, processInstanceKey?: string) =>
  of(
    'PROCESS_INSTANCE',
    'ELEMENT_ACTIVATED',
    processInstanceKey === undefined ? { elementId } : { elementId, processInstanceKey },
  );

/** How many records written so far match. */
export const count = (zeebe: TestEngine, predicate: (record: EngineRecord) => boolean): number =>
  zeebe.records.filter(predicate).length;

/** Whether the process instance has ended (completed or terminated) by now. */
export const ended = (zeebe: TestEngine, processInstanceKey: string): boolean =>
  zeebe.records.some(
    (record) =>
      record.valueType === 'PROCESS_INSTANCE' &&
      record.key === processInstanceKey &&
      (record.intent === 'ELEMENT_COMPLETED' || record.intent === 'ELEMENT_TERMINATED'),
  );

/** The keys of the process instances created so far of a process id, in creation order. */
export const instancesOf = (zeebe: TestEngine, bpmnProcessId: string): string[] =>
  zeebe.records.filter(of('PROCESS_INSTANCE_CREATION', 'CREATED', { bpmnProcessId })).map((record) => record.key);

/** The gRPC status code a client call was rejected with. */
export async function rejectionOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}

export const GRPC_NOT_FOUND = 5;
export const GRPC_ALREADY_EXISTS = 6;
