import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../auth/auth.service.ts';
import { DomainError } from '../common/domain-error.ts';
import { Group } from './group.entity.ts';
import { User } from './user.entity.ts';

export const GROUP_PREFIX_NAMES: Record<string, { vi: string; en: string }> = {
  desk: { vi: 'Bộ phận một cửa', en: 'One-stop desk' },
  specialist: { vi: 'Chuyên viên thụ lý', en: 'Specialists' },
  leader: { vi: 'Lãnh đạo', en: 'Leaders' },
};

export interface GroupView {
  id: string;
  code: string;
  nameVi: string;
  nameEn: string;
  agencyId: string;
  agencyCode: string | null;
  members?: { id: string; username: string; fullName: string; active: boolean }[];
}

/** Groups `<prefix>@<agency code>` (BPMN candidateGroups): created per agency, audited. */
@Injectable()
export class GroupsAdminService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    @InjectRepository(Agency) private readonly agencies: Repository<Agency>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(agencyId?: string): Promise<GroupView[]> {
    const groups = await this.groups.find({ where: agencyId ? { agencyId } : {}, order: { code: 'ASC' } });
    const codes = new Map((await this.agencies.find()).map((agency) => [agency.id, agency.code]));
    return groups.map((group) => ({ ...group, agencyCode: codes.get(group.agencyId) ?? null }));
  }

  async get(id: string): Promise<GroupView> {
    const group = await this.groups.findOne({ where: { id } });
    if (!group) throw DomainError.notFound('nhóm', 'group', id);
    const agency = await this.agencies.findOne({ where: { id: group.agencyId } });
    const members = await this.users
      .createQueryBuilder('user')
      .innerJoin('user.groups', 'group', 'group.id = :id', { id })
      .orderBy('user.username', 'ASC')
      .getMany();
    return {
      ...group,
      agencyCode: agency?.code ?? null,
      members: members.map((user) => ({
        id: user.id,
        username: user.username,
        fullName: user.fullName,
        active: user.active,
      })),
    };
  }

  async create(
    input: { prefix: string; agencyId: string; nameVi?: string; nameEn?: string },
    actor: AuditActor,
    ip: string | null,
  ): Promise<GroupView> {
    const agency = await this.agencies.findOne({ where: { id: input.agencyId } });
    if (!agency) {
      throw DomainError.validation([{ field: 'agencyId', message: 'Không có cơ quan này / No such agency' }]);
    }
    const code = `${input.prefix}@${agency.code}`;
    const names = GROUP_PREFIX_NAMES[input.prefix] ?? { vi: input.prefix, en: input.prefix };
    const group = await this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(Group);
        const created = await repository.save(
          repository.create({
            id: randomUUID(),
            code,
            nameVi: input.nameVi ?? `${names.vi} – ${agency.nameVi}`,
            nameEn: input.nameEn ?? `${names.en} – ${agency.nameEn}`,
            agencyId: agency.id,
          }),
        );
        await this.audit.record(
          { actor, action: 'group.create', entity: 'group', entityId: created.id, data: { code, ...input }, ip },
          manager,
        );
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) {
          throw new DomainError('GROUP_CODE_TAKEN', `Nhóm '${code}' đã tồn tại`, `The group '${code}' exists already`, {
            errors: [{ field: 'prefix', message: 'Đã tồn tại / Already exists' }],
          });
        }
        throw error;
      });
    return { ...group, agencyCode: agency.code };
  }

  /** Only the names change: the code is what BPMN diagrams and tasks refer to. */
  async rename(
    id: string,
    names: { nameVi?: string; nameEn?: string },
    actor: AuditActor,
    ip: string | null,
  ): Promise<GroupView> {
    const before = await this.get(id);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Group).update(id, names);
      await this.audit.record(
        {
          actor,
          action: 'group.update',
          entity: 'group',
          entityId: id,
          data: { before: { nameVi: before.nameVi, nameEn: before.nameEn }, after: names },
          ip,
        },
        manager,
      );
    });
    return this.get(id);
  }

  /** Removes the group and its memberships. */
  async remove(id: string, actor: AuditActor, ip: string | null): Promise<void> {
    const group = await this.get(id);
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM user_groups WHERE groupId = ?', [id]);
      await manager.getRepository(Group).delete({ id });
      await this.audit.record(
        {
          actor,
          action: 'group.delete',
          entity: 'group',
          entityId: id,
          data: { code: group.code, members: group.members?.map((member) => member.username) },
          ip,
        },
        manager,
      );
    });
  }
}
