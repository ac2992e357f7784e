import type { WaitingConsumer } from '../../../src/job-consumers.ts';
import type { TestEngine } from '../../support/test-engine.ts';

/**
 * Resolves once `count` more long polls or job streams for `type` are waiting in the engine.
 * An empty long poll writes no record, so this observes the engine's consumer registry instead:
 * it lets a test create work only after the poll or stream really waits, without sleeping.
 */
export function consumersWaiting(zeebe: TestEngine, type: string, count = 1): Promise<void> {
  const registry = zeebe.engine.jobConsumers;
  const add = registry.add;
  let seen = 0;
  return new Promise((resolve) => {
    registry.add = (consumer: WaitingConsumer): void => {
      add.call(registry, consumer);
      if (consumer.type === type && ++seen === count) {
        registry.add = add;
        resolve();
      }
    };
  });
}

/** The gRPC error a call failed with (the client passes the gateway's status code and details through). */
export async function grpcErrorOf(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; details: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** gRPC status codes the gateway answers business errors with. */
export const Status = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, FAILED_PRECONDITION: 9 } as const;
