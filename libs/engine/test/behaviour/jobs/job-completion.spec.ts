import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { grpcErrorOf, Status } from './jobs-support.ts';

interface GrpcTransport {
  completeJobSync(request: { jobKey: string; variables: string }): Promise<unknown>;
}

describe('job completion (CompleteJob)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activateOne = async () => {
    const [job] = await zeebe.client.activateJobs({
      type: 'examine-dossier',
      worker: 'spec',
      timeout: 30_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    });
    return job;
  };

  it('answers NOT_FOUND to a second completion of the same job', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });
    const job = await activateOne();
    await zeebe.client.completeJob({ jobKey: job.key, variables: { result: 'first' } });

    // when
    const error = await grpcErrorOf(zeebe.client.completeJob({ jobKey: job.key, variables: { result: 'second' } }));

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
    expect(error.details).to.match(/^Command 'COMPLETE' rejected with code 'NOT_FOUND'/);
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    const results = zeebe.records.filter((record) => record.valueType === 'VARIABLE' && record.value.name === 'result');
    expect(results.map((record) => record.value.value)).to.deep.equal(['first']);
  });

  it('answers NOT_FOUND to completing a job key that never existed', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');

    // when
    const error = await grpcErrorOf(zeebe.client.completeJob({ jobKey: '2251799813699999', variables: {} }));

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
  });

  it('answers INVALID_ARGUMENT to variables that are not a JSON object, and keeps the job', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });
    const job = await activateOne();

    // when: a JSON array as the variables document. The client's completeJob refuses arrays before
    // sending, so the request goes out through the client's own gRPC transport.
    const transport = await (zeebe.client as unknown as { grpc: Promise<GrpcTransport> }).grpc;
    const error = await grpcErrorOf(transport.completeJobSync({ jobKey: job.key, variables: '["approved"]' }));

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    await zeebe.client.completeJob({ jobKey: job.key, variables: { approved: true } });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });
});
