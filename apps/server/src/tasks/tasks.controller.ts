import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import { objectBody, readString } from '../common/input.ts';
import { decodeCursor } from './task.repository.ts';
import type { AssignedFilter, InboxCursor } from './task.repository.ts';
import { TasksService } from './tasks.service.ts';

const ASSIGNED: readonly AssignedFilter[] = ['me', 'unassigned', 'all'];
const MAX_PAGE = 100;

/** `GET /api/inbox` query parameters, every problem listed at once. */
export function readInboxQuery(query: Record<string, unknown>): {
  assigned: AssignedFilter;
  serviceCode?: string;
  agencyCode?: string;
  dueBefore?: Date;
  overdue?: boolean;
  limit: number;
  after?: InboxCursor;
} {
  const errors = new FieldErrors();
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      errors.add(name, 'Chỉ được truyền một giá trị', 'Give a single value');
      return undefined;
    }
    return value;
  };
  const assigned = text('assigned') ?? 'all';
  if (!(ASSIGNED as readonly string[]).includes(assigned)) {
    errors.add('assigned', `Phải là một trong: ${ASSIGNED.join(', ')}`, `Must be one of: ${ASSIGNED.join(', ')}`);
  }
  const serviceCode = text('service');
  if (serviceCode !== undefined && serviceCode.length > 64)
    errors.add('service', 'Tối đa 64 ký tự', 'At most 64 characters');
  const agencyCode = text('agency');
  if (agencyCode !== undefined && agencyCode.length > 32)
    errors.add('agency', 'Tối đa 32 ký tự', 'At most 32 characters');
  let dueBefore: Date | undefined;
  const dueText = text('dueBefore');
  if (dueText !== undefined) {
    // A date alone means "before that day starts in Vietnam".
    const date = /^\d{4}-\d{2}-\d{2}$/.test(dueText) ? new Date(`${dueText}T00:00:00+07:00`) : new Date(dueText);
    if (!/^\d{4}-\d{2}-\d{2}/.test(dueText) || Number.isNaN(date.getTime())) {
      errors.add(
        'dueBefore',
        'Ngày giờ theo ISO 8601, ví dụ 2026-12-31',
        'An ISO 8601 date or date-time, e.g. 2026-12-31',
      );
    } else dueBefore = date;
  }
  let overdue: boolean | undefined;
  const overdueText = text('overdue');
  if (overdueText !== undefined) {
    if (overdueText === 'true' || overdueText === 'false') overdue = overdueText === 'true';
    else errors.add('overdue', 'Phải là true hoặc false', 'Must be true or false');
  }
  let limit = 50;
  const limitText = text('limit');
  if (limitText !== undefined) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      errors.add('limit', `Số nguyên từ 1 đến ${MAX_PAGE}`, `A whole number from 1 to ${MAX_PAGE}`);
    }
  }
  let after: InboxCursor | undefined;
  const cursorText = text('cursor');
  if (cursorText !== undefined) {
    after = decodeCursor(cursorText);
    if (!after) errors.add('cursor', 'Con trỏ trang không hợp lệ', 'Invalid page cursor');
  }
  errors.throwIfAny();
  return { assigned: assigned as AssignedFilter, serviceCode, agencyCode, dueBefore, overdue, limit, after };
}

/** The officials' inbox and task actions (desk officers, specialists, leaders). */
@ApiTags('tasks')
@Roles('desk', 'specialist', 'leader')
@Controller()
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  /** Open tasks of my groups, unassigned and mine (`assigned=me|unassigned|all`), by due date, paginated with a cursor. */
  @Get('inbox')
  inbox(@CurrentUser() user: AuthenticatedUser, @Query() query: Record<string, unknown>): Promise<unknown> {
    return this.tasks.inbox(user, readInboxQuery(query));
  }

  /** The task, its dossier summary and the JSON Schema of its form. */
  @Get('tasks/:id')
  detail(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<unknown> {
    return this.tasks.detail(user, id);
  }

  @Post('tasks/:id/claim')
  @HttpCode(200)
  claim(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() request: Request): Promise<unknown> {
    return this.tasks.claim(user, id, clientIp(request));
  }

  @Post('tasks/:id/unclaim')
  @HttpCode(200)
  unclaim(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() request: Request): Promise<unknown> {
    return this.tasks.unclaim(user, id, clientIp(request));
  }

  /** Leaders: give the task to an official of one of its candidate groups (`{ userId }`). */
  @Post('tasks/:id/assign')
  @HttpCode(200)
  @Roles('leader')
  assign(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<unknown> {
    const errors = new FieldErrors();
    const userId = readString(objectBody(body), 'userId', errors, { required: true, max: 36 });
    errors.throwIfAny();
    return this.tasks.assign(user, id, userId!, clientIp(request));
  }

  /** The assignee completes the step with the form's data (`{ data }`), validated against the step's form. */
  @Post('tasks/:id/complete')
  @HttpCode(200)
  complete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<unknown> {
    const input = objectBody(body);
    if (input.data === undefined) {
      throw DomainError.validation([
        { field: '/data', message: 'Thiếu dữ liệu biểu mẫu (data) / The form data (data) is missing' },
      ]);
    }
    return this.tasks.complete(user, id, input.data, clientIp(request));
  }
}
