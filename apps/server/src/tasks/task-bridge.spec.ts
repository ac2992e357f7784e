import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { ControlledClock, Engine, Gateway, systemClock } from '@motcua/engine';
import type { Clock } from '@motcua/engine';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { Task, TaskCandidateGroup } from './task.entity.ts';
import { TaskRepository } from './task.repository.ts';
import { TaskBridge } from './task-bridge.service.ts';
import { USER_TASK_JOB_TYPE } from './user-task-job.ts';
import type { TaskBridgeSettings } from './task-bridge.service.ts';
import { TaskHistory } from './task-history.ts';
import { TaskJobs } from './task-jobs.service.ts';
import { TaskNames } from './task-names.ts';

process.env.ZEEBE_CLIENT_LOG_LEVEL = 'NONE';

const BPMN = readFileSync(join(import.meta.dirname, 'task-bridge.spec.bpmn'), 'utf8');

interface Harness {
  engine: Engine;
  gateway: Gateway;
  client: ZeebeGrpcClient;
  bridge: TaskBridge;
  repository: TaskRepository;
  /** Starts the bridge and waits until the engine has its job stream (a stream gets only jobs created after it). */
  start(): Promise<void>;
  close(): Promise<void>;
}

function clientFor(port: number): ZeebeGrpcClient {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
  } as never).getZeebeGrpcApiClient();
}

/** The real engine behind its gRPC gateway, the official client, and a bridge wired by hand as Nest would. */
async function harness(dataSource: DataSource, clock: Clock, settings: TaskBridgeSettings): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-bridge-'));
  const engine = await Engine.open({ dataDir, clock, fsync: false });
  const gateway = new Gateway(engine);
  const port = await gateway.listen({ port: 0 });
  const client = clientFor(port);
  const deployment = await client.deployResource({ name: 'task-bridge.spec.bpmn', process: Buffer.from(BPMN) });
  const names = new TaskNames();
  names.register(deployment.deployments[0].process.processDefinitionKey, 'task-bridge-spec', BPMN);
  const repository = new TaskRepository(dataSource);
  const history = new TaskHistory();
  const jobs = new TaskJobs(client, repository, history);
  const bridge = new TaskBridge(client, repository, jobs, history, names, settings, dataSource);
  return {
    engine,
    gateway,
    client,
    bridge,
    repository,
    async start() {
      await bridge.start();
      // The client's call returns before the gateway has registered the stream: wait for it on the engine side.
      const deadline = Date.now() + 10_000;
      while (engine.jobConsumers.streamsOf(USER_TASK_JOB_TYPE) === 0) {
        if (Date.now() > deadline) throw new Error('the bridge opened no job stream within 10 s');
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async close() {
      await bridge.stop();
      await client.close(1_000);
      await gateway.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the outcome of the next delivery of `key` (any key when omitted) that the bridge records. */
function delivery(bridge: TaskBridge, key?: string, timeoutMs = 10_000): Promise<{ key: string; outcome: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bridge.events.off('job', listener);
      reject(new Error(`no delivery of ${key ?? 'a job'} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (jobKey: string, outcome: string): void => {
      if (key !== undefined && jobKey !== key) return;
      clearTimeout(timer);
      bridge.events.off('job', listener);
      resolve({ key: jobKey, outcome });
    };
    bridge.events.on('job', listener);
  });
}

const VARIABLES = {
  dossierId: '7d3c2f4e-0000-4000-8000-000000000001',
  dossierCode: '000.00.12.H10-261127-0001',
  serviceCode: '2.000815',
  agencyCode: '000.00.12.H10',
  dueDate: '2026-12-04T17:00:00+07:00',
};

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the user-task bridge through the real engine on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let test: Harness | undefined;

    before(async () => ({ dataSource, drop } = await openTestDatabase(database())));
    after(async () => {
      await drop();
      cleanup();
    });
    beforeEach(async () => {
      await dataSource.getRepository(TaskCandidateGroup).clear();
      await dataSource.createQueryBuilder().delete().from(Task).execute();
    });
    afterEach(async () => {
      await test?.close();
      test = undefined;
    });

    async function startInstance(h: Harness): Promise<{ processInstanceKey: string; taskKey: string }> {
      const opened = delivery(h.bridge);
      const instance = await h.client.createProcessInstance({
        bpmnProcessId: 'task-bridge-spec',
        variables: VARIABLES,
      });
      const { key, outcome } = await opened;
      expect(outcome).to.equal('created');
      return { processInstanceKey: instance.processInstanceKey, taskKey: key };
    }

    async function afterAppraisalJob(h: Harness): Promise<Record<string, unknown>> {
      const [job] = await h.client.activateJobs({
        type: 'test.after-appraisal',
        worker: 'spec',
        timeout: 10_000,
        maxJobsToActivate: 1,
        requestTimeout: 10_000,
      });
      expect(job, 'the process went on to the next step').to.not.equal(undefined);
      return job.variables as Record<string, unknown>;
    }

    it('opens one task per user-task job with the step name, form, candidate groups, due date and dossier', async () => {
      // given
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();

      // when
      const { processInstanceKey, taskKey } = await startInstance(test);

      // then
      const task = (await test.repository.findById(taskKey))!;
      expect(task).to.include({
        processInstanceKey,
        bpmnProcessId: 'task-bridge-spec',
        elementId: 'appraisal',
        name: 'Thẩm định hồ sơ / Appraise the dossier',
        formKey: 'appraisal',
        dossierId: VARIABLES.dossierId,
        dossierCode: VARIABLES.dossierCode,
        serviceCode: VARIABLES.serviceCode,
        agencyCode: VARIABLES.agencyCode,
        status: 'open',
        assigneeId: null,
      });
      expect(task.candidateGroups).to.deep.equal(['specialist@000.00.12.H10', 'leader@000.00.12.H10']);
      expect(task.dueAt?.toISOString()).to.equal('2026-12-04T10:00:00.000Z');
      const groups = await dataSource.getRepository(TaskCandidateGroup).find({ order: { groupCode: 'ASC' } });
      expect(groups.map((group) => [group.groupCode, group.status])).to.deep.equal([
        ['leader@000.00.12.H10', 'open'],
        ['specialist@000.00.12.H10', 'open'],
      ]);
    });

    it('sends the completion with the task output and the process goes on', async () => {
      // given an open task, claimed and completed in the database as the api does
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { taskKey } = await startInstance(test);
      const manager = dataSource.manager;
      expect(await test.repository.setAssignee(manager, taskKey, 'user-1', { assigneeId: null })).to.equal(true);
      expect(await test.repository.complete(manager, taskKey, 'user-1', { decision: 'accept', note: 'đủ' })).to.equal(
        true,
      );

      // when
      const jobs = new TaskJobs(test.client, test.repository, new TaskHistory());
      const result = await jobs.sendCompletion((await test.repository.findById(taskKey))!);

      // then
      expect(result).to.equal('sent');
      expect(await afterAppraisalJob(test)).to.include({ decision: 'accept', note: 'đủ' });
      const task = (await test.repository.findById(taskKey))!;
      expect(task.status).to.equal('completed');
      expect(task.jobCompletedAt).to.be.instanceOf(Date);
      expect(task.output).to.deep.equal({ decision: 'accept', note: 'đủ' });
    });

    it('records a job delivered again after its timeout on the same task, never a second one', async () => {
      // given a task whose job nobody keeps alive
      const clock = new ControlledClock(Date.now());
      test = await harness(dataSource, clock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { taskKey } = await startInstance(test);
      const first = (await test.repository.findById(taskKey))!;

      // when the job times out, the engine hands it out again
      const again = delivery(test.bridge, taskKey);
      clock.advance(61_000);
      await test.engine.tick();

      // then
      expect((await again).outcome).to.equal('redelivered');
      expect(await dataSource.getRepository(Task).count()).to.equal(1);
      expect(await dataSource.getRepository(TaskCandidateGroup).count()).to.equal(2);
      const task = (await test.repository.findById(taskKey))!;
      expect(task.status).to.equal('open');
      expect(task.jobDeadline.getTime()).to.be.greaterThan(first.jobDeadline.getTime());
    });

    it('completes again on Zeebe a job that comes back for a task completed in the inbox', async () => {
      // given a task completed in the database whose CompleteJob never reached Zeebe (the api stopped)
      const clock = new ControlledClock(Date.now());
      test = await harness(dataSource, clock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { taskKey } = await startInstance(test);
      await test.repository.setAssignee(dataSource.manager, taskKey, 'user-1', { assigneeId: null });
      await test.repository.complete(dataSource.manager, taskKey, 'user-1', { decision: 'refuse' });

      // when the job times out and comes back
      const again = delivery(test.bridge, taskKey);
      clock.advance(61_000);
      await test.engine.tick();

      // then
      expect((await again).outcome).to.equal('completed');
      expect(await afterAppraisalJob(test)).to.include({ decision: 'refuse' });
      expect((await test.repository.findById(taskKey))!.jobCompletedAt).to.be.instanceOf(Date);
    });

    it('resends a completion that Zeebe has not confirmed on its next pass', async () => {
      // given a completed task whose CompleteJob was never sent
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { taskKey } = await startInstance(test);
      await test.repository.setAssignee(dataSource.manager, taskKey, 'user-1', { assigneeId: null });
      await test.repository.complete(dataSource.manager, taskKey, 'user-1', { decision: 'supplement' });

      // when
      const sent = await test.bridge.resendCompletions(new Date(Date.now() + 60_000));

      // then
      expect(sent).to.equal(1);
      expect(await afterAppraisalJob(test)).to.include({ decision: 'supplement' });
      expect(await test.bridge.resendCompletions(new Date(Date.now() + 60_000))).to.equal(0);
    });

    it('keeps an open task alive past its job timeout with UpdateJobTimeout', async () => {
      // given
      const clock = new ControlledClock(Date.now());
      test = await harness(dataSource, clock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { taskKey } = await startInstance(test);

      // when the keep-alive pass runs 50 s later, then 30 s more pass on the engine
      clock.advance(50_000);
      await test.engine.tick();
      const result = await test.bridge.keepAlive(new Date(Date.now() + 50_000));
      let redelivered = false;
      test.bridge.events.on('job', (key: string) => (redelivered ||= key === taskKey));
      clock.advance(30_000);
      await test.engine.tick();

      // then the job did not time out: the task is still held and the step can be completed
      expect(result).to.deep.equal({ extended: 1, cancelled: 0 });
      expect(redelivered).to.equal(false);
      await test.client.completeJob({ jobKey: taskKey, variables: { decision: 'accept' } });
      expect(await afterAppraisalJob(test)).to.include({ decision: 'accept' });
    });

    it('closes the task as cancelled once the keep-alive timer finds its instance cancelled', async () => {
      // given a short keep-alive period, as a setting
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 1_000, keepAliveMs: 50, backfillMs: 30_000 });
      await test.start();
      const { processInstanceKey, taskKey } = await startInstance(test);

      // when
      await test.client.cancelProcessInstance(processInstanceKey);

      // then: within a bounded number of keep-alive passes
      let task = (await test.repository.findById(taskKey))!;
      for (let pass = 0; pass < 100 && task.status === 'open'; pass++) {
        await new Promise((resolve) => test!.bridge.events.once('pass', resolve));
        task = (await test.repository.findById(taskKey))!;
      }
      expect(task.status).to.equal('cancelled');
      expect(task.cancelledAt).to.be.instanceOf(Date);
      const groups = await dataSource.getRepository(TaskCandidateGroup).find({ where: { taskId: taskKey } });
      expect(groups.map((group) => group.status)).to.deep.equal(['cancelled', 'cancelled']);
    });

    it('closes at once the open tasks of an instance its caller cancelled, leaving other instances alone', async () => {
      // given two instances at the appraisal
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const withdrawn = await startInstance(test);
      const other = await startInstance(test);

      // when the first is cancelled (a withdrawal)
      await test.client.cancelProcessInstance(withdrawn.processInstanceKey);
      const jobs = new TaskJobs(test.client, test.repository, new TaskHistory());
      const closed = await jobs.closeGoneTasksOf(withdrawn.processInstanceKey);

      // then
      expect(closed).to.equal(1);
      expect((await test.repository.findById(withdrawn.taskKey))!.status).to.equal('cancelled');
      expect(await jobs.closeGoneTasksOf(other.processInstanceKey)).to.equal(0);
      expect((await test.repository.findById(other.taskKey))!.status).to.equal('open');
    });

    it('closes a completed task as cancelled when CompleteJob finds the step gone', async () => {
      // given a task completed in the inbox whose instance was cancelled meanwhile
      test = await harness(dataSource, systemClock, { jobTimeoutMs: 60_000, keepAliveMs: 0, backfillMs: 30_000 });
      await test.start();
      const { processInstanceKey, taskKey } = await startInstance(test);
      await test.repository.setAssignee(dataSource.manager, taskKey, 'user-1', { assigneeId: null });
      await test.repository.complete(dataSource.manager, taskKey, 'user-1', { decision: 'accept' });
      await test.client.cancelProcessInstance(processInstanceKey);

      // when
      const result = await new TaskJobs(test.client, test.repository, new TaskHistory()).sendCompletion(
        (await test.repository.findById(taskKey))!,
      );

      // then
      expect(result).to.equal('cancelled');
      expect((await test.repository.findById(taskKey))!.status).to.equal('cancelled');
    });
  });
}
