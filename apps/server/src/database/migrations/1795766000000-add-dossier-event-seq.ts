import { TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dossiers whose events are numbered per batch of the backfill. */
const DOSSIERS_PER_BATCH = 500;

/**
 * Dossier history entries get `seq`, their place in the dossier's history (1, 2, 3… in append order), unique per
 * dossier: `at` alone has ties (the events of one step share a millisecond) and the ids are random. Existing entries
 * are numbered in (at, id) order, a batch of dossiers at a time; then the column becomes NOT NULL and unique with the
 * dossier id. The same steps on SQLite and MySQL/MariaDB.
 */
export class AddDossierEventSeq1795766000000 implements MigrationInterface {
  name = 'AddDossierEventSeq1795766000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // MySQL commits each DDL statement: after a failure half-way the column may exist already.
    if (!(await queryRunner.hasColumn('dossier_events', 'seq'))) {
      await queryRunner.addColumn('dossier_events', new TableColumn({ name: 'seq', type: 'int', isNullable: true }));
    }
    await backfill(queryRunner);
    await queryRunner.changeColumn(
      'dossier_events',
      'seq',
      new TableColumn({ name: 'seq', type: 'int', isNullable: false }),
    );
    await queryRunner.createIndex(
      'dossier_events',
      new TableIndex({ name: 'IDX_dossier_events_seq', columnNames: ['dossierId', 'seq'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('dossier_events', 'IDX_dossier_events_seq');
    await queryRunner.dropColumn('dossier_events', 'seq');
  }
}

/** Numbers every existing event 1, 2, 3… per dossier in (at, id) order. */
async function backfill(queryRunner: QueryRunner): Promise<void> {
  const q = (name: string): string => queryRunner.connection.driver.escape(name);
  const [events, id, dossierId, at, seq] = ['dossier_events', 'id', 'dossierId', 'at', 'seq'].map(q);
  let after: string | undefined;
  for (;;) {
    const dossiers = (
      (await queryRunner.query(
        `SELECT DISTINCT ${dossierId} AS dossierId FROM ${events}` +
          (after === undefined ? '' : ` WHERE ${dossierId} > ?`) +
          ` ORDER BY ${dossierId} LIMIT ${DOSSIERS_PER_BATCH}`,
        after === undefined ? [] : [after],
      )) as { dossierId: string }[]
    ).map((row) => row.dossierId);
    if (dossiers.length === 0) return;
    after = dossiers[dossiers.length - 1];
    const rows = (await queryRunner.query(
      `SELECT ${id} AS id, ${dossierId} AS dossierId FROM ${events} WHERE ${dossierId} IN (${dossiers.map(() => '?').join(', ')})` +
        ` ORDER BY ${dossierId}, ${at}, ${id}`,
      dossiers,
    )) as { id: string; dossierId: string }[];
    const numbered: [string, number][] = [];
    let previous: string | undefined;
    let next = 0;
    for (const row of rows) {
      next = row.dossierId === previous ? next + 1 : 1;
      previous = row.dossierId;
      numbered.push([row.id, next]);
    }
    for (let start = 0; start < numbered.length; start += 1_000) {
      const chunk = numbered.slice(start, start + 1_000);
      await queryRunner.query(
        `UPDATE ${events} SET ${seq} = CASE ${id} ${chunk.map(() => 'WHEN ? THEN ?').join(' ')} END` +
          ` WHERE ${id} IN (${chunk.map(() => '?').join(', ')})`,
        [...chunk.flat(), ...chunk.map(([eventId]) => eventId)],
      );
    }
  }
}
