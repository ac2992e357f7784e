import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { TestServer } from './test-server.ts';

const clients = new WeakMap<TestServer, ZeebeGrpcClient>();

/**
 * An official Zeebe client on the test server's embedded engine (what an operator's tool would use), closed with
 * `closeEngineClient`. For checks the HTTP API does not offer: is an instance still running, deploy a fixture.
 */
export function engineClient(server: TestServer): ZeebeGrpcClient {
  let client = clients.get(server);
  if (!client) {
    client = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${server.server.enginePort}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
      zeebeGrpcSettings: { ZEEBE_GRPC_CLIENT_MAX_RETRIES: 0 },
    } as never).getZeebeGrpcApiClient();
    clients.set(server, client);
  }
  return client;
}

export async function closeEngineClient(server: TestServer): Promise<void> {
  const client = clients.get(server);
  clients.delete(server);
  await client?.close(1_000);
}
