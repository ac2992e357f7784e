import { Table, TableForeignKey, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn, dateTimeColumn, documentColumn } from './columns.ts';

/** The inbox: tasks keyed by Zeebe job key, and their candidate groups indexed for "open tasks of my group by due date". */
export class CreateTasks1795764000000 implements MigrationInterface {
  name = 'CreateTasks1795764000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'tasks',
        columns: [
          { name: 'id', type: 'varchar', length: '20', isPrimary: true },
          { name: 'processInstanceKey', type: 'varchar', length: '20' },
          { name: 'processDefinitionKey', type: 'varchar', length: '20' },
          { name: 'bpmnProcessId', type: 'varchar', length: '255' },
          { name: 'elementId', type: 'varchar', length: '255' },
          { name: 'elementInstanceKey', type: 'varchar', length: '20' },
          { name: 'name', type: 'varchar', length: '500' },
          { name: 'formKey', type: 'varchar', length: '255', isNullable: true },
          { name: 'dossierId', type: 'varchar', length: '36', isNullable: true },
          { name: 'dossierCode', type: 'varchar', length: '64', isNullable: true },
          { name: 'serviceCode', type: 'varchar', length: '64', isNullable: true },
          { name: 'agencyCode', type: 'varchar', length: '32', isNullable: true },
          documentColumn(queryRunner, 'candidateGroups'),
          documentColumn(queryRunner, 'candidateUsers'),
          { name: 'assigneeId', type: 'varchar', length: '36', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          dateTimeColumn(queryRunner, 'dueAt'),
          createdAtColumn(queryRunner),
          dateTimeColumn(queryRunner, 'claimedAt'),
          dateTimeColumn(queryRunner, 'completedAt'),
          { name: 'completedBy', type: 'varchar', length: '36', isNullable: true },
          documentColumn(queryRunner, 'output', true),
          dateTimeColumn(queryRunner, 'jobDeadline', false),
          dateTimeColumn(queryRunner, 'jobCompletedAt'),
          dateTimeColumn(queryRunner, 'cancelledAt'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_tasks_status_jobDeadline', columnNames: ['status', 'jobDeadline'] }),
          new TableIndex({ name: 'IDX_tasks_status_jobCompletedAt', columnNames: ['status', 'jobCompletedAt'] }),
          new TableIndex({ name: 'IDX_tasks_dossierId', columnNames: ['dossierId'] }),
          new TableIndex({ name: 'IDX_tasks_processInstanceKey', columnNames: ['processInstanceKey'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'task_candidate_groups',
        columns: [
          { name: 'taskId', type: 'varchar', length: '20', isPrimary: true },
          { name: 'groupCode', type: 'varchar', length: '64', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'assigneeId', type: 'varchar', length: '36', isNullable: true },
          dateTimeColumn(queryRunner, 'dueAt', false),
          { name: 'serviceCode', type: 'varchar', length: '64', isNullable: true },
          { name: 'agencyCode', type: 'varchar', length: '32', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_task_groups_inbox',
            columnNames: ['groupCode', 'status', 'assigneeId', 'dueAt', 'taskId'],
          }),
          new TableIndex({ name: 'IDX_task_groups_due', columnNames: ['groupCode', 'status', 'dueAt', 'taskId'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['taskId'],
            referencedTableName: 'tasks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('task_candidate_groups');
    await queryRunner.dropTable('tasks');
  }
}
