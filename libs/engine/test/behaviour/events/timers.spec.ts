import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ControlledClock } from '../../../src/core/clock.ts';
import type { TestEngine } from '../../support/test-engine.ts';
import { instanceCompleted, passed, startTestEngine } from '../../support/test-engine.ts';
import { count, ended, GRPC_NOT_FOUND, instancesOf, of, rejectionOf } from './event-records.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('timer events', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const activateOne = async (type: string) => {
    const [job] = await zeebe.client.activateJobs({
      type,
      worker: 'spec',
      maxJobsToActivate: 1,
      timeout: 10 * DAY,
      requestTimeout: -1,
    });
    expect(job, `a job of type ${type}`).to.not.equal(undefined);
    return job;
  };

  describe('intermediate timer catch events', () => {
    it('fires a PT1H duration timer only once an hour has passed', async () => {
      // given an instance waiting one hour
      await zeebe.deploy(import.meta.dirname, 'timer-catch-duration.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-catch-duration',
        variables: {},
      });
      const timer = await zeebe.waitFor(of('TIMER', 'CREATED', { processInstanceKey }), 'timer created');
      expect(timer.value.dueDate).to.equal(zeebe.clock.now() + HOUR);

      // when 59 minutes pass, then nothing happens yet
      await zeebe.advance(59 * MINUTE);
      expect(count(zeebe, of('TIMER', 'TRIGGERED'))).to.equal(0);
      expect(ended(zeebe, processInstanceKey)).to.equal(false);

      // when the hour is full, then the timer fires and the instance completes
      await zeebe.advance(MINUTE);
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, of('TIMER', 'TRIGGERED', { processInstanceKey }))).to.equal(1);
      expect(count(zeebe, passed('wait', processInstanceKey))).to.equal(1);
    });

    it('fires a timeDate timer at the date-time given by a FEEL variable', async () => {
      // given an instance waiting until 17:00 (+07:00) on the day after the clock's start
      await zeebe.deploy(import.meta.dirname, 'timer-catch-date.bpmn');
      const dueDate = '2026-01-06T17:00:00+07:00';
      expect(Date.parse(dueDate) - zeebe.clock.now()).to.equal(DAY + 9 * HOUR);
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-catch-date',
        variables: { dueDate },
      });
      const timer = await zeebe.waitFor(of('TIMER', 'CREATED', { processInstanceKey }), 'timer created');
      expect(timer.value.dueDate).to.equal(Date.parse(dueDate));

      // when time reaches one minute before the date, then it has not fired
      await zeebe.advance(DAY + 9 * HOUR - MINUTE);
      expect(ended(zeebe, processInstanceKey)).to.equal(false);

      // when the date is reached, then it fires
      await zeebe.advance(MINUTE);
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    });

    for (const waitFor of ['PT0S', '-PT5M']) {
      it(`fires a timer with the duration ${waitFor} at once, on the next tick`, async () => {
        // given an instance whose timer duration is not positive
        await zeebe.deploy(import.meta.dirname, 'timer-catch-variable-duration.bpmn');
        const { processInstanceKey } = await zeebe.client.createProcessInstance({
          bpmnProcessId: 'timer-catch-variable-duration',
          variables: { waitFor },
        });
        const timer = await zeebe.waitFor(of('TIMER', 'CREATED', { processInstanceKey }), 'timer created');
        expect(timer.value.dueDate as number).to.be.at.most(zeebe.clock.now());

        // when the engine ticks without time passing
        await zeebe.advance(0);

        // then the timer fired
        await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      });
    }
    it('raises an EXTRACT_VALUE_ERROR incident for a duration that is not ISO 8601, resolved after setting a valid one', async () => {
      // given an instance whose timer duration variable is not a duration
      await zeebe.deploy(import.meta.dirname, 'timer-catch-variable-duration.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-catch-variable-duration',
        variables: { waitFor: 'soon' },
      });

      // then an incident is raised on the catch event, and no timer exists
      const incident = await zeebe.waitFor(of('INCIDENT', 'CREATED', { processInstanceKey }), 'incident');
      expect(incident.value).to.include({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'wait' });
      expect(count(zeebe, of('TIMER', 'CREATED'))).to.equal(0);

      // when a valid duration is set and the incident resolved
      await zeebe.client.setVariables({
        elementInstanceKey: processInstanceKey,
        variables: { waitFor: 'PT10M' },
        local: false,
      });
      await zeebe.client.resolveIncident({ incidentKey: incident.key });

      // then the timer is scheduled with it, and fires after ten minutes
      const timer = await zeebe.waitFor(of('TIMER', 'CREATED', { processInstanceKey }), 'timer created');
      expect(timer.value.dueDate).to.equal(zeebe.clock.now() + 10 * MINUTE);
      await zeebe.advance(10 * MINUTE);
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
    });
  });

  describe('timer boundary events', () => {
    it("cancels the task's job and takes the boundary path when an interrupting timer boundary event fires", async () => {
      // given a site inspection in progress, due within two hours
      await zeebe.deploy(import.meta.dirname, 'timer-boundary-interrupting.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-boundary-interrupting',
        variables: {},
      });
      const job = await activateOne('inspect-site');

      // when two hours pass
      await zeebe.advance(2 * HOUR);

      // then the task was terminated, its job cancelled, and the instance took the escalation path
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, of('PROCESS_INSTANCE', 'ELEMENT_TERMINATED', { elementId: 'inspect-site' }))).to.equal(1);
      expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'inspect-site' }))).to.equal(1);
      expect(count(zeebe, passed('overdue', processInstanceKey))).to.equal(1);
      expect(count(zeebe, passed('escalated', processInstanceKey))).to.equal(1);
      expect(count(zeebe, passed('done', processInstanceKey))).to.equal(0);
      expect((await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }))).code).to.equal(
        GRPC_NOT_FOUND,
      );
    });

    it('does not fire an interrupting timer boundary event once the task completed in time', async () => {
      // given a site inspection in progress, due within two hours
      await zeebe.deploy(import.meta.dirname, 'timer-boundary-interrupting.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-boundary-interrupting',
        variables: {},
      });
      const job = await activateOne('inspect-site');

      // when it is completed after one hour, and more time passes
      await zeebe.advance(HOUR);
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.advance(2 * HOUR);

      // then the timer was cancelled with the task and never fired
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, of('TIMER', 'CANCELED', { processInstanceKey }))).to.equal(1);
      expect(count(zeebe, of('TIMER', 'TRIGGERED'))).to.equal(0);
      expect(count(zeebe, passed('done', processInstanceKey))).to.equal(1);
    });

    it('fires a non-interrupting R3/PT10M cycle boundary three times while the task is active, then stops', async () => {
      // given a dossier being processed, with a reminder every ten minutes, three times
      await zeebe.deploy(import.meta.dirname, 'timer-boundary-cycle.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-boundary-cycle',
        variables: {},
      });
      const job = await activateOne('process-dossier');

      // when ten minutes pass, then one reminder
      await zeebe.advance(10 * MINUTE);
      expect(count(zeebe, passed('reminder', processInstanceKey))).to.equal(1);

      // when an hour passes, then three reminders in all, the task still active
      await zeebe.advance(HOUR);
      expect(count(zeebe, passed('reminder', processInstanceKey))).to.equal(3);
      expect(count(zeebe, passed('reminded', processInstanceKey))).to.equal(3);
      expect(count(zeebe, of('JOB', 'CANCELED'))).to.equal(0);
      expect(ended(zeebe, processInstanceKey)).to.equal(false);

      // and the task completes normally
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, passed('done', processInstanceKey))).to.equal(1);
    });

    it('stops a non-interrupting cycle boundary when the task completes', async () => {
      // given a dossier being processed, with one reminder fired
      await zeebe.deploy(import.meta.dirname, 'timer-boundary-cycle.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-boundary-cycle',
        variables: {},
      });
      const job = await activateOne('process-dossier');
      await zeebe.advance(10 * MINUTE);
      expect(count(zeebe, passed('reminder', processInstanceKey))).to.equal(1);

      // when the task completes and more time passes
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.advance(HOUR);

      // then no further reminder fired
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, passed('reminder', processInstanceKey))).to.equal(1);
      expect(count(zeebe, of('TIMER', 'CANCELED', { processInstanceKey }))).to.equal(1);
    });
  });

  describe('timer start events', () => {
    it('creates an instance each time the cycle of a timer start event falls due', async () => {
      // given a process started every hour, three times
      await zeebe.deploy(import.meta.dirname, 'timer-start-cycle.bpmn');
      expect(instancesOf(zeebe, 'timer-start-cycle')).to.have.length(0);

      // when the clock advances hour by hour
      await zeebe.advance(HOUR);
      expect(instancesOf(zeebe, 'timer-start-cycle')).to.have.length(1);
      await zeebe.advance(HOUR);
      expect(instancesOf(zeebe, 'timer-start-cycle')).to.have.length(2);
      await zeebe.advance(5 * HOUR);

      // then three instances were created in all, each started by the timer start event and completed
      const instances = instancesOf(zeebe, 'timer-start-cycle');
      expect(instances).to.have.length(3);
      for (const key of instances) {
        await zeebe.waitFor(instanceCompleted(key), 'instance completed');
        expect(count(zeebe, passed('every-period', key))).to.equal(1);
      }
    });

    it("replaces the previous version's start timer when a new version is deployed", async () => {
      // given version 1, started every hour, which has run once
      await zeebe.deploy(import.meta.dirname, 'timer-start-cycle.bpmn');
      await zeebe.advance(HOUR);
      expect(instancesOf(zeebe, 'timer-start-cycle')).to.have.length(1);

      // when version 2, started every half hour twice, is deployed and two hours pass
      const deployment = await zeebe.deploy(import.meta.dirname, 'timer-start-cycle-v2.bpmn');
      const v2 = (deployment.deployments[0] as unknown as { process: { version: number } }).process;
      expect(v2.version).to.equal(2);
      await zeebe.advance(2 * HOUR);

      // then only version 2 created instances after the deployment
      const versions = zeebe.records
        .filter(of('PROCESS_INSTANCE_CREATION', 'CREATED', { bpmnProcessId: 'timer-start-cycle' }))
        .map((record) => record.value.version);
      expect(versions).to.deep.equal([1, 2, 2]);
      expect(count(zeebe, of('PROCESS_INSTANCE', 'ELEMENT_COMPLETED', { elementId: 'reported-v2' }))).to.equal(2);
    });
  });

  describe('timer event subprocesses', () => {
    it('runs a non-interrupting cycle event subprocess beside the task, then an interrupting one that cancels it', async () => {
      // given a dossier being processed, with daily reminders (twice) and a three-day deadline
      await zeebe.deploy(import.meta.dirname, 'timer-event-subprocess.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-event-subprocess',
        variables: {},
      });
      const job = await activateOne('process-dossier');

      // when two days pass, then two reminders ran and the task is still active
      await zeebe.advance(DAY);
      await zeebe.advance(DAY);
      expect(count(zeebe, passed('on-reminder', processInstanceKey))).to.equal(2);
      expect(count(zeebe, of('JOB', 'CANCELED'))).to.equal(0);
      expect(ended(zeebe, processInstanceKey)).to.equal(false);

      // when the third day passes, then the deadline subprocess took over: task terminated, job cancelled
      await zeebe.advance(DAY);
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, passed('expired', processInstanceKey))).to.equal(1);
      expect(count(zeebe, passed('on-deadline', processInstanceKey))).to.equal(1);
      expect(count(zeebe, passed('done', processInstanceKey))).to.equal(0);
      expect(count(zeebe, of('JOB', 'CANCELED', { elementId: 'process-dossier' }))).to.equal(1);
      expect(count(zeebe, passed('on-reminder', processInstanceKey))).to.equal(2);
      expect((await rejectionOf(zeebe.client.completeJob({ jobKey: job.key, variables: {} }))).code).to.equal(
        GRPC_NOT_FOUND,
      );
    });

    it('cancels the event subprocess timers when the instance completes first', async () => {
      // given a dossier being processed
      await zeebe.deploy(import.meta.dirname, 'timer-event-subprocess.bpmn');
      const { processInstanceKey } = await zeebe.client.createProcessInstance({
        bpmnProcessId: 'timer-event-subprocess',
        variables: {},
      });
      const job = await activateOne('process-dossier');

      // when it completes within a day and the deadline passes
      await zeebe.client.completeJob({ jobKey: job.key, variables: {} });
      await zeebe.advance(4 * DAY);

      // then no timer fired
      await zeebe.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
      expect(count(zeebe, of('TIMER', 'CANCELED', { processInstanceKey }))).to.equal(2);
      expect(count(zeebe, of('TIMER', 'TRIGGERED'))).to.equal(0);
    });
  });
});

describe('timers across an engine restart', () => {
  it('fires a timer created before the restart once its time comes, and the instance completes', async () => {
    // given an engine on a data dir, with an instance waiting on a PT1H timer
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-timer-restart-'));
    try {
      const before = await startTestEngine({ dataDir, clock: new ControlledClock() });
      await before.deploy(import.meta.dirname, 'timer-catch-duration.bpmn');
      const { processInstanceKey } = await before.client.createProcessInstance({
        bpmnProcessId: 'timer-catch-duration',
        variables: { dossierCode: 'HS-060' },
      });
      await before.advance(30 * MINUTE);
      const now = before.clock.now();
      await before.close();

      // when a new engine starts on the same data dir, at the same time, and the rest of the hour passes
      const after = await startTestEngine({ dataDir, clock: new ControlledClock(now) });
      try {
        await after.advance(29 * MINUTE);
        expect(count(after, of('TIMER', 'TRIGGERED'))).to.equal(0);
        await after.advance(MINUTE);

        // then the timer fired and the instance completed, with its variables
        const completed = await after.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
        expect(completed.value.elementId).to.equal('timer-catch-duration');
        expect(count(after, of('TIMER', 'TRIGGERED', { processInstanceKey }))).to.equal(1);
        expect(count(after, passed('wait', processInstanceKey))).to.equal(1);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fires a timer after a crash, restored from the journal alone', async () => {
    // given an instance waiting on a PT1H timer, and a copy of the data dir taken while the engine runs (a crash image)
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-timer-crash-'));
    const crashImage = mkdtempSync(join(tmpdir(), 'motcua-timer-crash-image-'));
    try {
      const running = await startTestEngine({ dataDir, clock: new ControlledClock() });
      let processInstanceKey: string;
      let now: number;
      try {
        await running.deploy(import.meta.dirname, 'timer-catch-duration.bpmn');
        ({ processInstanceKey } = await running.client.createProcessInstance({
          bpmnProcessId: 'timer-catch-duration',
          variables: {},
        }));
        now = running.clock.now();
        // (without the lock file: a crashed engine's pid is dead and its lock taken over; ours is alive)
        cpSync(dataDir, crashImage, { recursive: true, filter: (source) => !source.endsWith('engine.lock') });
        expect(readdirSync(crashImage).some((file) => file.includes('snapshot'))).to.equal(false);
      } finally {
        await running.close();
      }

      // when an engine starts on the crash image and the hour passes
      const after = await startTestEngine({ dataDir: crashImage, clock: new ControlledClock(now) });
      try {
        await after.advance(HOUR);

        // then the timer fired and the instance completed
        await after.waitFor(instanceCompleted(processInstanceKey), 'instance completed');
        expect(count(after, of('TIMER', 'TRIGGERED', { processInstanceKey }))).to.equal(1);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(crashImage, { recursive: true, force: true });
    }
  });

  it('keeps the start timers of deployed processes across a restart', async () => {
    // given a process started every hour (three times), which has run once
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-start-timer-restart-'));
    try {
      const before = await startTestEngine({ dataDir, clock: new ControlledClock() });
      await before.deploy(import.meta.dirname, 'timer-start-cycle.bpmn');
      await before.advance(HOUR);
      expect(instancesOf(before, 'timer-start-cycle')).to.have.length(1);
      const now = before.clock.now();
      await before.close();

      // when the engine restarts and five more hours pass
      const after = await startTestEngine({ dataDir, clock: new ControlledClock(now) });
      try {
        await after.advance(5 * HOUR);

        // then the two remaining repetitions created their instances, and no more
        expect(instancesOf(after, 'timer-start-cycle')).to.have.length(2);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
