import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { consumersWaiting } from './jobs-support.ts';

describe('job activation (ActivateJobs)', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activate = (request: {
    maxJobsToActivate?: number;
    requestTimeout: number;
    fetchVariable?: string[];
    type?: string;
  }) =>
    zeebe.client.activateJobs({
      type: request.type ?? 'examine-dossier',
      worker: 'spec',
      timeout: 30_000,
      maxJobsToActivate: request.maxJobsToActivate ?? 32,
      requestTimeout: request.requestTimeout,
      fetchVariable: request.fetchVariable,
    });

  const startDossiers = async (count: number): Promise<string[]> => {
    const keys: string[] = [];
    for (let index = 1; index <= count; index++) {
      const instance = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'job-activation',
        variables: { index },
      });
      keys.push(instance.processInstanceKey);
    }
    return keys;
  };

  it('answers at once with no jobs when requestTimeout is negative and nothing is activatable', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const started = Date.now();

    // when
    const jobs = await activate({ requestTimeout: -1 });

    // then
    expect(jobs).to.deep.equal([]);
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('answers at once with the activatable jobs when requestTimeout is negative', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const [processInstanceKey] = await startDossiers(1);

    // when
    const jobs = await activate({ requestTimeout: -1 });

    // then
    expect(jobs).to.have.length(1);
    expect(jobs[0]).to.include({
      type: 'examine-dossier',
      processInstanceKey,
      elementId: 'work',
      bpmnProcessId: 'job-activation',
      retries: 3,
    });
    expect(jobs[0].worker).to.equal('spec');
  });

  it('holds a long poll open while no job exists and answers it as soon as a job is created', async () => {
    // given: a poll whose requestTimeout is far longer than this test may run
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const waiting = consumersWaiting(zeebe, 'examine-dossier');
    const poll = activate({ requestTimeout: 120_000 });
    await waiting;

    // when
    const created = Date.now();
    const [processInstanceKey] = await startDossiers(1);
    const jobs = await poll;

    // then
    expect(jobs.map((job) => job.processInstanceKey)).to.deep.equal([processInstanceKey]);
    expect(Date.now() - created).to.be.below(2_000);
  });

  it('answers a long poll with no jobs once its requestTimeout elapses', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const started = Date.now();

    // when
    const jobs = await activate({ requestTimeout: 400 });

    // then: the gateway ended the call (the client gives up by itself only a second after requestTimeout)
    const elapsed = Date.now() - started;
    expect(jobs).to.deep.equal([]);
    expect(elapsed).to.be.at.least(350);
    expect(elapsed).to.be.below(1_300);
  });

  it('activates no more jobs than maxJobsToActivate and leaves the rest activatable', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const instances = await startDossiers(3);

    // when
    const first = await activate({ requestTimeout: -1, maxJobsToActivate: 2 });
    const second = await activate({ requestTimeout: -1, maxJobsToActivate: 2 });
    const third = await activate({ requestTimeout: -1, maxJobsToActivate: 2 });

    // then
    expect(first).to.have.length(2);
    expect(second).to.have.length(1);
    expect(third).to.have.length(0);
    expect([...first, ...second].map((job) => job.processInstanceKey).sort()).to.deep.equal([...instances].sort());
  });

  it('never hands the same job to two concurrent polls', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const instances = await startDossiers(8);

    // when
    const batches = await Promise.all([1, 2, 3, 4].map(() => activate({ requestTimeout: -1, maxJobsToActivate: 3 })));

    // then
    const keys = batches.flat().map((job) => job.key);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(keys).to.have.length(instances.length);
  });

  it('gives a job created while two long polls wait to exactly one of them', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    const waiting = consumersWaiting(zeebe, 'examine-dossier', 2);
    const polls = [activate({ requestTimeout: 120_000 }), activate({ requestTimeout: 120_000 })];
    await waiting;

    // when
    const instances = await startDossiers(2);
    const [first, second] = await Promise.all(polls);

    // then: one job each, never the same one
    expect(first).to.have.length(1);
    expect(second).to.have.length(1);
    expect([first[0].processInstanceKey, second[0].processInstanceKey].sort()).to.deep.equal([...instances].sort());
  });

  it('hands over only the variables named in fetchVariable', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'job-activation',
      variables: { dossier: 'HS-1', applicant: { name: 'Nguyễn Văn A' }, fee: 50_000 },
    });

    // when
    const [job] = await activate({ requestTimeout: -1, fetchVariable: ['dossier', 'fee', 'notDefined'] });

    // then
    expect(job.variables).to.deep.equal({ dossier: 'HS-1', fee: 50_000 });
  });

  it('hands over the variables visible at the element, input-mapped locals shadowing outer ones', async () => {
    // given: root variables, a subprocess with input mappings, and a task with its own
    await zeebe.deploy(import.meta.dirname, 'job-variables.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'job-variables',
      variables: { dossier: { code: 'HS-7' }, fee: 100, stage: 'reception' },
    });

    // when
    const [job] = await activate({ type: 'assess-fee', requestTimeout: -1 });

    // then
    expect(job.variables).to.deep.equal({
      dossier: { code: 'HS-7' },
      fee: 100,
      code: 'HS-7',
      doubleFee: 200,
      stage: 'assessment',
    });
  });

  it('hands over the task headers as customHeaders', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'job-activation.bpmn');
    await startDossiers(1);

    // when
    const [job] = await activate({ requestTimeout: -1 });

    // then
    expect(job.customHeaders).to.deep.equal({ agency: '000.00.12.H10', procedure: '1.001234' });
  });

  it('takes the job type and retries from zeebe:taskDefinition, static or FEEL', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'task-definition-expressions.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'task-definition-expressions',
      variables: { channel: 'sms', maxAttempts: 8 },
    });

    // when
    const [archive] = await activate({ type: 'archive-dossier', requestTimeout: -1 });
    await zeebe.client.completeJob({ jobKey: archive.key, variables: {} });
    const [notify] = await activate({ type: 'notify-sms', requestTimeout: -1 });

    // then
    expect(archive).to.include({ type: 'archive-dossier', retries: 5, elementId: 'static-definition' });
    expect(notify).to.include({ type: 'notify-sms', retries: 7, elementId: 'feel-definition' });
  });
});
