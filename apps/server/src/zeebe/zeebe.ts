import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { MotcuaConfig } from '../config/config.ts';

/** Injection token of the shared ZeebeGrpcClient. */
export const ZEEBE = Symbol('ZEEBE');

/**
 * The official client, always over real gRPC: to the embedded engine when this process runs it,
 * else to ZEEBE_GRPC_ADDRESS with the client's own CAMUNDA_* variables (auth, TLS).
 */
export function createZeebeClient(config: MotcuaConfig, enginePort: number | undefined): ZeebeGrpcClient {
  const embedded = config.zeebe.embedded && enginePort !== undefined;
  const camunda = new Camunda8({
    ...(embedded
      ? { ZEEBE_GRPC_ADDRESS: `grpc://${config.engine.host}:${enginePort}`, CAMUNDA_AUTH_STRATEGY: 'NONE' }
      : { ZEEBE_GRPC_ADDRESS: config.zeebe.address }),
    ZEEBE_CLIENT_LOG_LEVEL: process.env.ZEEBE_CLIENT_LOG_LEVEL ?? 'ERROR',
  } as never);
  return camunda.getZeebeGrpcApiClient();
}
