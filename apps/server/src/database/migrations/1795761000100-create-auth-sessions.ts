import { Table, TableForeignKey } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dateTimeColumn } from './columns.ts';

export class CreateAuthSessions1795761000100 implements MigrationInterface {
  name = 'CreateAuthSessions1795761000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tokenHash', type: 'varchar', length: '64', isUnique: true },
          { name: 'csrfHash', type: 'varchar', length: '64', isNullable: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '100', isNullable: true },
          { name: 'userId', type: 'varchar', length: '36' },
          dateTimeColumn(queryRunner, 'createdAt', false),
          dateTimeColumn(queryRunner, 'expiresAt', false),
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
        ],
        indices: [{ name: 'IDX_auth_sessions_user', columnNames: ['userId'] }],
      }),
    );
    await queryRunner.createForeignKey(
      'auth_sessions',
      new TableForeignKey({
        columnNames: ['userId'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_sessions');
  }
}
