import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { openDatabase, dataSourceOptions } from './data-source.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { withStartupLock } from './startup-lock.ts';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';

// The lock matters where several processes share one database: MySQL/MariaDB (SQLite has one process per data dir).
for (const { name, database } of testDatabases().filter((entry) => entry.name !== 'SQLite')) {
  describe(`one-time start-up work on ${name}`, function () {
    this.timeout(60_000);

    it('migrates once when two processes open an empty database at the same time', async () => {
      // given two "processes" (data sources with their own pools) starting at once
      const [first, second] = await Promise.all([openDatabase(database()), openDatabase(database())]);
      try {
        // then both are up, and every migration ran exactly once
        const rows = (await first.query('SELECT name FROM migrations')) as { name: string }[];
        expect(rows.map((row) => row.name).sort()).to.deep.equal(MIGRATIONS.map((migration) => migration.name).sort());
        expect(second.isInitialized).to.equal(true);
      } finally {
        await second.destroy();
        const { drop } = await openTestDatabase(database());
        await first.destroy();
        await drop();
      }
    });

    it('lets a second process in only after the first one is done', async () => {
      // given two data sources, the first holding the lock until told to go on
      const a = await new DataSource(dataSourceOptions(database())).initialize();
      const b = await new DataSource(dataSourceOptions(database())).initialize();
      const steps: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const firstEntered = new Promise<void>((resolve) => (entered = resolve));
      try {
        const first = withStartupLock(a, 'spec', async () => {
          steps.push('first in');
          entered();
          await gate;
          steps.push('first out');
        });
        await firstEntered;
        const second = withStartupLock(b, 'spec', async () => {
          steps.push('second in');
        });
        // when the second is seen waiting in GET_LOCK, the first finishes
        await waitUntil(async () => {
          const waiting = (await a.query(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT GET_LOCK%'",
          )) as { n: number | string }[];
          return Number(waiting[0].n) > 0;
        });
        expect(steps).to.deep.equal(['first in']);
        release();
        await Promise.all([first, second]);

        // then
        expect(steps).to.deep.equal(['first in', 'first out', 'second in']);
      } finally {
        await a.destroy();
        await b.destroy();
      }
    });
  });
}

/** Polls a condition of the database (nothing to await there) until it holds. */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
