import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn, dateTimeColumn, documentColumn } from './columns.ts';

/** The notification outbox (e-mail), sent by the workers role. */
export class CreateNotifications1795763500000 implements MigrationInterface {
  name = 'CreateNotifications1795763500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'dossierId', type: 'varchar', length: '36', isNullable: true },
          { name: 'channel', type: 'varchar', length: '16' },
          { name: 'recipient', type: 'varchar', length: '255' },
          { name: 'subject', type: 'varchar', length: '500' },
          documentColumn(queryRunner, 'body'),
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'error', type: 'varchar', length: '1000', isNullable: true },
          dateTimeColumn(queryRunner, 'nextAttemptAt', false),
          dateTimeColumn(queryRunner, 'leaseUntil'),
          dateTimeColumn(queryRunner, 'sentAt'),
          { name: 'dedupeKey', type: 'varchar', length: '160', isNullable: true },
          createdAtColumn(queryRunner),
        ],
        indices: [
          { name: 'IDX_notifications_due', columnNames: ['status', 'nextAttemptAt'] },
          { name: 'IDX_notifications_dedupe', columnNames: ['dedupeKey'], isUnique: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notifications');
  }
}
