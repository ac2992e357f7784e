import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { FieldErrors } from '../common/domain-error.ts';
import { readDate, todayInVietnam } from '../common/input.ts';
import { AgenciesAdminService } from './agencies-admin.service.ts';
import { readAgencyInput } from './agency-input.ts';

@ApiTags('admin')
@Roles('administrator')
@Controller('admin/agencies')
export class AgenciesController {
  constructor(@Inject(AgenciesAdminService) private readonly agencies: AgenciesAdminService) {}

  /** `?at=YYYY-MM-DD` (default today): the tree in force that day; `?all=true`: every agency, flat. */
  @Get()
  async list(@Query('at') at?: string, @Query('all') all?: string): Promise<object> {
    if (all === 'true') return { agencies: await this.agencies.list() };
    const errors = new FieldErrors();
    const date = at === undefined ? todayInVietnam() : readDate({ at }, 'at', errors, true);
    errors.throwIfAny();
    return { at: date, tree: await this.agencies.treeAt(date!) };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<object> {
    return { agency: await this.agencies.get(id) };
  }

  @Post()
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<object> {
    return { agency: await this.agencies.create(readAgencyInput(body, false), user, clientIp(request)) };
  }

  @Patch(':id')
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<object> {
    return { agency: await this.agencies.update(id, readAgencyInput(body, true), user, clientIp(request)) };
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<object> {
    await this.agencies.remove(id, user, clientIp(request));
    return { deleted: true };
  }
}
