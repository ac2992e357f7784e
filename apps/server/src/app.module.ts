import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { MotcuaConfig } from './config/config.ts';
import { CONFIG } from './config/config.module.ts';
import { LOG } from './common/log.ts';
import type { Log } from './common/log.ts';
import { HealthController } from './health/health.controller.ts';
import { Readiness } from './health/readiness.ts';
import { ZEEBE } from './zeebe/zeebe.ts';
import { dataSourceOptions } from './database/data-source.ts';
import { AdminModule } from './admin/admin.module.ts';
import { AgenciesModule } from './agencies/agencies.module.ts';
import { AuditModule } from './audit/audit.module.ts';
import { AuthModule } from './auth/auth.module.ts';
import { CatalogueApiModule, CatalogueModule } from './catalogue/catalogue.module.ts';
import { CommonModule } from './common/common.module.ts';
import { UsersModule } from './users/users.module.ts';
import { StalledJobsApiModule, StalledJobsModule } from './stalled-jobs/stalled-jobs.module.ts';
import { TaskBridgeModule, TasksModule } from './tasks/tasks.module.ts';
import { DossiersApiModule } from './dossiers/dossiers-api.module.ts';
import { DossiersCoreModule } from './dossiers/dossiers-core.module.ts';
import { AttachmentStorage } from './dossiers/attachment-storage.ts';
import { DossierWorkersModule } from './workers/dossier-workers.module.ts';
import { CalendarApiModule, CalendarModule } from './calendar/calendar.module.ts';

export interface AppContext {
  config: MotcuaConfig;
  dataSource: DataSource;
  zeebe: ZeebeGrpcClient;
  /** The dossier files store (filesystem or S3), opened by startServer. */
  files: AttachmentStorage;
  readiness: Readiness;
  /** Where startup messages go (npm start: stderr); inject with @Inject(LOG). */
  log?: Log;
}

/** The Nest application for the api and workers roles; features are added per role. */
@Module({})
export class AppModule {
  static forRoles(context: AppContext): DynamicModule {
    const { config } = context;
    // Feature modules by role: each feature adds itself to the list(s) it belongs to.
    const sharedModules: NonNullable<DynamicModule['imports']> = [];
    sharedModules.push(AuditModule, AgenciesModule, UsersModule);
    sharedModules.push(CatalogueModule);
    const apiModules: NonNullable<DynamicModule['imports']> = [];
    apiModules.push(CommonModule, AuthModule, AdminModule);
    apiModules.push(CatalogueApiModule);
    const workerModules: NonNullable<DynamicModule['imports']> = [];
    sharedModules.push(DossiersCoreModule);
    apiModules.push(DossiersApiModule);
    workerModules.push(DossierWorkersModule);
    sharedModules.push(StalledJobsModule);
    apiModules.push(TasksModule, StalledJobsApiModule);
    workerModules.push(TaskBridgeModule);
    sharedModules.push(CalendarModule);
    apiModules.push(CalendarApiModule);
    const roleModules = [
      ...sharedModules,
      ...(config.roles.has('api') ? apiModules : []),
      ...(config.roles.has('workers') ? workerModules : []),
    ];
    const controllers = config.roles.has('api') ? [HealthController] : [];
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config.database),
          dataSourceFactory: async () => context.dataSource,
        }),
        ...roleModules,
      ],
      controllers,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: ZEEBE, useValue: context.zeebe },
        { provide: AttachmentStorage, useValue: context.files },
        { provide: Readiness, useValue: context.readiness },
        { provide: LOG, useValue: context.log ?? (() => undefined) },
      ],
      exports: [CONFIG, ZEEBE, AttachmentStorage, Readiness, LOG],
    };
  }
}
