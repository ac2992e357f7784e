import { Table, TableForeignKey } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dateTimeColumn, documentColumn } from './columns.ts';

/** The service catalogue and its published versions (issue 3, item 4: no-code publishing). */
export class CreateServices1795762000000 implements MigrationInterface {
  name = 'CreateServices1795762000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'services',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'code', type: 'varchar', length: '64' },
          { name: 'slug', type: 'varchar', length: '100' },
          { name: 'nameVi', type: 'varchar', length: '500' },
          { name: 'nameEn', type: 'varchar', length: '500' },
          { name: 'level', type: 'varchar', length: '16' },
          { name: 'competentAgencyRole', type: 'varchar', length: '100' },
          { name: 'onlineLevel', type: 'varchar', length: '16' },
          { name: 'latestVersion', type: 'int' },
          { name: 'active', type: 'boolean', default: true },
          dateTimeColumn(queryRunner, 'createdAt', false),
          dateTimeColumn(queryRunner, 'updatedAt', false),
        ],
        indices: [{ name: 'IDX_services_code', columnNames: ['code'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'service_versions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'serviceId', type: 'varchar', length: '36' },
          { name: 'version', type: 'int' },
          { name: 'bpmnProcessId', type: 'varchar', length: '255' },
          { name: 'processDefinitionKey', type: 'varchar', length: '32' },
          { name: 'processVersion', type: 'int' },
          documentColumn(queryRunner, 'bpmnXml'),
          documentColumn(queryRunner, 'metadata'),
          documentColumn(queryRunner, 'submissionForm'),
          documentColumn(queryRunner, 'taskForms'),
          { name: 'effectiveFrom', type: 'varchar', length: '10' },
          dateTimeColumn(queryRunner, 'publishedAt', false),
          { name: 'publishedById', type: 'varchar', length: '36', isNullable: true },
          { name: 'publishedByUsername', type: 'varchar', length: '64', isNullable: true },
          { name: 'checksum', type: 'varchar', length: '64' },
        ],
        indices: [
          { name: 'IDX_service_versions_service_version', columnNames: ['serviceId', 'version'], isUnique: true },
          { name: 'IDX_service_versions_checksum', columnNames: ['checksum'] },
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'service_versions',
      new TableForeignKey({
        name: 'FK_service_versions_service',
        columnNames: ['serviceId'],
        referencedTableName: 'services',
        referencedColumnNames: ['id'],
        onDelete: 'RESTRICT',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('service_versions', 'FK_service_versions_service');
    await queryRunner.dropTable('service_versions');
    await queryRunner.dropTable('services');
  }
}
