import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Agency } from '../agencies/agency.entity.ts';
import { Group } from './group.entity.ts';
import { User } from './user.entity.ts';
import { UsersService } from './users.service.ts';

/** Users and groups, available to every role: inject UsersService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([User, Group, Agency])],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
