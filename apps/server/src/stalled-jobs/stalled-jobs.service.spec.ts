import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { Engine, Gateway } from '@motcua/engine';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { DomainError } from '../common/domain-error.ts';
import { StalledJobsService } from './stalled-jobs.service.ts';

const BPMN = readFileSync(join(import.meta.dirname, 'stalled-jobs.service.spec.bpmn'));
const ADMIN = { id: '00000000-0000-4000-8000-000000000001', username: 'admin' };

for (const { name, database, cleanup } of testDatabases()) {
  describe(`stalled jobs through the real engine on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let engine: Engine;
    let gateway: Gateway;
    let zeebe: ZeebeGrpcClient;
    let dataDir: string;
    let stalled: StalledJobsService;

    before(async () => {
      ({ dataSource, drop } = await openTestDatabase(database()));
      dataDir = mkdtempSync(join(tmpdir(), 'motcua-stalled-'));
      engine = await Engine.open({ dataDir, fsync: false });
      gateway = new Gateway(engine);
      const port = await gateway.listen({ port: 0 });
      zeebe = new Camunda8({
        ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
        CAMUNDA_AUTH_STRATEGY: 'NONE',
        CAMUNDA_LOG_LEVEL: 'none',
        zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      } as never).getZeebeGrpcApiClient();
      await zeebe.deployResource({ name: 'stalled-jobs.service.spec.bpmn', process: BPMN });
      stalled = new StalledJobsService(dataSource, zeebe, new AuditService(dataSource.getRepository(AuditEntry)));
    });
    after(async () => {
      await zeebe.close(1_000);
      await gateway.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
      await drop();
      cleanup();
    });

    const activate = (requestTimeout = -1) =>
      zeebe.activateJobs({ type: 'test.flaky', worker: 'spec', timeout: 30_000, maxJobsToActivate: 1, requestTimeout });

    /** A job failed with no retries left, as a worker does after its last attempt, and reported as stalled. */
    async function stall(): Promise<{ jobKey: string; processInstanceKey: string }> {
      const instance = await zeebe.createProcessInstance({
        bpmnProcessId: 'stalled-spec',
        variables: { dossierId: '7d3c2f4e-0000-4000-8000-0000000000aa' },
      });
      const [job] = await activate(5_000);
      expect(job.processInstanceKey).to.equal(instance.processInstanceKey);
      await zeebe.failJob({ jobKey: job.key, retries: 0, errorMessage: 'PDF renderer crashed', retryBackOff: 0 });
      await stalled.recordStalledJob(job as never, 'PDF renderer crashed');
      return { jobKey: job.key, processInstanceKey: instance.processInstanceKey };
    }

    it('lists a job a worker failed for good with its dossier and reason; recording again keeps one row', async () => {
      const { jobKey, processInstanceKey } = await stall();
      await stalled.recordStalled({ jobKey, elementId: 'sign', type: 'test.flaky', errorMessage: 'still broken' });

      const rows = (await stalled.list()).filter((row) => row.jobKey === jobKey);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ elementId: 'sign', type: 'test.flaky', errorMessage: 'still broken' });
      // what the first report knew is kept when a later one leaves it out
      expect(rows[0]).to.include({ processInstanceKey, dossierId: '7d3c2f4e-0000-4000-8000-0000000000aa' });
    });

    it('does not make the job activatable by UpdateJobRetries alone (Zeebe also needs ResolveIncident), so retry restarts the step', async () => {
      // given
      const { jobKey } = await stall();
      expect(await activate()).to.deep.equal([]);

      // when: retries alone, as a gRPC client can
      await zeebe.updateJobRetries({ jobKey, retries: 3 });

      // then: still not activatable on the embedded engine (as on Zeebe: the incident stays open)
      expect(await activate()).to.deep.equal([]);

      // when: the administrator's retry
      const result = await stalled.retry(jobKey, ADMIN);

      // then: the step runs again as a new job with fresh retries, and the row is gone
      expect(result).to.deep.equal({ jobKey, restarted: true });
      const [again] = await activate(5_000);
      expect(again.key).to.not.equal(jobKey);
      expect(again).to.include({ elementId: 'sign', retries: 3 });
      expect(again.variables).to.include({ dossierId: '7d3c2f4e-0000-4000-8000-0000000000aa' });
      await zeebe.completeJob({ jobKey: again.key, variables: {} });
      expect((await stalled.list()).map((row) => row.jobKey)).to.not.include(jobKey);
      const audit = await dataSource.getRepository(AuditEntry).find({ where: { entityId: jobKey } });
      expect(audit.map((entry) => entry.action)).to.deep.equal(['stalled-job.retry']);
    });

    it('drops a stalled job whose instance is gone, answering 404', async () => {
      const { jobKey, processInstanceKey } = await stall();
      await zeebe.cancelProcessInstance(processInstanceKey);

      const error = await stalled.retry(jobKey, ADMIN).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

      expect(error).to.be.instanceOf(DomainError);
      expect((error as DomainError).httpStatus).to.equal(404);
      expect((await stalled.list()).map((row) => row.jobKey)).to.not.include(jobKey);
    });
  });
}
