import { Table, TableForeignKey } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn } from './columns.ts';

export class CreateAgenciesUsersGroups1795760000000 implements MigrationInterface {
  name = 'CreateAgenciesUsersGroups1795760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'agencies',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'code', type: 'varchar', length: '32', isUnique: true },
          { name: 'nameVi', type: 'varchar', length: '255' },
          { name: 'nameEn', type: 'varchar', length: '255' },
          { name: 'level', type: 'varchar', length: '16' },
          { name: 'parentId', type: 'varchar', length: '36', isNullable: true },
          { name: 'legalAuthority', type: 'varchar', length: '1000', default: "''" },
          { name: 'effectiveFrom', type: 'varchar', length: '10' },
          { name: 'effectiveTo', type: 'varchar', length: '10', isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'username', type: 'varchar', length: '64', isUnique: true },
          { name: 'passwordHash', type: 'varchar', length: '100' },
          { name: 'fullName', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '255', isNullable: true },
          { name: 'phone', type: 'varchar', length: '20', isNullable: true },
          { name: 'roles', type: 'text' },
          { name: 'agencyId', type: 'varchar', length: '36', isNullable: true },
          { name: 'active', type: 'boolean', default: true },
          createdAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'groups',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'code', type: 'varchar', length: '64', isUnique: true },
          { name: 'nameVi', type: 'varchar', length: '255' },
          { name: 'nameEn', type: 'varchar', length: '255' },
          { name: 'agencyId', type: 'varchar', length: '36' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_groups',
        columns: [
          { name: 'userId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'groupId', type: 'varchar', length: '36', isPrimary: true },
        ],
        indices: [{ columnNames: ['groupId'] }],
      }),
    );
    await queryRunner.createForeignKeys('user_groups', [
      new TableForeignKey({
        columnNames: ['userId'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
      new TableForeignKey({
        columnNames: ['groupId'],
        referencedTableName: 'groups',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_groups');
    await queryRunner.dropTable('groups');
    await queryRunner.dropTable('users');
    await queryRunner.dropTable('agencies');
  }
}
