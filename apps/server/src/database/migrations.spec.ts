import { expect } from 'chai';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { MIGRATIONS } from './migrations/index.ts';

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the migrations on ${name}`, function () {
    this.timeout(60_000);
    after(cleanup);

    it('run up to the current schema and all the way down again', async () => {
      // given / when
      const { dataSource, drop } = await openTestDatabase(database());
      const applied = (await dataSource.query('SELECT COUNT(*) AS n FROM migrations'))[0].n;
      const tables = (await dataSource.createQueryRunner().getTables()).map((table) => table.name);
      await drop();

      // then
      expect(Number(applied)).to.equal(MIGRATIONS.length);
      expect(tables).to.include.members(['agencies', 'users', 'groups', 'user_groups']);
    });
  });
}
