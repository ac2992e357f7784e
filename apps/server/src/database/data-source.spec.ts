import { expect } from 'chai';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';

describe('the embedded SQLite database', () => {
  const sqlite = testDatabases().find((entry) => entry.name === 'SQLite')!;
  after(sqlite.cleanup);

  it('writes ahead (WAL) and syncs every commit to disk (synchronous FULL), so a machine crash loses no commit', async () => {
    const { dataSource, drop } = await openTestDatabase(sqlite.database());
    try {
      const [{ journal_mode: journalMode }] = (await dataSource.query('PRAGMA journal_mode')) as {
        journal_mode: string;
      }[];
      const [{ synchronous }] = (await dataSource.query('PRAGMA synchronous')) as { synchronous: number }[];
      const [{ foreign_keys: foreignKeys }] = (await dataSource.query('PRAGMA foreign_keys')) as {
        foreign_keys: number;
      }[];
      expect(journalMode).to.equal('wal');
      expect(synchronous).to.equal(2); // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
      expect(foreignKeys).to.equal(1);
    } finally {
      await drop();
    }
  });
});
