import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StalledJob } from './stalled-job.entity.ts';
import { StalledJobsController } from './stalled-jobs.controller.ts';
import { StalledJobsService } from './stalled-jobs.service.ts';

/** Stalled jobs, for every role: the workers inject StalledJobsService and call recordStalled. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([StalledJob])],
  providers: [StalledJobsService],
  exports: [StalledJobsService],
})
export class StalledJobsModule {}

/** The administrator's stalled-dossiers endpoints (api role). */
@Module({ controllers: [StalledJobsController] })
export class StalledJobsApiModule {}
