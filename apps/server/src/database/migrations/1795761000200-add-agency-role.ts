import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agencies get a role in the tree (e.g. commune-people-committee, commune-police, social-insurance)
 * and the territorial unit they serve (jurisdictionId: a commune's police serves that commune), so a
 * service's competentAgencyRole resolves to an agency for a dossier's place; lookups get indexes.
 */
export class AddAgencyRole1795761000200 implements MigrationInterface {
  name = 'AddAgencyRole1795761000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'agencies',
      new TableColumn({ name: 'role', type: 'varchar', length: '64', default: "''" }),
    );
    await queryRunner.addColumn(
      'agencies',
      new TableColumn({ name: 'jurisdictionId', type: 'varchar', length: '36', isNullable: true }),
    );
    await queryRunner.createIndex(
      'agencies',
      new TableIndex({ name: 'IDX_agencies_parent', columnNames: ['parentId'] }),
    );
    await queryRunner.createIndex('agencies', new TableIndex({ name: 'IDX_agencies_role', columnNames: ['role'] }));
    await queryRunner.createIndex(
      'agencies',
      new TableIndex({ name: 'IDX_agencies_jurisdiction', columnNames: ['jurisdictionId'] }),
    );
    await queryRunner.createIndex('users', new TableIndex({ name: 'IDX_users_agency', columnNames: ['agencyId'] }));
    await queryRunner.createIndex('groups', new TableIndex({ name: 'IDX_groups_agency', columnNames: ['agencyId'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('groups', 'IDX_groups_agency');
    await queryRunner.dropIndex('users', 'IDX_users_agency');
    await queryRunner.dropIndex('agencies', 'IDX_agencies_jurisdiction');
    await queryRunner.dropIndex('agencies', 'IDX_agencies_role');
    await queryRunner.dropIndex('agencies', 'IDX_agencies_parent');
    await queryRunner.dropColumn('agencies', 'jurisdictionId');
    await queryRunner.dropColumn('agencies', 'role');
  }
}
