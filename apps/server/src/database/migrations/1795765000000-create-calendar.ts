import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn, dateTimeColumn } from './columns.ts';

/**
 * The administrator's working-day calendar: entered holidays, yearly swaps, and one row of settings (office
 * sessions, same-day cut-off, weekend days, built-in holidays on or off; null = @motcua/calendar's default) with the
 * revision every process checks its cached calendar against.
 */
export class CreateCalendar1795765000000 implements MigrationInterface {
  name = 'CreateCalendar1795765000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'calendar_holidays',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'date', type: 'varchar', length: '10', isUnique: true },
          { name: 'nameVi', type: 'varchar', length: '255' },
          { name: 'nameEn', type: 'varchar', length: '255' },
          { name: 'createdBy', type: 'varchar', length: '64', isNullable: true },
          createdAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'calendar_swaps',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'date', type: 'varchar', length: '10', isUnique: true },
          { name: 'working', type: 'boolean' },
          { name: 'note', type: 'varchar', length: '500', isNullable: true },
          { name: 'createdBy', type: 'varchar', length: '64', isNullable: true },
          createdAtColumn(queryRunner),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'calendar_settings',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'sessions', type: 'text', isNullable: true },
          { name: 'sameDayCutoff', type: 'varchar', length: '5', isNullable: true },
          { name: 'weekendDays', type: 'text', isNullable: true },
          { name: 'includeBuiltInHolidays', type: 'boolean', default: true },
          { name: 'revision', type: 'int', default: 0 },
          dateTimeColumn(queryRunner, 'updatedAt'),
          { name: 'updatedBy', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );
    // The one settings row: every field at its default.
    await queryRunner.manager
      .createQueryBuilder()
      .insert()
      .into('calendar_settings', ['id', 'revision'])
      .values({ id: 1, revision: 0 })
      .execute();
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('calendar_settings');
    await queryRunner.dropTable('calendar_swaps');
    await queryRunner.dropTable('calendar_holidays');
  }
}
