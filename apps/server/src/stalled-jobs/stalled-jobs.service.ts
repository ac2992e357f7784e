import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { DomainError } from '../common/domain-error.ts';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { StalledJob } from './stalled-job.entity.ts';

const NOT_FOUND = 5;

/** What a worker knows about a job it failed with no retries left. */
export interface StalledJobReport {
  jobKey: string;
  dossierId?: string | null;
  processInstanceKey?: string | null;
  elementId: string;
  elementInstanceKey?: string | null;
  /** The job type, e.g. motcua.sign. */
  type: string;
  errorMessage: string;
}

/** How many retries a retried job gets (a job type's default in the diagrams). */
export const RETRY_RETRIES = 3;

/**
 * Stalled dossiers: jobs a worker failed for good. Zeebe then raises an incident that a gRPC client
 * can neither list nor look up, so the workers report each such job here (`recordStalled`).
 *
 * Retrying: UpdateJobRetries gives the job retries back, but Zeebe makes it activatable again only
 * after ResolveIncident with the incident's key — which no gRPC call returns (Operate's REST API
 * does; motcua needs no Operate). The embedded engine behaves the same. So the retry then restarts
 * the step with ModifyProcessInstance: terminate the failed element instance (which resolves its
 * incident) and activate the same element again in its scope — a new job with fresh retries.
 */
@Injectable()
export class StalledJobsService {
  private readonly logger = new Logger('StalledJobs');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /** Records (or refreshes) a stalled job. Idempotent by job key. */
  async recordStalled(report: StalledJobReport): Promise<void> {
    const row = {
      jobKey: report.jobKey,
      dossierId: report.dossierId ?? null,
      processInstanceKey: report.processInstanceKey ?? null,
      elementId: report.elementId,
      elementInstanceKey: report.elementInstanceKey ?? null,
      type: report.type,
      errorMessage: report.errorMessage.slice(0, 10_000),
    };
    const repository = this.dataSource.getRepository(StalledJob);
    const existing = await repository.findOne({ where: { jobKey: report.jobKey } });
    if (!existing) {
      await repository.insert(row);
      return;
    }
    // A later report that knows less keeps what an earlier one said.
    await repository.update(
      { jobKey: report.jobKey },
      {
        ...row,
        dossierId: row.dossierId ?? existing.dossierId,
        processInstanceKey: row.processInstanceKey ?? existing.processInstanceKey,
        elementInstanceKey: row.elementInstanceKey ?? existing.elementInstanceKey,
      },
    );
  }

  /** Records a job as the workers' `onStalled` hook sees it (an activated job and the failure's message). */
  recordStalledJob(
    job: {
      key: string;
      type: string;
      elementId: string;
      elementInstanceKey: string;
      processInstanceKey: string;
      variables: Record<string, unknown>;
    },
    errorMessage: string,
  ): Promise<void> {
    const dossierId = job.variables.dossierId;
    return this.recordStalled({
      jobKey: job.key,
      type: job.type,
      elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey,
      processInstanceKey: job.processInstanceKey,
      dossierId: typeof dossierId === 'string' ? dossierId : null,
      errorMessage,
    });
  }

  /** Newest first. */
  list(limit = 200): Promise<StalledJob[]> {
    return this.dataSource.getRepository(StalledJob).find({ order: { createdAt: 'DESC', jobKey: 'ASC' }, take: limit });
  }

  async retry(jobKey: string, actor: AuditActor): Promise<{ jobKey: string; restarted: boolean }> {
    const repository = this.dataSource.getRepository(StalledJob);
    const stalled = await repository.findOne({ where: { jobKey } });
    if (!stalled) throw DomainError.notFound('công việc bị treo', 'stalled job', jobKey);
    try {
      await this.zeebe.updateJobRetries({ jobKey, retries: RETRY_RETRIES });
    } catch (error) {
      if ((error as { code?: number }).code !== NOT_FOUND) throw this.unavailable(error);
      // The job is gone: its instance was cancelled or the step was restarted another way.
      await repository.delete({ jobKey });
      await this.audit.record({ actor, action: 'stalled-job.dismiss', entity: 'stalled-job', entityId: jobKey });
      throw new DomainError(
        'NOT_FOUND',
        `Công việc '${jobKey}' không còn trên Zeebe (hồ sơ đã bị hủy hoặc đã chạy tiếp); đã xóa khỏi danh sách`,
        `Job '${jobKey}' no longer exists on Zeebe (the dossier was cancelled or moved on); removed from the list`,
      );
    }
    let restarted = false;
    if (stalled.processInstanceKey && stalled.elementInstanceKey) {
      try {
        await this.zeebe.modifyProcessInstance({
          processInstanceKey: stalled.processInstanceKey,
          activateInstructions: [
            { elementId: stalled.elementId, ancestorElementInstanceKey: '-1', variableInstructions: [] },
          ],
          terminateInstructions: [{ elementInstanceKey: stalled.elementInstanceKey }],
        });
        restarted = true;
      } catch (error) {
        throw this.unavailable(error);
      }
    }
    await repository.delete({ jobKey });
    await this.audit.record({
      actor,
      action: 'stalled-job.retry',
      entity: 'stalled-job',
      entityId: jobKey,
      data: { dossierId: stalled.dossierId, elementId: stalled.elementId, type: stalled.type, restarted },
    });
    return { jobKey, restarted };
  }

  private unavailable(error: unknown): DomainError {
    this.logger.warn(`stalled job retry: ${String((error as Error)?.message ?? error)}`);
    return new DomainError(
      'SERVICE_UNAVAILABLE',
      'Không gửi được lệnh tới Zeebe, vui lòng thử lại',
      `Zeebe did not accept the command, please try again: ${String((error as Error)?.message ?? error)}`,
    );
  }
}
