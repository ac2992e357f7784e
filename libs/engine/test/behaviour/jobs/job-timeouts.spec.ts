import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { grpcErrorOf, Status } from './jobs-support.ts';

describe('job timeouts (activation timeout, UpdateJobTimeout)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activate = (timeout = 30_000) =>
    zeebe.client.activateJobs({
      type: 'examine-dossier',
      worker: 'spec',
      timeout,
      maxJobsToActivate: 5,
      requestTimeout: -1,
    });

  const startDossier = async () => {
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    return zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });
  };

  it('makes a job activatable again once its activation timeout passed, without using up a retry', async () => {
    // given: a job activated with a 30 s timeout
    await startDossier();
    const [first] = await activate(30_000);

    // when
    await zeebe.advance(29_999);
    const beforeDeadline = await activate();
    await zeebe.advance(2);
    const afterDeadline = await activate();

    // then
    expect(beforeDeadline).to.deep.equal([]);
    expect(afterDeadline.map((job) => job.key)).to.deep.equal([first.key]);
    expect(afterDeadline[0].retries).to.equal(first.retries);
    expect(
      zeebe.records.filter((record) => record.valueType === 'JOB' && record.intent === 'TIMED_OUT'),
    ).to.have.length(1);
  });

  it('moves the deadline with UpdateJobTimeout: not re-activated at the old deadline, but after the new one', async () => {
    // given: a job activated with a 10 s timeout
    await startDossier();
    const [job] = await activate(10_000);

    // when: 2 s later, the worker asks for 60 s from now
    await zeebe.advance(2_000);
    await zeebe.client.updateJobTimeout({ jobKey: job.key, timeout: 60_000 });
    await zeebe.advance(8_001);
    const pastOldDeadline = await activate();
    await zeebe.advance(51_998);
    const justBeforeNewDeadline = await activate();
    await zeebe.advance(1);
    const atNewDeadline = await activate();

    // then
    expect(pastOldDeadline).to.deep.equal([]);
    expect(justBeforeNewDeadline).to.deep.equal([]);
    expect(atNewDeadline.map((activated) => activated.key)).to.deep.equal([job.key]);
  });

  it('answers NOT_FOUND to UpdateJobTimeout for a job whose instance was cancelled', async () => {
    // given
    const instance = await startDossier();
    const [job] = await activate();
    await zeebe.client.cancelProcessInstance(instance.processInstanceKey);

    // when
    const error = await grpcErrorOf(zeebe.client.updateJobTimeout({ jobKey: job.key, timeout: 60_000 }));

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
  });

  it('answers FAILED_PRECONDITION to UpdateJobTimeout for a job that is not activated', async () => {
    // given: a job that was created but never activated
    await startDossier();
    const created = await zeebe.waitFor(
      (record) => record.valueType === 'JOB' && record.intent === 'CREATED',
      'job created',
    );

    // when
    const error = await grpcErrorOf(zeebe.client.updateJobTimeout({ jobKey: created.key, timeout: 60_000 }));

    // then: Zeebe rejects it as INVALID_STATE ("... but it is not active"), which its gateway maps to FAILED_PRECONDITION
    expect(error.code).to.equal(Status.FAILED_PRECONDITION);
    expect(error.details).to.contain('but it is not active');
  });
});
