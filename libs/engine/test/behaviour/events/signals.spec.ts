import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, passed, startTestEngine } from '../../support/test-engine.ts';
import { count, ended, GRPC_NOT_FOUND, instancesOf, of, rejectionOf } from './event-records.ts';

const MINUTE = 60_000;

describe('signal events', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activateOne = async (type: string) => {
    const [job] = await zeebe.client.activateJobs({
      type,
      worker: 'spec',
      maxJobsToActivate: 1,
      timeout: MINUTE,
      requestTimeout: -1,
    });
    expect(job, `a job of type ${type}`).to.not.equal(undefined);
    return job;
  };

  it('triggers every intermediate signal catch event waiting for the broadcast signal, merging its variables', async () => {
    // given two instances waiting for an inspection order
    await zeebe.deploy(import.meta.dirname, 'signal-catch.bpmn');
    const first = zeebe.client.createProcessInstanceWithResult({
      bpmnProcessId: 'signal-catch',
      variables: { dossierCode: 'HS-070' },
      requestTimeout: 10_000,
    });
    const second = zeebe.client.createProcessInstanceWithResult({
      bpmnProcessId: 'signal-catch',
      variables: { dossierCode: 'HS-071' },
      requestTimeout: 10_000,
    });
    await zeebe.waitFor(() => count(zeebe, of('SIGNAL_SUBSCRIPTION', 'CREATED')) === 2, 'both waiting for the signal');

    // when another signal, then the inspection signal is broadcast
    await zeebe.client.broadcastSignal({ signalName: 'dossiers-recalled', variables: {} });
    expect(count(zeebe, passed('inspection-ordered'))).to.equal(0);
    await zeebe.client.broadcastSignal({ signalName: 'inspection-ordered', variables: { inspector: 'Lê Văn Cường' } });

    // then both instances completed, with the signal's variables
    expect((await first).variables).to.deep.equal({ dossierCode: 'HS-070', inspector: 'Lê Văn Cường' });
    expect((await second).variables).to.deep.equal({ dossierCode: 'HS-071', inspector: 'Lê Văn Cường' });
  });

  it('does not buffer a signal: an instance that starts waiting afterwards is not triggered', async () => {
    // given a signal broadcast while nothing waits for it
    await zeebe.deploy(import.meta.dirname, 'signal-catch.bpmn');
    await zeebe.client.broadcastSignal({ signalName: 'inspection-ordered', variables: {} });

    // when an instance starts waiting for it
    const { processInstanceKey } = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'signal-catch',
      variables: {},
    });

    // then it still waits
    await zeebe.waitFor(of('SIGNAL_SUBSCRIPTION', 'CREATED', { processInstanceKey }), 'waiting for the signal');
    expect(ended(zeebe, processInstanceKey)).to.equal(false);
  });

  it("cancels the task's job and takes the boundary path when an interrupting signal boundary event is triggered", async () => {
    // given a dossier being processed
    await zeebe.deploy(import.meta.dirname, 'signal-boundary.bpmn');
    const { processInstanceKey } = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'signal-boundary',
      variables: { dossierCode: 'HS-072' },
    });
    const job = await activateOne('process-dossier');

    // when all dossiers are recalled
    await zeebe.client.broadcastSignal({ signalName: 'dossiers-recalled', variables: { decree: '15/2026' } });

    // then the task was terminated, its job cancelled, and the instance took the boundary path
    await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    expect(count(zeebe, passed('recalled', processInstanceKey))).to.equal(1);
    expect(count(zeebe, passed('withdrawn', processInstanceKey))).to.equal(1);
    expect(count(zeebe, passed('done', processInstanceKey))).to.equal(0);
    expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'process-dossier' }))).to.equal(1);
    expect((await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }))).code).to.equal(
      GRPC_NOT_FOUND,
    );
  });

  it('starts an instance of each process with a matching signal start event, with the signal variables', async () => {
    // given a process started by a signal
    await zeebe.deploy(import.meta.dirname, 'signal-start.bpmn');

    // when the signal is broadcast twice
    await zeebe.client.broadcastSignal({ signalName: 'campaign-opened', variables: { campaign: 'spring' } });
    await zeebe.client.broadcastSignal({ signalName: 'campaign-opened', variables: { campaign: 'autumn' } });

    // then each broadcast started one instance with its variables
    expect(instancesOf(zeebe, 'signal-start')).to.have.length(2);
    const jobs = await zeebe.client.activateJobs({
      type: 'prepare-intake',
      worker: 'spec',
      maxJobsToActivate: 5,
      timeout: MINUTE,
      requestTimeout: -1,
    });
    expect(
      jobs.map((job) => job.variables).sort((a, b) => String(a.campaign).localeCompare(String(b.campaign))),
    ).to.deep.equal([{ campaign: 'autumn' }, { campaign: 'spring' }]);
    for (const job of jobs) expect(count(zeebe, passed('campaign-opened', job.processInstanceKey))).to.equal(1);
  });

  it('runs a non-interrupting signal event subprocess beside the task, which stays active', async () => {
    // given a dossier being processed
    await zeebe.deploy(import.meta.dirname, 'signal-event-subprocess.bpmn');
    const { processInstanceKey } = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'signal-event-subprocess',
      variables: {},
    });
    const job = await activateOne('process-dossier');

    // when a notice is published twice
    await zeebe.client.broadcastSignal({ signalName: 'notice-published', variables: {} });
    await zeebe.client.broadcastSignal({ signalName: 'notice-published', variables: {} });

    // then the event subprocess ran twice, and the task still completes the instance
    expect(count(zeebe, passed('on-notice', processInstanceKey))).to.equal(2);
    expect(ended(zeebe, processInstanceKey)).to.equal(false);
    await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
    await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    expect(count(zeebe, passed('done', processInstanceKey))).to.equal(1);
  });

  it("cancels the task's job and completes the instance through an interrupting signal event subprocess", async () => {
    // given a dossier being processed
    await zeebe.deploy(import.meta.dirname, 'signal-event-subprocess.bpmn');
    const { processInstanceKey } = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'signal-event-subprocess',
      variables: {},
    });
    const job = await activateOne('process-dossier');

    // when an emergency is declared
    await zeebe.client.broadcastSignal({ signalName: 'emergency-declared', variables: { level: 2 } });

    // then the emergency subprocess took over
    await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    expect(count(zeebe, passed('suspended', processInstanceKey))).to.equal(1);
    expect(count(zeebe, passed('on-emergency', processInstanceKey))).to.equal(1);
    expect(count(zeebe, passed('done', processInstanceKey))).to.equal(0);
    expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'process-dossier' }))).to.equal(1);
    expect((await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }))).code).to.equal(
      GRPC_NOT_FOUND,
    );
  });

  it("triggers a signal catch event of another instance from an intermediate signal throw event, with the throw event's input variables", async () => {
    // given an instance waiting for an inspection order
    await zeebe.deploy(import.meta.dirname, 'signal-catch.bpmn', 'signal-throw.bpmn');
    const waiting = zeebe.client.createProcessInstanceWithResult({
      bpmnProcessId: 'signal-catch',
      variables: { dossierCode: 'HS-073' },
      requestTimeout: 10_000,
    });
    await zeebe.waitFor(of('SIGNAL_SUBSCRIPTION', 'CREATED', { signalName: 'inspection-ordered' }), 'waiting');

    // when another process throws the signal, its throw event mapping the dossier it orders inspected
    const thrower = await zeebe.client.createProcessInstance({
      bpmnProcessId: 'signal-throw',
      variables: { dossierCode: 'HS-074' },
    });

    // then both completed: the thrower through its throw event, the waiting one through its catch event,
    // with the throw event's local variables as the signal's variables
    await zeebe.waitFor(instanceCompleted(thrower.processInstanceKey), 'thrower completed');
    expect(count(zeebe, passed('order-inspection', thrower.processInstanceKey))).to.equal(1);
    const caught = await waiting;
    expect(count(zeebe, passed('inspection-ordered', caught.processInstanceKey))).to.equal(1);
    expect(caught.variables).to.deep.equal({ dossierCode: 'HS-073', inspectedDossier: 'HS-074' });
  });
});
