import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { DataSource } from 'typeorm';
import type { MotcuaConfig } from '../config/config.ts';
import { CONFIG } from '../config/config.module.ts';
import { DossierLifecycleService, DossierStepError } from '../dossiers/dossier-lifecycle.service.ts';
import { Readiness } from '../health/readiness.ts';
import { MailSender } from '../notifications/mail-sender.service.ts';
import { ResultSigningService } from '../signing/result-signing.service.ts';
import { SigningIdentityService } from '../signing/signing-identity.service.ts';
import { StalledJob } from '../stalled-jobs/stalled-job.entity.ts';
import type { MotcuaJobType } from '../zeebe/job-types.ts';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { startJobWorkers } from './job-worker.ts';
import type { JobHandler, JobOutcome, MotcuaJob, RunningJobWorkers } from './job-worker.ts';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function dossierIdOf(job: MotcuaJob): string {
  const id = text(job.variables.dossierId);
  if (!id) throw new DossierStepError(`${job.type}: the process variable dossierId is missing`);
  return id;
}

/**
 * The variables each handler reads (the contract's "Reads" column); motcua.overdue fetches all, since the agency
 * variable it needs is named by its `agencyRole` header.
 */
export const FETCH_VARIABLES: ReadonlyMap<string, readonly string[]> = new Map([
  ['motcua.intake', ['dossierId']],
  ['motcua.accept', ['dossierId', 'fee']],
  ['motcua.supplement-request', ['dossierId', 'supplementNote', 'note']],
  ['motcua.supplement-received', ['dossierId']],
  ['motcua.refuse', ['dossierId', 'refusalReason', 'reason']],
  ['motcua.sign', ['dossierId', 'refusalReason', 'stopReason', 'approverName']],
  ['motcua.return', ['dossierId']],
  ['motcua.financial-obligation', ['dossierId', 'financialObligationAmount', 'fee']],
  ['motcua.financial-obligation-met', ['dossierId', 'feeReceiptNumber']],
  ['motcua.stop', ['dossierId', 'stopReason', 'reason']],
]);

const amountOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

/** Agency codes of a variable that holds one code or a list of codes. */
function agencyCodes(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

/**
 * The motcua.* job workers (issue 3, item 8; the contract is processes/README.md and processes/worker-contract.json).
 * Each handler turns one job into a DossierLifecycleService step and completes the job with the step's outputs. The
 * user-task bridge (io.camunda.zeebe:userTask) is a separate worker in tasks/.
 */
@Injectable()
export class DossierWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('motcua.workers');
  private running?: RunningJobWorkers;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DossierLifecycleService) private readonly lifecycle: DossierLifecycleService,
    @Inject(ResultSigningService) private readonly signing: ResultSigningService,
    @Inject(SigningIdentityService) private readonly identities: SigningIdentityService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  /** One handler per job type of the worker contract. */
  handlers(): Map<MotcuaJobType, JobHandler> {
    const complete = (outputs: Record<string, unknown>): JobOutcome => {
      void this.mail.flush().catch(() => undefined);
      return { complete: outputs };
    };
    return new Map<MotcuaJobType, JobHandler>([
      [
        'motcua.intake',
        async (job) => {
          const result = await this.lifecycle.issueCode(dossierIdOf(job), job.processInstanceKey);
          if ('cancel' in result) {
            // A second instance for a dossier that has one (a start retried after a lost answer), or a withdrawn dossier.
            this.logger.warn(
              `dossier ${dossierIdOf(job)}: cancelling ${result.cancel} process instance ${job.processInstanceKey}`,
            );
            await this.zeebe.cancelProcessInstance(job.processInstanceKey);
            return { cancelled: true };
          }
          return complete(result);
        },
      ],
      [
        'motcua.accept',
        async (job) => {
          const fee = typeof job.variables.fee === 'number' ? job.variables.fee : undefined;
          return complete(await this.lifecycle.accept(dossierIdOf(job), fee));
        },
      ],
      [
        'motcua.supplement-request',
        async (job) => {
          const note = text(job.variables.supplementNote) ?? text(job.variables.note) ?? '';
          return complete(await this.lifecycle.requestSupplement(dossierIdOf(job), job.elementInstanceKey, note));
        },
      ],
      [
        'motcua.supplement-received',
        async (job) => complete(await this.lifecycle.recordSupplement(dossierIdOf(job), job.elementInstanceKey)),
      ],
      [
        'motcua.refuse',
        async (job) => {
          const reason = text(job.variables.refusalReason) ?? text(job.variables.reason) ?? '';
          return complete(await this.lifecycle.refuse(dossierIdOf(job), reason));
        },
      ],
      [
        'motcua.overdue',
        async (job) => {
          const agencyRole = text(job.customHeaders.agencyRole);
          const codes = agencyCodes(
            agencyRole
              ? (job.variables[`${agencyRole}AgencyCode`] ?? job.variables[`${agencyRole}AgencyCodes`])
              : job.variables.agencyCode,
          );
          if (codes.length === 0) {
            throw new DossierStepError(
              `motcua.overdue: no agency code (${agencyRole ? `${agencyRole}AgencyCode` : 'agencyCode'}) in the process variables`,
            );
          }
          const dueDates = job.variables.dueDates as Record<string, unknown> | undefined;
          const firedFor = String((agencyRole ? dueDates?.[agencyRole] : undefined) ?? job.variables.dueDate ?? '');
          for (const code of codes) await this.lifecycle.flagOverdue(dossierIdOf(job), code, agencyRole, firedFor);
          // The contract: motcua.overdue completes with nothing (it must not change dueDate).
          return complete({});
        },
      ],
      [
        'motcua.sign',
        async (job) => {
          const template = text(job.customHeaders.template);
          if (!template) throw new DossierStepError('motcua.sign: the task header "template" is missing');
          return complete(
            await this.signing.sign(dossierIdOf(job), job.elementId, template, {
              refusalReason: job.variables.refusalReason,
              stopReason: job.variables.stopReason,
              approverName: job.variables.approverName,
            }),
          );
        },
      ],
      ['motcua.return', async (job) => complete(await this.lifecycle.returnResult(dossierIdOf(job)))],
      [
        'motcua.financial-obligation',
        async (job) =>
          complete(
            await this.lifecycle.requireFinancialObligation(dossierIdOf(job), job.elementInstanceKey, {
              obligation: amountOf(job.variables.financialObligationAmount),
              computedFee: amountOf(job.variables.fee),
            }),
          ),
      ],
      [
        'motcua.financial-obligation-met',
        async (job) =>
          complete(
            await this.lifecycle.recordFinancialObligationMet(
              dossierIdOf(job),
              job.elementInstanceKey,
              text(job.variables.feeReceiptNumber),
            ),
          ),
      ],
      [
        'motcua.stop',
        async (job) => {
          const reason = text(job.variables.stopReason) ?? text(job.variables.reason) ?? '';
          return complete(await this.lifecycle.stop(dossierIdOf(job), reason));
        },
      ],
    ]);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('job-workers', async () => this.running !== undefined);
    // One-time work of a first start (the local test CA and the organisation key) before jobs arrive.
    await this.identities.get();
    // The start waits a little for the streams (the embedded engine answers at once) but not for an unreachable
    // Zeebe: then it goes on opening them in the background, and health reports the workers not ready meanwhile.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.open(0), new Promise((resolve) => (waited = setTimeout(resolve, 5_000)))]);
    clearTimeout(waited);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.running?.close();
  }

  private async open(attempt: number): Promise<void> {
    if (this.closed) return;
    try {
      const running = await startJobWorkers(this.zeebe, this.handlers(), {
        worker: `motcua-workers-${process.pid}`,
        timeoutMs: this.config.workers.jobTimeoutMs,
        pollIntervalMs: 5_000,
        fetchVariables: FETCH_VARIABLES,
        onStalled: (job, errorMessage) => this.recordStalled(job, errorMessage),
        log: (message) => this.logger.warn(message),
      });
      if (this.closed) running.close();
      else this.running = running;
    } catch (error) {
      if (this.closed) return;
      const delay = Math.min(30_000, 1_000 * 2 ** attempt);
      this.logger.warn(`job streams not open (${String(error)}); trying again in ${delay} ms`);
      this.retry = setTimeout(() => void this.open(attempt + 1), delay);
    }
  }

  private async recordStalled(job: MotcuaJob, errorMessage: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(StalledJob)
      .values({
        jobKey: job.key,
        dossierId: text(job.variables.dossierId) ?? null,
        processInstanceKey: job.processInstanceKey,
        elementId: job.elementId,
        // the administrator's retry restarts this element instance (StalledJobsService.retry)
        elementInstanceKey: job.elementInstanceKey,
        type: job.type,
        errorMessage,
      })
      .orIgnore()
      .execute();
  }
}
