import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { FieldErrors } from '../common/domain-error.ts';
import { objectBody, readString } from '../common/input.ts';
import { GroupsAdminService } from './groups-admin.service.ts';

const GROUP_PREFIX = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

@ApiTags('admin')
@Roles('administrator')
@Controller('admin/groups')
export class GroupsController {
  constructor(@Inject(GroupsAdminService) private readonly groups: GroupsAdminService) {}

  @Get()
  async list(@Query('agencyId') agencyId?: string): Promise<object> {
    return { groups: await this.groups.list(agencyId) };
  }

  /** The group with its members. */
  @Get(':id')
  async get(@Param('id') id: string): Promise<object> {
    return { group: await this.groups.get(id) };
  }

  /** `{ prefix: 'desk' | 'specialist' | 'leader' | <kebab-case>, agencyId, nameVi?, nameEn? }` → group `<prefix>@<agency code>`. */
  @Post()
  async create(@CurrentUser() user: AuthenticatedUser, @Body() raw: unknown, @Req() request: Request): Promise<object> {
    const body = objectBody(raw);
    const errors = new FieldErrors();
    const prefix = readString(body, 'prefix', errors, {
      required: true,
      max: 30,
      pattern: GROUP_PREFIX,
      patternVi: 'Chữ thường, số và gạch ngang, ví dụ desk, specialist, leader',
      patternEn: 'kebab-case, e.g. desk, specialist, leader',
    });
    const agencyId = readString(body, 'agencyId', errors, { required: true, max: 36 });
    const nameVi = readString(body, 'nameVi', errors, { max: 255 });
    const nameEn = readString(body, 'nameEn', errors, { max: 255 });
    errors.throwIfAny();
    const group = await this.groups.create(
      { prefix: prefix!, agencyId: agencyId!, nameVi, nameEn },
      user,
      clientIp(request),
    );
    return { group };
  }

  /** `{ nameVi?, nameEn? }`: the code never changes (diagrams and tasks refer to it). */
  @Patch(':id')
  async rename(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() request: Request,
  ): Promise<object> {
    const body = objectBody(raw);
    const errors = new FieldErrors();
    for (const field of Object.keys(body)) {
      if (field !== 'nameVi' && field !== 'nameEn') {
        errors.add(field, 'Không sửa được trường này', 'This field cannot be changed');
      }
    }
    const nameVi = readString(body, 'nameVi', errors, { max: 255 });
    const nameEn = readString(body, 'nameEn', errors, { max: 255 });
    if (errors.empty && nameVi === undefined && nameEn === undefined) {
      errors.add('', 'Không có trường nào để cập nhật', 'Nothing to update');
    }
    errors.throwIfAny();
    const names = { ...(nameVi ? { nameVi } : {}), ...(nameEn ? { nameEn } : {}) };
    return { group: await this.groups.rename(id, names, user, clientIp(request)) };
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<object> {
    await this.groups.remove(id, user, clientIp(request));
    return { deleted: true };
  }
}
