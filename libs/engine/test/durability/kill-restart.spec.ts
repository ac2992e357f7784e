import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFor } from '../support/test-engine.ts';
import { startEngineProcess } from '../support/engine-process.ts';

const INSTANCES_BEFORE_KILL = 300;
const JOB_TIMEOUT_MS = 1_000;

describe('an engine killed with SIGKILL mid-load', function () {
  this.timeout(120_000);
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'motcua-kill-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resumes every acknowledged instance and job completion after a restart', async () => {
    // given: an engine under load: instances being created while a worker completes the first task
    const first = await startEngineProcess(dataDir);
    const client = clientFor(first.port, { retry: false });
    await client.deployResource({
      name: 'kill-restart.bpmn',
      process: await readFile(join(import.meta.dirname, 'kill-restart.bpmn')),
    });
    const acknowledged = new Set<string>();
    const workAcknowledged = new Set<string>();
    let killed = false;
    const creators = Array.from({ length: 20 }, async () => {
      while (!killed) {
        try {
          const instance = await client.createProcessInstance({ bpmnProcessId: 'kill-restart', variables: {} });
          acknowledged.add(instance.processInstanceKey);
        } catch {
          return; // the engine is gone: anything unacknowledged may or may not exist
        }
      }
    });
    const worker = (async () => {
      while (!killed) {
        try {
          // A short job timeout: jobs activated but not completed before the kill come back after it.
          const jobs = await client.activateJobs({
            type: 'durable-work',
            worker: 'before',
            maxJobsToActivate: 16,
            timeout: JOB_TIMEOUT_MS,
            requestTimeout: -1,
          });
          await Promise.all(
            jobs.map(async (job) => {
              await client.completeJob({ jobKey: job.key, variables: { worked: true } });
              workAcknowledged.add(job.processInstanceKey);
            }),
          );
        } catch {
          return;
        }
      }
    })();

    // when: it is killed once enough instances were acknowledged, then restarted on the same data dir
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (acknowledged.size >= INSTANCES_BEFORE_KILL && workAcknowledged.size > 20) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    first.child.kill('SIGKILL');
    killed = true;
    expect(await first.exited).to.equal('SIGKILL');
    await Promise.all([...creators, worker]);
    await client.close(0);
    const ackedInstances = new Set(acknowledged);
    const ackedWork = new Set(workAcknowledged);

    const second = await startEngineProcess(dataDir);
    const after = clientFor(second.port);
    try {
      // then: every acknowledged instance reaches its report task; none repeats acknowledged work
      const reported = new Set<string>();
      const workedAgain: string[] = [];
      const giveUpAt = Date.now() + 30_000;
      while (![...ackedInstances].every((key) => reported.has(key)) && Date.now() < giveUpAt) {
        const work = await after.activateJobs({
          type: 'durable-work',
          worker: 'after',
          maxJobsToActivate: 200,
          timeout: 60_000,
          requestTimeout: -1,
        });
        for (const job of work) {
          if (ackedWork.has(job.processInstanceKey)) workedAgain.push(job.processInstanceKey);
          await after.completeJob({ jobKey: job.key, variables: { worked: true } });
        }
        // Long poll when idle: jobs still held by the killed worker time out and come back.
        const reports = await after.activateJobs({
          type: 'durable-report',
          worker: 'after',
          maxJobsToActivate: 200,
          timeout: 60_000,
          requestTimeout: work.length > 0 ? -1 : 500,
        });
        for (const job of reports) {
          expect(job.variables).to.deep.equal({ worked: true });
          await after.completeJob({ jobKey: job.key, variables: {} });
          reported.add(job.processInstanceKey);
        }
      }
      expect([...ackedInstances].filter((key) => !reported.has(key))).to.deep.equal([]);
      expect(workedAgain).to.deep.equal([]);
      // and the completed instances are gone, as on Zeebe
      const cancel = await after.cancelProcessInstance([...ackedInstances][0]).then(
        () => 'cancelled',
        (error: { code?: number }) => error.code,
      );
      expect(cancel).to.equal(5);
    } finally {
      await after.close(0);
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
    }
  });
});
