import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AgenciesService } from './agencies.service.ts';
import { Agency } from './agency.entity.ts';

/** The agency tree, available to every role: inject AgenciesService. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Agency])],
  providers: [AgenciesService],
  exports: [AgenciesService],
})
export class AgenciesModule {}
