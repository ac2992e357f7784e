import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesAdminService } from '../agencies/agencies-admin.service.ts';
import { AgenciesController } from '../agencies/agencies.controller.ts';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditController } from '../audit/audit.controller.ts';
import { Group } from '../users/group.entity.ts';
import { GroupsAdminService } from '../users/groups-admin.service.ts';
import { GroupsController } from '../users/groups.controller.ts';
import { User } from '../users/user.entity.ts';
import { UsersAdminService } from '../users/users-admin.service.ts';
import { UsersController } from '../users/users.controller.ts';

/** Administrator API (api role): agencies, groups, users and roles, the audit trail. */
@Module({
  imports: [TypeOrmModule.forFeature([Agency, Group, User])],
  controllers: [AgenciesController, GroupsController, UsersController, AuditController],
  providers: [AgenciesAdminService, GroupsAdminService, UsersAdminService],
})
export class AdminModule {}
