import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn, documentColumn } from './columns.ts';

/** Jobs that a worker failed for good (retries 0): Zeebe raised an incident the administrator has to act on. */
export class CreateStalledJobs1795764000001 implements MigrationInterface {
  name = 'CreateStalledJobs1795764000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'stalled_jobs',
        columns: [
          { name: 'jobKey', type: 'varchar', length: '20', isPrimary: true },
          { name: 'dossierId', type: 'varchar', length: '36', isNullable: true },
          { name: 'processInstanceKey', type: 'varchar', length: '20', isNullable: true },
          { name: 'elementId', type: 'varchar', length: '255' },
          { name: 'elementInstanceKey', type: 'varchar', length: '20', isNullable: true },
          { name: 'type', type: 'varchar', length: '255' },
          documentColumn(queryRunner, 'errorMessage'),
          createdAtColumn(queryRunner),
        ],
        indices: [new TableIndex({ name: 'IDX_stalled_jobs_createdAt', columnNames: ['createdAt'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stalled_jobs');
  }
}
