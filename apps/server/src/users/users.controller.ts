import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { FieldErrors } from '../common/domain-error.ts';
import { objectBody, readString, readStringArray } from '../common/input.ts';
import type { Body as JsonBody } from '../common/input.ts';
import { readEmail, readFullName, readPassword, readPhone, readUsername } from './user-validation.ts';
import { USER_ROLES } from './user.entity.ts';
import type { UserRole } from './user.entity.ts';
import { UsersAdminService } from './users-admin.service.ts';
import type { UserChanges, UserInput } from './users-admin.service.ts';

export const ROLE_NAMES: Record<UserRole, { vi: string; en: string }> = {
  citizen: { vi: 'Công dân', en: 'Citizen' },
  desk: { vi: 'Cán bộ bộ phận một cửa', en: 'One-stop desk officer' },
  specialist: { vi: 'Chuyên viên thụ lý', en: 'Specialist' },
  leader: { vi: 'Lãnh đạo', en: 'Leader' },
  designer: { vi: 'Cán bộ thiết kế quy trình', en: 'Process designer' },
  administrator: { vi: 'Quản trị hệ thống', en: 'Administrator' },
};

function readRoles(body: JsonBody, errors: FieldErrors, required: boolean): UserRole[] | undefined {
  return readStringArray(body, 'roles', errors, { required, minItems: 1, oneOf: USER_ROLES }) as UserRole[] | undefined;
}

function readAgencyId(body: JsonBody, errors: FieldErrors): string | null | undefined {
  if (body.agencyId === null) return null;
  return readString(body, 'agencyId', errors, { max: 36 });
}

@ApiTags('admin')
@Roles('administrator')
@Controller('admin')
export class UsersController {
  constructor(@Inject(UsersAdminService) private readonly users: UsersAdminService) {}

  @Get('roles')
  roles(): object {
    return { roles: USER_ROLES.map((role) => ({ role, names: ROLE_NAMES[role] })) };
  }

  /** `?agencyId=&role=&active=true|false&q=` */
  @Get('users')
  async list(
    @Query('agencyId') agencyId?: string,
    @Query('role') role?: string,
    @Query('active') active?: string,
    @Query('q') q?: string,
  ): Promise<object> {
    const errors = new FieldErrors();
    const query = { agencyId, role, active, q };
    readString(query, 'role', errors, { oneOf: USER_ROLES });
    readString(query, 'active', errors, { oneOf: ['true', 'false'] });
    errors.throwIfAny();
    return {
      users: await this.users.list({
        agencyId,
        role: role as UserRole | undefined,
        active: active === undefined ? undefined : active === 'true',
        q,
      }),
    };
  }

  @Get('users/:id')
  async get(@Param('id') id: string): Promise<object> {
    return { user: await this.users.get(id) };
  }

  /** `{ username, password, fullName, email?, phone?, roles[], agencyId?, groups?: ['desk@000.00.12.H10'] }` */
  @Post('users')
  async create(
    @CurrentUser() actor: AuthenticatedUser,
    @Body() raw: unknown,
    @Req() request: Request,
  ): Promise<object> {
    const body = objectBody(raw);
    const errors = new FieldErrors();
    const username = readUsername(body, errors);
    const input: Partial<UserInput> = {
      username,
      password: readPassword(body, 'password', errors, username),
      fullName: readFullName(body, errors),
      email: readEmail(body, errors, false) ?? null,
      phone: readPhone(body, errors, false) ?? null,
      roles: readRoles(body, errors, true),
      agencyId: readAgencyId(body, errors) ?? null,
      groups: readStringArray(body, 'groups', errors, { max: 64 }) ?? [],
    };
    errors.throwIfAny();
    return { user: await this.users.create(input as UserInput, actor, clientIp(request)) };
  }

  /** Any of `{ fullName, email, phone, roles, agencyId, groups }`; username and password change elsewhere. */
  @Patch('users/:id')
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() request: Request,
  ): Promise<object> {
    const body = objectBody(raw);
    const errors = new FieldErrors();
    const changes: UserChanges = {};
    for (const field of Object.keys(body)) {
      if (!['fullName', 'email', 'phone', 'roles', 'agencyId', 'groups'].includes(field)) {
        errors.add(
          field,
          'Không sửa được trường này tại đây (mật khẩu: reset-password; khoá: deactivate)',
          'This field cannot be changed here (password: reset-password; active: deactivate)',
        );
      }
    }
    if ('fullName' in body) changes.fullName = readFullName(body, errors);
    if ('email' in body) changes.email = body.email === null ? null : readEmail(body, errors);
    if ('phone' in body) changes.phone = body.phone === null ? null : readPhone(body, errors);
    if ('roles' in body) changes.roles = readRoles(body, errors, true);
    if ('agencyId' in body) changes.agencyId = readAgencyId(body, errors) ?? null;
    if ('groups' in body) changes.groups = readStringArray(body, 'groups', errors, { required: true, max: 64 });
    if (errors.empty && Object.keys(changes).length === 0) {
      errors.add('', 'Không có trường nào để cập nhật', 'Nothing to update');
    }
    errors.throwIfAny();
    return { user: await this.users.update(id, changes, actor, clientIp(request)) };
  }

  @Post('users/:id/deactivate')
  @HttpCode(200)
  async deactivate(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<object> {
    return { user: await this.users.setActive(id, false, actor, clientIp(request)) };
  }

  @Post('users/:id/activate')
  @HttpCode(200)
  async activate(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<object> {
    return { user: await this.users.setActive(id, true, actor, clientIp(request)) };
  }

  /** `{ password? }`: sets it, or generates one returned once as `temporaryPassword`; ends the user's sessions. */
  @Post('users/:id/reset-password')
  @HttpCode(200)
  async resetPassword(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('id') id: string,
    @Body() raw: unknown,
    @Req() request: Request,
  ): Promise<object> {
    const body = raw === undefined || raw === null ? {} : objectBody(raw);
    const errors = new FieldErrors();
    const password = body.password === undefined ? undefined : readPassword(body, 'password', errors, undefined);
    errors.throwIfAny();
    return { reset: true, ...(await this.users.resetPassword(id, password, actor, clientIp(request))) };
  }
}
