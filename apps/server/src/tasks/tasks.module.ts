import { Global, Inject, Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MotcuaConfig } from '../config/config.ts';
import { CONFIG } from '../config/config.module.ts';
import { ServiceVersion } from '../catalogue/service-version.entity.ts';
import { Readiness } from '../health/readiness.ts';
import { Task, TaskCandidateGroup } from './task.entity.ts';
import { TaskRepository } from './task.repository.ts';
import { TASK_BRIDGE_SETTINGS, TaskBridge } from './task-bridge.service.ts';
import { TaskHistory } from './task-history.ts';
import { TaskJobs } from './task-jobs.service.ts';
import { TaskNames } from './task-names.ts';
import { TasksController } from './tasks.controller.ts';
import { TasksService } from './tasks.service.ts';

/**
 * Tasks in the database and their completion on Zeebe: shared by the inbox api and the bridge, and
 * global so that other features can inject TaskJobs (e.g. `closeGoneTasksOf` after cancelling an instance).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Task, TaskCandidateGroup])],
  providers: [TaskRepository, TaskHistory, TaskNames, TaskJobs],
  exports: [TaskRepository, TaskHistory, TaskNames, TaskJobs],
})
export class TaskCoreModule implements OnModuleInit {
  constructor(
    @Inject(TaskNames) private readonly names: TaskNames,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    // Step names come from the published BPMN (the catalogue keeps it by process definition key).
    this.names.addSource(async (processDefinitionKey) => {
      const version = await this.dataSource
        .getRepository(ServiceVersion)
        .findOne({ where: { processDefinitionKey }, select: { id: true, bpmnXml: true } });
      return version?.bpmnXml;
    });
  }
}

/** The officials' inbox api (api role). */
@Module({
  imports: [TaskCoreModule],
  controllers: [TasksController],
  providers: [TasksService],
})
export class TasksModule {}

/** The user-task bridge (workers role); health waits for its job stream. */
@Module({
  imports: [TaskCoreModule],
  providers: [
    TaskBridge,
    { provide: TASK_BRIDGE_SETTINGS, useFactory: (config: MotcuaConfig) => config.tasks, inject: [CONFIG] },
  ],
  exports: [TaskBridge],
})
export class TaskBridgeModule implements OnModuleInit {
  constructor(
    @Inject(TaskBridge) private readonly bridge: TaskBridge,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    this.readiness.register('task-bridge', async () => this.bridge.ready);
  }
}
