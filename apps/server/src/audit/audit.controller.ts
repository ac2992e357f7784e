import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.ts';
import { FieldErrors } from '../common/domain-error.ts';
import { readString } from '../common/input.ts';
import { AuditService } from './audit.service.ts';

@ApiTags('admin')
@Roles('administrator')
@Controller('admin/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  /** Newest first; `?entity=&entityId=&action=&actorId=&limit=` (limit ≤ 1000, default 100). */
  @Get()
  async list(
    @Query('entity') entity?: string,
    @Query('entityId') entityId?: string,
    @Query('action') action?: string,
    @Query('actorId') actorId?: string,
    @Query('limit') limit?: string,
  ): Promise<object> {
    const errors = new FieldErrors();
    readString({ limit }, 'limit', errors, {
      pattern: /^([1-9]\d{0,2}|1000)$/,
      patternVi: 'Số từ 1 đến 1000',
      patternEn: 'A number from 1 to 1000',
    });
    errors.throwIfAny();
    const entries = await this.audit.list({
      entity,
      entityId,
      action,
      actorId,
      limit: limit ? Number(limit) : undefined,
    });
    return { entries };
  }
}
