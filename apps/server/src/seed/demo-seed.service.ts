import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { hashPassword } from '../auth/secrets.ts';
import { isUniqueViolation } from '../auth/auth.service.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import { DEMO_AGENCIES, DEMO_EFFECTIVE_FROM, DEMO_PASSWORD, DEMO_USERS, GROUP_NAMES } from './demo-data.ts';
import { withStartupLock } from '../database/startup-lock.ts';

/**
 * Seeds the demo province, its agencies, groups and users (README "Demo users") into an empty users
 * table, in one transaction. Idempotent: rows that exist (by code or username) are left alone, and a
 * second api instance seeding at the same moment loses the race harmlessly.
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger('motcua');

  constructor(
    @Inject(CONFIG) private readonly config: MotcuaConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /** True when it seeded. */
  async seedIfEmpty(): Promise<boolean> {
    if (!this.config.demoSeed) return false;
    return withStartupLock(this.dataSource, 'demo-seed', () => this.seedUnlessUsersExist());
  }

  private async seedUnlessUsersExist(): Promise<boolean> {
    if ((await this.dataSource.getRepository(User).count()) > 0) return false;
    // One hash for the one demo password: every demo account shares it (documented in the README).
    const passwordHash = await hashPassword(DEMO_PASSWORD, this.config.passwordHashCost);
    try {
      await this.dataSource.transaction(async (manager) => {
        const agencies = manager.getRepository(Agency);
        const groups = manager.getRepository(Group);
        const users = manager.getRepository(User);
        const byCode = new Map<string, Agency>();
        for (const agency of await agencies.find()) byCode.set(agency.code, agency);
        for (const demo of DEMO_AGENCIES) {
          if (byCode.has(demo.code)) continue;
          const saved = await agencies.save(
            agencies.create({
              id: randomUUID(),
              code: demo.code,
              nameVi: demo.nameVi,
              nameEn: demo.nameEn,
              level: demo.level,
              role: demo.role,
              parentId: demo.parentCode ? byCode.get(demo.parentCode)!.id : null,
              jurisdictionId: demo.jurisdictionCode ? byCode.get(demo.jurisdictionCode)!.id : null,
              legalAuthority: demo.legalAuthority,
              effectiveFrom: DEMO_EFFECTIVE_FROM,
              effectiveTo: null,
            }),
          );
          byCode.set(saved.code, saved);
        }
        const groupByCode = new Map<string, Group>();
        for (const group of await groups.find()) groupByCode.set(group.code, group);
        for (const demo of DEMO_AGENCIES) {
          for (const prefix of demo.groups) {
            const code = `${prefix}@${demo.code}`;
            if (groupByCode.has(code)) continue;
            const saved = await groups.save(
              groups.create({
                id: randomUUID(),
                code,
                nameVi: `${GROUP_NAMES[prefix].vi} – ${demo.nameVi}`,
                nameEn: `${GROUP_NAMES[prefix].en} – ${demo.nameEn}`,
                agencyId: byCode.get(demo.code)!.id,
              }),
            );
            groupByCode.set(code, saved);
          }
        }
        for (const demo of DEMO_USERS) {
          if (await users.findOne({ where: { username: demo.username } })) continue;
          await users.save(
            users.create({
              id: randomUUID(),
              username: demo.username,
              passwordHash,
              fullName: demo.fullName,
              email: demo.email,
              phone: demo.phone,
              roles: demo.roles,
              agencyId: demo.agencyCode ? byCode.get(demo.agencyCode)!.id : null,
              active: true,
              groups: demo.groupCodes.map((code) => groupByCode.get(code)!),
            }),
          );
        }
        await this.audit.record(
          {
            actor: null,
            action: 'seed.demo',
            entity: 'seed',
            entityId: 'demo',
            data: { agencies: DEMO_AGENCIES.length, users: DEMO_USERS.map((user) => user.username) },
          },
          manager,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        this.logger.warn('demo seed: another instance seeded first');
        return false;
      }
      throw error;
    }
    return true;
  }
}
