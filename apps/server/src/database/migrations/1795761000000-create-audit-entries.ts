import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dateTimeColumn, documentColumn } from './columns.ts';

export class CreateAuditEntries1795761000000 implements MigrationInterface {
  name = 'CreateAuditEntries1795761000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          dateTimeColumn(queryRunner, 'at', false),
          { name: 'actorId', type: 'varchar', length: '36', isNullable: true },
          { name: 'actorUsername', type: 'varchar', length: '64', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'entity', type: 'varchar', length: '64' },
          { name: 'entityId', type: 'varchar', length: '64', isNullable: true },
          documentColumn(queryRunner, 'data', true),
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [
          { name: 'IDX_audit_entries_at', columnNames: ['at'] },
          { name: 'IDX_audit_entries_action', columnNames: ['action'] },
          { name: 'IDX_audit_entries_entity', columnNames: ['entity', 'entityId'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_entries');
  }
}
