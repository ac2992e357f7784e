import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../auth/auth.service.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import { isEffective } from './agencies.service.ts';
import { AGENCY_LEVELS, Agency } from './agency.entity.ts';
import type { AgencyLevel } from './agency.entity.ts';

export interface AgencyInput {
  code: string;
  nameVi: string;
  nameEn: string;
  level: AgencyLevel;
  role: string;
  parentId: string | null;
  jurisdictionId: string | null;
  legalAuthority: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export type AgencyNode = Agency & { children: AgencyNode[] };

/** The administrator's view of the agency tree: effective-dated, validated, audited. */
@Injectable()
export class AgenciesAdminService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(Agency) private readonly agencies: Repository<Agency>,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  list(): Promise<Agency[]> {
    return this.agencies.find({ order: { code: 'ASC' } });
  }

  /** The agencies in force on `date`, as a tree (roots: agencies whose parent is not in force then). */
  async treeAt(date: string): Promise<AgencyNode[]> {
    const effective = (await this.list()).filter((agency) => isEffective(agency, date));
    const nodes = new Map(effective.map((agency) => [agency.id, { ...agency, children: [] } as AgencyNode]));
    const roots: AgencyNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  async get(id: string): Promise<Agency> {
    const agency = await this.agencies.findOne({ where: { id } });
    if (!agency) throw DomainError.notFound('cơ quan', 'agency', id);
    return agency;
  }

  async create(input: AgencyInput, actor: AuditActor, ip: string | null): Promise<Agency> {
    await this.checkReferences(input, null);
    return this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(Agency);
        const agency = await repository.save(repository.create({ id: randomUUID(), ...input }));
        await this.audit.record(
          { actor, action: 'agency.create', entity: 'agency', entityId: agency.id, data: input, ip },
          manager,
        );
        return agency;
      })
      .catch(rethrowCodeTaken(input.code));
  }

  async update(id: string, changes: Partial<AgencyInput>, actor: AuditActor, ip: string | null): Promise<Agency> {
    const current = await this.get(id);
    const next: AgencyInput = { ...current, ...changes };
    const errors = new FieldErrors();
    if (next.effectiveTo !== null && next.effectiveTo < next.effectiveFrom) {
      errors.add('effectiveTo', 'Phải từ ngày hiệu lực trở đi', 'Must be on or after effectiveFrom');
    }
    errors.throwIfAny();
    await this.checkReferences(next, id);
    return this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(Agency);
        await repository.update(id, changes);
        const before = Object.fromEntries(Object.keys(changes).map((key) => [key, current[key as keyof AgencyInput]]));
        await this.audit.record(
          { actor, action: 'agency.update', entity: 'agency', entityId: id, data: { before, after: changes }, ip },
          manager,
        );
        return (await repository.findOne({ where: { id } }))!;
      })
      .catch(rethrowCodeTaken(next.code));
  }

  /**
   * Deletes an agency nothing refers to (no sub-agencies, groups or users). An agency that was ever in
   * use is closed instead, by setting effectiveTo: history keeps its code.
   */
  async remove(id: string, actor: AuditActor, ip: string | null): Promise<void> {
    const agency = await this.get(id);
    const [children, groups, users] = await Promise.all([
      this.agencies.count({ where: [{ parentId: id }, { jurisdictionId: id }] }),
      this.dataSource.getRepository(Group).count({ where: { agencyId: id } }),
      this.dataSource.getRepository(User).count({ where: { agencyId: id } }),
    ]);
    if (children + groups + users > 0) {
      throw new DomainError(
        'AGENCY_IN_USE',
        `Cơ quan ${agency.code} đang có ${children} cơ quan trực thuộc, ${groups} nhóm, ${users} người dùng: hãy đặt ngày hết hiệu lực (effectiveTo) thay vì xoá`,
        `Agency ${agency.code} has ${children} sub-agencies, ${groups} groups and ${users} users: set effectiveTo instead of deleting it`,
        { children, groups, users },
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Agency).delete({ id });
      await this.audit.record(
        { actor, action: 'agency.delete', entity: 'agency', entityId: id, data: { code: agency.code }, ip },
        manager,
      );
    });
  }

  /** Parent and jurisdiction exist, fit the level, are in force when the agency starts, and make no cycle. */
  private async checkReferences(input: AgencyInput, selfId: string | null): Promise<void> {
    const errors = new FieldErrors();
    const all = await this.list();
    const byId = new Map(all.map((agency) => [agency.id, agency]));
    if (input.level === 'province' && input.parentId) {
      errors.add('parentId', 'Cấp tỉnh không có cơ quan cấp trên', 'A province has no parent');
    }
    if (input.level !== 'province' && !input.parentId) {
      errors.add('parentId', 'Bắt buộc với cơ quan cấp sở và cấp xã', 'Required for departments and communes');
    }
    if (input.parentId) {
      const parent = byId.get(input.parentId);
      if (!parent) errors.add('parentId', 'Không có cơ quan này', 'No such agency');
      else if (!isEffective(parent, input.effectiveFrom)) {
        errors.add(
          'parentId',
          `Cơ quan cấp trên không còn hiệu lực vào ngày ${input.effectiveFrom}`,
          `The parent is not in force on ${input.effectiveFrom}`,
        );
      }
      // No cycle: walking up from the parent must not reach this agency.
      let walker = parent;
      const seen = new Set<string>();
      while (selfId && walker && !seen.has(walker.id)) {
        if (walker.id === selfId) {
          errors.add('parentId', 'Tạo thành vòng lặp trong cây cơ quan', 'Would make a cycle in the tree');
          break;
        }
        seen.add(walker.id);
        walker = walker.parentId ? byId.get(walker.parentId) : undefined;
      }
    }
    if (input.jurisdictionId) {
      const place = byId.get(input.jurisdictionId);
      if (!place) errors.add('jurisdictionId', 'Không có cơ quan này', 'No such agency');
      else if (place.level === 'department') {
        errors.add('jurisdictionId', 'Phải là cấp xã hoặc cấp tỉnh', 'Must be a commune or a province');
      } else if (place.id === selfId) {
        errors.add('jurisdictionId', 'Không thể là chính cơ quan này', 'Cannot be the agency itself');
      }
    }
    if (!AGENCY_LEVELS.includes(input.level)) errors.add('level', 'Cấp không hợp lệ', 'Unknown level');
    errors.throwIfAny();
  }
}

function rethrowCodeTaken(code: string): (error: unknown) => never {
  return (error: unknown) => {
    if (isUniqueViolation(error)) {
      throw new DomainError(
        'AGENCY_CODE_TAKEN',
        `Mã cơ quan '${code}' đã tồn tại`,
        `The agency code '${code}' exists already`,
        { errors: [{ field: 'code', message: 'Đã tồn tại / Already exists' }] },
      );
    }
    throw error;
  };
}
