import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { insertBareDossiers } from '../../test/support/bare-dossiers.ts';
import { testDatabases } from '../../test/support/databases.ts';
import { dataSourceOptions } from './data-source.ts';
import { AddDossierEventSeq1795766000000 } from './migrations/1795766000000-add-dossier-event-seq.ts';
import { MIGRATIONS } from './migrations/index.ts';

const timestamp = (migration: { name: string }): number => Number(/(\d{13})$/.exec(migration.name)?.[1]);
const SEQ = timestamp(AddDossierEventSeq1795766000000);

/** The migrations before AddDossierEventSeq, and up to it. */
const BEFORE = MIGRATIONS.filter((migration) => timestamp(migration) < SEQ);
const UP_TO = MIGRATIONS.filter((migration) => timestamp(migration) <= SEQ);

interface EventRow {
  id: string;
  dossierId: string;
  type: string;
  seq?: number | string | null;
}

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the dossier_events.seq migration on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource | undefined;
    let db: ReturnType<typeof database>;
    before(() => (db = database()));
    after(cleanup);

    afterEach(async () => {
      // Everything undone, so the next suite finds an empty (shared, on MySQL) database.
      if (!dataSource) return;
      if (!dataSource.isInitialized) await dataSource.initialize();
      while ((await dataSource.query('SELECT COUNT(*) AS n FROM migrations'))[0].n > 0)
        await dataSource.undoLastMigration({ transaction: 'each' });
      await dataSource.query('DROP TABLE migrations');
      await dataSource.destroy();
      dataSource = undefined;
    });

    it('numbers existing events per dossier in (at, id) order, and down() takes the column away again', async () => {
      // given: a database at the migration before, with events of two dossiers, ties on `at` among them
      const options = dataSourceOptions(db);
      const before = new DataSource({ ...options, migrations: BEFORE });
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      const [first, second, empty] = [randomUUID(), randomUUID(), randomUUID()];
      await insertBareDossiers(before, first, second, empty);
      const events: [id: string, dossierId: string, type: string, at: string][] = [
        ['00000000-0000-4000-8000-00000000000c', first, 'c', '2026-01-08 02:00:00.002'],
        ['00000000-0000-4000-8000-00000000000b', first, 'b', '2026-01-08 02:00:00.001'],
        ['00000000-0000-4000-8000-00000000000a', first, 'a', '2026-01-08 02:00:00.001'],
        ['00000000-0000-4000-8000-000000000001', first, 'first', '2026-01-08 01:59:59.999'],
        ['00000000-0000-4000-8000-0000000000f2', second, 'y', '2026-01-09 08:00:00.000'],
        ['00000000-0000-4000-8000-0000000000f1', second, 'x', '2026-01-09 08:00:00.000'],
      ];
      const columns = ['id', 'dossierId', 'type', 'actorType', 'isPublic', 'messageVi', 'messageEn', 'at']
        .map((column) => before.driver.escape(column))
        .join(', ');
      for (const [id, dossierId, type, at] of events) {
        await before.query(`INSERT INTO dossier_events (${columns}) VALUES (?, ?, ?, 'system', 1, '', '', ?)`, [
          id,
          dossierId,
          type,
          at,
        ]);
      }
      await before.destroy();

      // when: the migration runs
      dataSource = new DataSource({ ...options, migrations: UP_TO });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });

      // then: each dossier's events are 1, 2, 3… in (at, id) order
      const numbered = async (): Promise<string[]> =>
        ((await dataSource!.query('SELECT * FROM dossier_events')) as EventRow[])
          .map((row) => `${row.dossierId === first ? 'first' : 'second'} ${Number(row.seq)} ${row.type}`)
          .sort();
      expect(await numbered()).to.deep.equal([
        'first 1 first',
        'first 2 a',
        'first 3 b',
        'first 4 c',
        'second 1 x',
        'second 2 y',
      ]);
      // and: seq is required and unique per dossier
      const table = (await dataSource.createQueryRunner().getTable('dossier_events'))!;
      expect(table.findColumnByName('seq')?.isNullable).to.equal(false);
      const index = table.indices.find((candidate) => candidate.name === 'IDX_dossier_events_seq');
      expect(index?.isUnique).to.equal(true);
      expect(index?.columnNames).to.deep.equal(['dossierId', 'seq']);
      expect(table.foreignKeys.map((key) => key.referencedTableName)).to.deep.equal(['dossiers']);
      expect(table.indices.find((candidate) => candidate.name === 'IDX_dossier_events_dedupe')?.isUnique).to.equal(
        true,
      );
      // when: the migration is undone
      await dataSource.undoLastMigration({ transaction: 'each' });

      // then: the events are there without seq and its index
      const undone = (await dataSource.createQueryRunner().getTable('dossier_events'))!;
      expect(undone.findColumnByName('seq')).to.equal(undefined);
      expect(undone.indices.map((candidate) => candidate.name)).to.not.include('IDX_dossier_events_seq');
      expect(undone.foreignKeys.map((key) => key.referencedTableName)).to.deep.equal(['dossiers']);
      expect(((await dataSource.query('SELECT id FROM dossier_events')) as EventRow[]).length).to.equal(6);

      // and: it runs up again to the same numbers
      await dataSource.runMigrations({ transaction: 'each' });
      expect(await numbered()).to.have.length(6);
      expect(await numbered()).to.include.members(['first 1 first', 'first 4 c', 'second 2 y']);
    });

    it('numbers many dossiers, a batch of them at a time', async () => {
      // given: 1,100 dossiers with 3 events each, written newest first
      const options = dataSourceOptions(db);
      const before = new DataSource({ ...options, migrations: BEFORE });
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      const ids = Array.from({ length: 1_100 }, () => randomUUID());
      for (let start = 0; start < ids.length; start += 250) {
        const chunk = ids.slice(start, start + 250);
        await insertBareDossiers(before, ...chunk);
        const rows = chunk.flatMap((dossierId) =>
          [3, 2, 1].map((n) => [randomUUID(), dossierId, `step-${n}`, `2026-01-08 02:00:0${n}.000`]),
        );
        await before.query(
          `INSERT INTO dossier_events (id, ${before.driver.escape('dossierId')}, type, ${before.driver.escape('actorType')}, ` +
            `${before.driver.escape('at')}) VALUES ${rows.map(() => "(?, ?, ?, 'system', ?)").join(', ')}`,
          rows.flat(),
        );
      }
      await before.destroy();

      // when
      dataSource = new DataSource({ ...options, migrations: UP_TO });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });

      // then: every dossier's events are 1, 2, 3 in time order
      const rows = (await dataSource.query('SELECT * FROM dossier_events')) as EventRow[];
      expect(rows).to.have.length(3_300);
      expect(rows.filter((row) => row.type !== `step-${Number(row.seq)}`)).to.deep.equal([]);
    });

    it('runs on a database without any event', async () => {
      dataSource = new DataSource({ ...dataSourceOptions(db), migrations: UP_TO });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      const table = (await dataSource.createQueryRunner().getTable('dossier_events'))!;
      expect(table.findColumnByName('seq')?.isNullable).to.equal(false);
    });
  });
}
