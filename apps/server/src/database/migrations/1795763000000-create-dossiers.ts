import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createdAtColumn, dateTimeColumn, documentColumn } from './columns.ts';

/** Dossiers, their supplement pauses, history, attachments and the daily code sequences. */
export class CreateDossiers1795763000000 implements MigrationInterface {
  name = 'CreateDossiers1795763000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'dossiers',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'code', type: 'varchar', length: '64', isNullable: true },
          { name: 'serviceVersionId', type: 'varchar', length: '36' },
          { name: 'serviceCode', type: 'varchar', length: '64' },
          { name: 'applicantUserId', type: 'varchar', length: '36', isNullable: true },
          { name: 'submittedByUserId', type: 'varchar', length: '36' },
          documentColumn(queryRunner, 'applicant'),
          documentColumn(queryRunner, 'formData'),
          { name: 'channel', type: 'varchar', length: '16' },
          { name: 'status', type: 'int' },
          { name: 'agencyId', type: 'varchar', length: '36' },
          { name: 'receivingAgencyId', type: 'varchar', length: '36' },
          documentColumn(queryRunner, 'processVariables'),
          { name: 'processInstanceKey', type: 'varchar', length: '32', isNullable: true },
          { name: 'processStartError', type: 'varchar', length: '1000', isNullable: true },
          { name: 'processStartAttempts', type: 'int', default: 0 },
          { name: 'idempotencyKey', type: 'varchar', length: '128', isNullable: true },
          { name: 'supplementState', type: 'varchar', length: '16', isNullable: true },
          { name: 'supplementCount', type: 'int', default: 0 },
          dateTimeColumn(queryRunner, 'submittedAt', false),
          dateTimeColumn(queryRunner, 'receivedAt'),
          dateTimeColumn(queryRunner, 'dueAt'),
          dateTimeColumn(queryRunner, 'finishedAt'),
          dateTimeColumn(queryRunner, 'returnedAt'),
          dateTimeColumn(queryRunner, 'withdrawnAt'),
          { name: 'overdue', type: 'boolean', default: false },
          { name: 'resultDocumentId', type: 'varchar', length: '36', isNullable: true },
          { name: 'resultDocumentPath', type: 'varchar', length: '500', isNullable: true },
          { name: 'resultDocumentSha256', type: 'varchar', length: '64', isNullable: true },
          createdAtColumn(queryRunner),
          createdAtColumn(queryRunner, 'updatedAt'),
        ],
        indices: [
          { name: 'IDX_dossiers_code', columnNames: ['code'], isUnique: true },
          {
            name: 'IDX_dossiers_submitter_idempotency',
            columnNames: ['submittedByUserId', 'idempotencyKey'],
            isUnique: true,
          },
          { name: 'IDX_dossiers_applicant', columnNames: ['applicantUserId', 'submittedAt'] },
          { name: 'IDX_dossiers_agency', columnNames: ['agencyId'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'dossier_pauses',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'dossierId', type: 'varchar', length: '36' },
          dateTimeColumn(queryRunner, 'pausedAt', false),
          dateTimeColumn(queryRunner, 'resumedAt'),
          { name: 'reason', type: 'varchar', length: '1000', default: "''" },
        ],
        indices: [{ name: 'IDX_dossier_pauses_dossier', columnNames: ['dossierId', 'pausedAt'] }],
        foreignKeys: [
          {
            columnNames: ['dossierId'],
            referencedTableName: 'dossiers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'dossier_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'dossierId', type: 'varchar', length: '36' },
          { name: 'type', type: 'varchar', length: '48' },
          { name: 'status', type: 'int', isNullable: true },
          { name: 'actorType', type: 'varchar', length: '16' },
          { name: 'actorId', type: 'varchar', length: '36', isNullable: true },
          { name: 'actorName', type: 'varchar', length: '255', isNullable: true },
          { name: 'isPublic', type: 'boolean', default: false },
          { name: 'messageVi', type: 'varchar', length: '1000', default: "''" },
          { name: 'messageEn', type: 'varchar', length: '1000', default: "''" },
          documentColumn(queryRunner, 'data', true),
          { name: 'dedupeKey', type: 'varchar', length: '120', isNullable: true },
          dateTimeColumn(queryRunner, 'at', false),
        ],
        indices: [
          { name: 'IDX_dossier_events_dossier', columnNames: ['dossierId', 'at'] },
          { name: 'IDX_dossier_events_dedupe', columnNames: ['dedupeKey'], isUnique: true },
        ],
        foreignKeys: [
          {
            columnNames: ['dossierId'],
            referencedTableName: 'dossiers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'attachments',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'dossierId', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'documentCode', type: 'varchar', length: '64', isNullable: true },
          { name: 'fileName', type: 'varchar', length: '255' },
          { name: 'mediaType', type: 'varchar', length: '64' },
          { name: 'size', type: 'int' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'storagePath', type: 'varchar', length: '500' },
          { name: 'uploadedByUserId', type: 'varchar', length: '36', isNullable: true },
          createdAtColumn(queryRunner),
        ],
        indices: [{ name: 'IDX_attachments_dossier', columnNames: ['dossierId', 'createdAt'] }],
        foreignKeys: [
          {
            columnNames: ['dossierId'],
            referencedTableName: 'dossiers',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'dossier_code_sequences',
        columns: [
          { name: 'agencyCode', type: 'varchar', length: '32', isPrimary: true },
          { name: 'day', type: 'varchar', length: '6', isPrimary: true },
          { name: 'lastNumber', type: 'int' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('dossier_code_sequences');
    await queryRunner.dropTable('attachments');
    await queryRunner.dropTable('dossier_events');
    await queryRunner.dropTable('dossier_pauses');
    await queryRunner.dropTable('dossiers');
  }
}
