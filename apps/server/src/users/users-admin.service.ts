import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Repository } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { AuthSession } from '../auth/auth-session.entity.ts';
import { isUniqueViolation } from '../auth/auth.service.ts';
import { hashPassword } from '../auth/secrets.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { Group } from './group.entity.ts';
import { User } from './user.entity.ts';
import type { UserRole } from './user.entity.ts';

/** Roles an official holds; they need an agency. */
export const OFFICIAL_ROLES: readonly UserRole[] = ['desk', 'specialist', 'leader'];

export interface UserInput {
  username: string;
  password: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: UserRole[];
  agencyId: string | null;
  /** Group codes `<prefix>@<agency code>`. */
  groups: string[];
}

export type UserChanges = Partial<Omit<UserInput, 'username' | 'password'>>;

export interface UserView {
  id: string;
  username: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  roles: UserRole[];
  agencyId: string | null;
  agencyCode: string | null;
  groups: string[];
  active: boolean;
  createdAt: string;
}

export interface UserQuery {
  agencyId?: string;
  role?: UserRole;
  active?: boolean;
  q?: string;
}

/** Administrators manage officials and citizens: create, change, deactivate, reset passwords; all audited. */
@Injectable()
export class UsersAdminService {
  constructor(
    @Inject(CONFIG) private readonly config: MotcuaConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    @InjectRepository(Agency) private readonly agencies: Repository<Agency>,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(query: UserQuery): Promise<UserView[]> {
    const builder = this.users
      .createQueryBuilder('user')
      .leftJoinAndSelect('user.groups', 'group')
      .orderBy('user.username', 'ASC');
    if (query.agencyId) builder.andWhere('user.agencyId = :agencyId', { agencyId: query.agencyId });
    if (query.active !== undefined) builder.andWhere('user.active = :active', { active: query.active });
    if (query.q) {
      builder.andWhere('(LOWER(user.username) LIKE :q OR LOWER(user.fullName) LIKE :q)', {
        q: `%${query.q.toLowerCase().replace(/[%_\\]/g, '')}%`,
      });
    }
    const users = (await builder.getMany()).filter((user) => !query.role || user.roles.includes(query.role));
    return this.views(users);
  }

  async get(id: string): Promise<UserView> {
    return (await this.views([await this.load(id)]))[0];
  }

  async create(input: UserInput, actor: AuditActor, ip: string | null): Promise<UserView> {
    const groups = await this.checkAssignment(input.roles, input.agencyId, input.groups);
    const passwordHash = await hashPassword(input.password, this.config.passwordHashCost);
    const user = await this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(User);
        const created = await repository.save(
          repository.create({
            id: randomUUID(),
            username: input.username,
            passwordHash,
            fullName: input.fullName,
            email: input.email,
            phone: input.phone,
            roles: input.roles,
            agencyId: input.agencyId,
            active: true,
            groups,
          }),
        );
        const { password: _password, ...data } = input;
        await this.audit.record(
          { actor, action: 'user.create', entity: 'user', entityId: created.id, data, ip },
          manager,
        );
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw new DomainError(
            'USERNAME_TAKEN',
            `Tên đăng nhập '${input.username}' đã được sử dụng`,
            `The username '${input.username}' is taken`,
            { errors: [{ field: 'username', message: 'Đã được sử dụng / Already taken' }] },
          );
        }
        throw error;
      });
    return this.get(user.id);
  }

  async update(id: string, changes: UserChanges, actor: AuditActor, ip: string | null): Promise<UserView> {
    const user = await this.load(id);
    const roles = changes.roles ?? user.roles;
    const agencyId = changes.agencyId !== undefined ? changes.agencyId : user.agencyId;
    // Moving to another agency drops the old agency's groups unless new ones are given.
    const groupCodes = changes.groups ?? (agencyId === user.agencyId ? user.groups.map((group) => group.code) : []);
    if (id === actor.id && !roles.includes('administrator')) {
      throw DomainError.validation([
        {
          field: 'roles',
          message: 'Không thể tự bỏ vai trò quản trị của mình / You cannot remove your own administrator role',
        },
      ]);
    }
    const groups = await this.checkAssignment(roles, agencyId, groupCodes);
    const before = await this.get(id);
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      user.roles = roles;
      user.agencyId = agencyId;
      user.groups = groups;
      if (changes.fullName !== undefined) user.fullName = changes.fullName;
      if (changes.email !== undefined) user.email = changes.email;
      if (changes.phone !== undefined) user.phone = changes.phone;
      await repository.save(user);
      const changed = Object.keys(changes) as (keyof UserChanges)[];
      await this.audit.record(
        {
          actor,
          action: 'user.update',
          entity: 'user',
          entityId: id,
          data: {
            before: Object.fromEntries(changed.map((key) => [key, before[key]])),
            after: changes,
          },
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /** A deactivated user cannot log in and every session or token of theirs ends at once. */
  async setActive(id: string, active: boolean, actor: AuditActor, ip: string | null): Promise<UserView> {
    const user = await this.load(id);
    if (id === actor.id && !active) {
      throw DomainError.forbidden('Không thể tự khoá tài khoản của mình', 'You cannot deactivate yourself');
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update(id, { active });
      if (!active) await manager.getRepository(AuthSession).delete({ userId: id });
      await this.audit.record(
        {
          actor,
          action: active ? 'user.activate' : 'user.deactivate',
          entity: 'user',
          entityId: id,
          data: { username: user.username },
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /**
   * Sets a new password (given, or generated and returned once) and ends the user's sessions.
   */
  async resetPassword(
    id: string,
    password: string | undefined,
    actor: AuditActor,
    ip: string | null,
  ): Promise<{ temporaryPassword?: string }> {
    const user = await this.load(id);
    const generated = password === undefined ? randomBytes(12).toString('base64url') : undefined;
    const passwordHash = await hashPassword(password ?? generated!, this.config.passwordHashCost);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update(id, { passwordHash });
      await manager.getRepository(AuthSession).delete({ userId: id });
      await this.audit.record(
        {
          actor,
          action: 'user.password_reset',
          entity: 'user',
          entityId: id,
          data: { username: user.username, generated: generated !== undefined },
          ip,
        },
        manager,
      );
    });
    return generated ? { temporaryPassword: generated } : {};
  }

  private async load(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id }, relations: { groups: true } });
    if (!user) throw DomainError.notFound('người dùng', 'user', id);
    return user;
  }

  /**
   * Roles, agency and groups fit together: a citizen has no other role, no agency and no group;
   * officials (desk, specialist, leader) need an agency; groups exist and belong to the user's agency.
   */
  private async checkAssignment(roles: UserRole[], agencyId: string | null, groupCodes: string[]): Promise<Group[]> {
    const errors = new FieldErrors();
    if (roles.includes('citizen')) {
      if (roles.length > 1) errors.add('roles', 'Công dân không kiêm vai trò khác', 'A citizen holds no other role');
      if (agencyId) errors.add('agencyId', 'Công dân không thuộc cơ quan nào', 'A citizen belongs to no agency');
      if (groupCodes.length) errors.add('groups', 'Công dân không thuộc nhóm nào', 'A citizen belongs to no group');
    }
    if (roles.some((role) => OFFICIAL_ROLES.includes(role)) && !agencyId) {
      errors.add('agencyId', 'Cán bộ một cửa, chuyên viên, lãnh đạo cần có cơ quan', 'Officials need an agency');
    }
    let agency: Agency | null = null;
    if (agencyId) {
      agency = await this.agencies.findOne({ where: { id: agencyId } });
      if (!agency) errors.add('agencyId', 'Không có cơ quan này', 'No such agency');
    }
    const groups = groupCodes.length ? await this.groups.find({ where: { code: In(groupCodes) } }) : [];
    groupCodes.forEach((code, index) => {
      const group = groups.find((candidate) => candidate.code === code);
      if (!group) errors.add(`groups[${index}]`, `Không có nhóm '${code}'`, `No group '${code}'`);
      else if (agency && group.agencyId !== agency.id) {
        errors.add(
          `groups[${index}]`,
          `Nhóm '${code}' thuộc cơ quan khác`,
          `The group '${code}' belongs to another agency`,
        );
      } else if (!agency) {
        errors.add(`groups[${index}]`, 'Người dùng chưa thuộc cơ quan nào', 'The user belongs to no agency');
      }
    });
    errors.throwIfAny();
    return groups;
  }

  private async views(users: User[]): Promise<UserView[]> {
    const ids = [...new Set(users.map((user) => user.agencyId).filter((id): id is string => Boolean(id)))];
    const agencies = ids.length ? await this.agencies.find({ where: { id: In(ids) } }) : [];
    const codes = new Map(agencies.map((agency) => [agency.id, agency.code]));
    return users.map((user) => ({
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      email: user.email,
      phone: user.phone,
      roles: [...user.roles],
      agencyId: user.agencyId,
      agencyCode: user.agencyId ? (codes.get(user.agencyId) ?? null) : null,
      groups: (user.groups ?? []).map((group) => group.code).sort(),
      active: user.active,
      createdAt: new Date(user.createdAt).toISOString(),
    }));
  }
}
