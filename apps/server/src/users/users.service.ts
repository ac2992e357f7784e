import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import { Agency } from '../agencies/agency.entity.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { Group } from './group.entity.ts';
import { User } from './user.entity.ts';
import type { UserRole } from './user.entity.ts';

/** Look-ups of users and groups shared by every role (auth, inbox, notifications, workers). */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    @InjectRepository(Agency) private readonly agencies: Repository<Agency>,
  ) {}

  /** Usernames are stored lower-case. */
  findByUsername(username: string): Promise<User | null> {
    return this.users.findOne({ where: { username: username.trim().toLowerCase() }, relations: { groups: true } });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id }, relations: { groups: true } });
  }

  async toAuthenticated(user: User): Promise<AuthenticatedUser> {
    const agency = user.agencyId
      ? await this.agencies.findOne({ where: { id: user.agencyId }, select: { id: true, code: true } })
      : null;
    return this.authenticated(user, agency?.code ?? null);
  }

  private authenticated(user: User, agencyCode: string | null): AuthenticatedUser {
    return {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      roles: [...user.roles],
      agencyId: user.agencyId,
      agencyCode,
      groupCodes: (user.groups ?? []).map((group) => group.code).sort(),
    };
  }

  /** Active members of a group by code (e.g. `leader@000.00.21.H10`), for notifications. */
  async membersOfGroup(groupCode: string): Promise<User[]> {
    const group = await this.groups.findOne({ where: { code: groupCode } });
    if (!group) return [];
    return this.users
      .createQueryBuilder('user')
      .innerJoin('user.groups', 'group', 'group.id = :groupId', { groupId: group.id })
      .where('user.active = :active', { active: true })
      .orderBy('user.username', 'ASC')
      .getMany();
  }

  /** Active users of an agency holding a role (e.g. the leaders of the competent agency). */
  async usersWithRole(agencyId: string, role: UserRole): Promise<User[]> {
    const users = await this.users.find({ where: { agencyId, active: true }, order: { username: 'ASC' } });
    return users.filter((user) => user.roles.includes(role));
  }

  groupsByCodes(codes: string[]): Promise<Group[]> {
    return codes.length === 0 ? Promise.resolve([]) : this.groups.find({ where: { code: In(codes) } });
  }
}
