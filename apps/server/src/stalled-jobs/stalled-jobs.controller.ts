import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError } from '../common/domain-error.ts';
import { StalledJobsService } from './stalled-jobs.service.ts';

const JOB_KEY = /^\d{1,20}$/;

/** Stalled dossiers (administrator): steps whose job ran out of retries, with the reason, and their retry. */
@ApiTags('admin')
@Roles('administrator')
@Controller('admin/stalled')
export class StalledJobsController {
  constructor(@Inject(StalledJobsService) private readonly stalled: StalledJobsService) {}

  @Get()
  async list(): Promise<{ items: unknown[] }> {
    const rows = await this.stalled.list();
    return {
      items: rows.map((row) => ({
        jobKey: row.jobKey,
        dossierId: row.dossierId,
        processInstanceKey: row.processInstanceKey,
        elementId: row.elementId,
        type: row.type,
        reason: row.errorMessage,
        stalledAt: row.createdAt,
      })),
    };
  }

  @Post(':jobKey/retry')
  @HttpCode(200)
  retry(@Param('jobKey') jobKey: string, @CurrentUser() user: AuthenticatedUser): Promise<unknown> {
    if (!JOB_KEY.test(jobKey)) {
      throw DomainError.validation([{ field: 'jobKey', message: 'Mã công việc là một số / A job key is a number' }]);
    }
    return this.stalled.retry(jobKey, user);
  }
}
