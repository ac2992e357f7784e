import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { FIRST_KEY_OF_PARTITION_1, Status, activateOne, grpcErrorOf } from './flow-support.ts';

/** A key as Zeebe builds it on partition 1: an int64 decimal string with 1 in the bits above the 51-bit sequence. */
function expectPartition1Key(key: string, what: string): void {
  expect(key, what).to.match(/^\d+$/);
  const value = BigInt(key);
  expect(value >= FIRST_KEY_OF_PARTITION_1, `${what} ${key} >= ${FIRST_KEY_OF_PARTITION_1}`).to.equal(true);
  expect(value >> 51n, `${what} ${key} partition`).to.equal(1n);
  expect(value < 2n ** 63n, `${what} ${key} fits an int64`).to.equal(true);
}

describe('the gateway protocol', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('reports a topology of one broker leading one healthy partition, on gateway version 8.5', async () => {
    // when
    const topology = await zeebe.client.topology();

    // then
    expect(topology.gatewayVersion.startsWith('8.5')).to.equal(true);
    expect(topology).to.include({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 });
    expect(topology.brokers).to.have.length(1);
    expect(topology.brokers[0].port).to.equal(zeebe.port);
    expect(topology.brokers[0].partitions).to.deep.equal([{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }]);
  });

  it('gives out keys as Zeebe does on partition 1: int64 decimal strings, the partition id in the top bits', async () => {
    // given
    const deployment = await zeebe.deploy(import.meta.dirname, 'process-instance-creation.bpmn');
    const process = (deployment.deployments[0] as unknown as { process: { processDefinitionKey: string } }).process;

    // when
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: {},
    });
    const job = await activateOne(zeebe, 'receive-dossier');

    // then
    expectPartition1Key(deployment.key, 'deployment key');
    expectPartition1Key(process.processDefinitionKey, 'process definition key');
    expectPartition1Key(instance.processInstanceKey, 'process instance key');
    expectPartition1Key(job.key, 'job key');
    expectPartition1Key(job.elementInstanceKey, 'element instance key');
    expect(BigInt(instance.processInstanceKey) > BigInt(process.processDefinitionKey)).to.equal(true);
    expect(deployment.tenantId).to.equal('<default>');
    expect(instance.tenantId).to.equal('<default>');
  });

  it('answers an RPC the engine does not implement (EvaluateDecision) with UNIMPLEMENTED', async () => {
    // when
    const error = await grpcErrorOf(
      zeebe.client.evaluateDecision({ decisionId: 'fee-table', variables: { pages: 3 } }),
    );

    // then
    expect(error.code).to.equal(Status.UNIMPLEMENTED);
  });

  it('answers MigrateProcessInstance with UNIMPLEMENTED', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'process-instance-creation.bpmn');
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'process-instance-creation',
      variables: {},
    });

    // when
    const error = await grpcErrorOf(
      zeebe.client.migrateProcessInstance({
        processInstanceKey: instance.processInstanceKey,
        migrationPlan: { targetProcessDefinitionKey: instance.processDefinitionKey, mappingInstructions: [] },
      } as never),
    );

    // then
    expect(error.code).to.equal(Status.UNIMPLEMENTED);
  });
});
