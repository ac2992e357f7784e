import { expect } from 'chai';
import type { TestEngine } from '../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../support/test-engine.ts';

describe('a service task', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('hands its job to a worker with headers and variables, and completing it completes the instance', async () => {
    // given
    const deployment = await zeebe.deploy(import.meta.dirname, 'service-task.bpmn');
    const process = (deployment.deployments[0] as unknown as { process: { bpmnProcessId: string; version: number } })
      .process;
    expect(process).to.include({ bpmnProcessId: 'service-task', version: 1 });
    const instance = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'service-task',
      variables: { dossier: 'HS-1' },
    });

    // when
    const [job] = await zeebe.client.activateJobs({
      type: 'do-work',
      worker: 'spec',
      maxJobsToActivate: 5,
      timeout: 30_000,
      requestTimeout: -1,
    });
    await zeebe.client.completeJob({ jobKey: job.key, variables: { approved: true } });

    // then
    expect(job.processInstanceKey).to.equal(instance.processInstanceKey);
    expect(job.retries).to.equal(2);
    expect(job.customHeaders).to.deep.equal({ agency: '000.00.12.H10' });
    expect(job.variables).to.deep.equal({ dossier: 'HS-1' });
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('returns the result variables with CreateProcessInstanceWithResult', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'service-task.bpmn');
    const worker = zeebe.client.createWorker({
      taskType: 'do-work',
      pollInterval: 10,
      taskHandler: (job) => job.complete({ fee: 2000 }),
    });

    // when
    const result = await zeebe.client.createProcessInstanceWithResult({
      bpmnProcessId: 'service-task',
      variables: { pages: 1 },
      requestTimeout: 5_000,
    });
    await worker.close();

    // then
    expect(result.variables).to.deep.equal({ pages: 1, fee: 2000 });
  });
});
