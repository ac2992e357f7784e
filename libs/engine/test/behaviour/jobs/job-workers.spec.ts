import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { consumersWaiting } from './jobs-support.ts';

describe('job workers (streamJobs, createWorker)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('pushes a job created after the stream opened to the stream, whose handler completes it', async () => {
    // given: a stream without the periodic sidecar poll, so only the push can deliver the job
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const handled: string[] = [];
    const streaming = consumersWaiting(zeebe, 'examine-dossier');
    const stream = await zeebe.client.streamJobs({
      type: 'examine-dossier',
      worker: 'stream-spec',
      tenantIds: ['<default>'],
      timeout: 30_000,
      pollInterval: 0,
      taskHandler: (job) => {
        handled.push(job.processInstanceKey);
        return job.complete({ examined: true });
      },
    });
    await streaming;

    // when
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });

    // then
    const completed = await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    expect(completed.intent).to.equal('ELEMENT_COMPLETED');
    expect(handled).to.deep.equal([instance.processInstanceKey]);
    const variable = zeebe.records.find(
      (record) => record.valueType === 'VARIABLE' && record.value.name === 'examined',
    );
    expect(variable?.value).to.include({ value: true, scopeKey: instance.processInstanceKey });
    stream.close();
  });

  it('has a polling worker complete the jobs of its type', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const worker = zeebe.client.createWorker({
      taskType: 'examine-dossier',
      pollInterval: 10,
      loglevel: 'NONE',
      taskHandler: (job) => job.complete({ examinedBy: job.worker }),
    });

    // when
    const instances = await Promise.all(
      [1, 2, 3].map(() => zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} })),
    );

    // then
    for (const instance of instances) {
      await zeebe.waitFor(
        instanceCompleted(instance.processInstanceKey),
        `instance ${instance.processInstanceKey} completed`,
      );
    }
    await worker.close();
    const completions = zeebe.records.filter((record) => record.valueType === 'JOB' && record.intent === 'COMPLETED');
    expect(completions).to.have.length(3);
  });

  it('fails the job with one retry less when the handler throws, and gets it again', async () => {
    // given: a handler that throws on the first attempt only
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const attempts: number[] = [];
    const worker = zeebe.client.createWorker({
      taskType: 'examine-dossier',
      pollInterval: 10,
      loglevel: 'NONE',
      taskHandler: (job) => {
        attempts.push(job.retries);
        if (attempts.length === 1) throw new Error('registry unavailable');
        return job.complete();
      },
    });

    // when
    const instance = await zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });

    // then
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
    await worker.close();
    const failed = zeebe.records.find((record) => record.valueType === 'JOB' && record.intent === 'FAILED');
    expect(failed?.value.retries).to.equal(2);
    expect(failed?.value.errorMessage).to.contain('registry unavailable');
    expect(attempts).to.deep.equal([3, 2]);
  });
});
