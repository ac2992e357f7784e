import { expect } from 'chai';
import type { EngineRecord } from '../../../src/core/records.ts';
import type { TestEngine } from '../../support/test-engine.ts';
import { incidentCreated, instanceCompleted, startTestEngine } from '../../support/test-engine.ts';
import { grpcErrorOf, Status } from './jobs-support.ts';

describe('job failures and incidents (FailJob, UpdateJobRetries, ResolveIncident)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activate = () =>
    zeebe.client.activateJobs({
      type: 'examine-dossier',
      worker: 'spec',
      timeout: 30_000,
      maxJobsToActivate: 5,
      requestTimeout: -1,
    });

  const startDossier = async () => {
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    return zeebe.client.createProcessInstance({ bpmnProcessId: 'job-activation', variables: {} });
  };

  /** A dossier whose only job failed with no retries left, and the incident that raised. */
  const failedWithoutRetries = async () => {
    const instance = await startDossier();
    const [job] = await activate();
    await zeebe.client.failJob({
      jobKey: job.key,
      retries: 0,
      errorMessage: 'registry rejected the dossier',
      retryBackOff: 0,
    });
    const incident = await zeebe.waitFor(incidentCreated(instance.processInstanceKey), 'incident created');
    return { instance, job, incident };
  };

  const incidentRecords = (intent: string): EngineRecord[] =>
    zeebe.records.filter((record) => record.valueType === 'INCIDENT' && record.intent === intent);

  it('makes a job failed with retries left activatable again at once when no back-off is given', async () => {
    // given
    await startDossier();
    const [job] = await activate();

    // when
    await zeebe.client.failJob({
      jobKey: job.key,
      retries: 2,
      errorMessage: 'temporarily unavailable',
      retryBackOff: 0,
    });
    const again = await activate();

    // then
    expect(again.map((activated) => activated.key)).to.deep.equal([job.key]);
    expect(again[0].retries).to.equal(2);
  });

  it('keeps a job failed with a retry back-off away from workers until the back-off passed', async () => {
    // given
    await startDossier();
    const [job] = await activate();

    // when
    await zeebe.client.failJob({
      jobKey: job.key,
      retries: 2,
      errorMessage: 'temporarily unavailable',
      retryBackOff: 10_000,
    });
    const atOnce = await activate();
    await zeebe.advance(9_999);
    const justBefore = await activate();
    await zeebe.advance(1);
    const afterBackOff = await activate();

    // then
    expect(atOnce).to.deep.equal([]);
    expect(justBefore).to.deep.equal([]);
    expect(afterBackOff.map((activated) => activated.key)).to.deep.equal([job.key]);
    expect(afterBackOff[0].retries).to.equal(2);
  });

  it('raises a JOB_NO_RETRIES incident carrying the error message when a job fails with no retries left', async () => {
    // when
    const { job, incident, instance } = await failedWithoutRetries();

    // then
    expect(incident.value).to.include({
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'registry rejected the dossier',
      jobKey: job.key,
      elementId: 'work',
      processInstanceKey: instance.processInstanceKey,
    });
    expect(await activate()).to.deep.equal([]);
  });

  it('refuses to resolve a job incident while the job still has no retries (FAILED_PRECONDITION)', async () => {
    // given
    const { incident, job } = await failedWithoutRetries();

    // when
    const error = await grpcErrorOf(zeebe.client.resolveIncident({ incidentKey: incident.key }));

    // then: Zeebe 8.5 rejects it (INVALID_STATE, answered as FAILED_PRECONDITION); the incident stays open
    expect(error.code).to.equal(Status.FAILED_PRECONDITION);
    expect(error.details).to.contain(`job with key '${job.key}' has no retries left`);
    expect(incidentRecords('RESOLVED')).to.have.length(0);
    expect(await activate()).to.deep.equal([]);
  });

  it('resolves a job incident after UpdateJobRetries: the job is activatable again and the instance completes', async () => {
    // given
    const { incident, job, instance } = await failedWithoutRetries();

    // when
    await zeebe.client.updateJobRetries({ jobKey: job.key, retries: 2 });
    const beforeResolving = await activate();
    await zeebe.client.resolveIncident({ incidentKey: incident.key });
    const [again] = await activate();
    await zeebe.client.completeJob({ jobKey: again.key, variables: { examined: true } });

    // then
    expect(beforeResolving).to.deep.equal([]);
    expect(again).to.include({ key: job.key, retries: 2 });
    expect(incidentRecords('RESOLVED').map((record) => record.key)).to.deep.equal([incident.key]);
    await zeebe.waitFor(instanceCompleted(instance.processInstanceKey), 'instance completed');
  });

  it('answers NOT_FOUND to resolving an incident that does not exist', async () => {
    // given
    await startDossier();

    // when
    const error = await grpcErrorOf(zeebe.client.resolveIncident({ incidentKey: '2251799813699999' }));

    // then
    expect(error.code).to.equal(Status.NOT_FOUND);
  });

  it('answers INVALID_ARGUMENT to UpdateJobRetries with zero retries', async () => {
    // given
    const { job } = await failedWithoutRetries();

    // when
    const error = await grpcErrorOf(zeebe.client.updateJobRetries({ jobKey: job.key, retries: 0 }));

    // then
    expect(error.code).to.equal(Status.INVALID_ARGUMENT);
    expect(error.details).to.contain(
      `Expected to update retries for job with key '${job.key}' with a positive amount of retries, but the amount given was '0'`,
    );
  });
});
