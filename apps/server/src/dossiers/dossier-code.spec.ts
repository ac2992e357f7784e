import { expect } from 'chai';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { inTransaction } from '../database/transaction.ts';
import { isoInVietnam, nextSequenceNumber, vietnameseDay } from './dossier-code.ts';

describe('the dossier code', () => {
  it('dates a dossier by its Vietnamese date: 23:30 UTC is already the next day in Hà Nội', () => {
    expect(vietnameseDay(new Date('2026-01-07T16:59:59Z'))).to.equal('260107');
    expect(vietnameseDay(new Date('2026-01-07T17:00:00Z'))).to.equal('260108');
    expect(vietnameseDay(new Date('2026-12-31T23:30:00Z'))).to.equal('270101');
  });

  it('writes date-times with the +07:00 offset', () => {
    expect(isoInVietnam(new Date('2026-01-08T10:00:00Z'))).to.equal('2026-01-08T17:00:00+07:00');
  });
});

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the daily code sequence on ${name}`, function () {
    this.timeout(60_000);
    after(cleanup);

    it('gives 50 concurrent transactions the numbers 1..50, no gap and no duplicate', async () => {
      // given
      const { dataSource, drop } = await openTestDatabase(database());
      try {
        // when: 50 transactions take a number of the same agency and day at once
        const numbers = await Promise.all(
          Array.from({ length: 50 }, () =>
            inTransaction(dataSource, (manager) => nextSequenceNumber(manager, '000.00.12.H10', '260108')),
          ),
        );

        // then
        expect([...numbers].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, index) => index + 1));
        // and another agency or day starts again at 1
        const other = await inTransaction(dataSource, (manager) =>
          nextSequenceNumber(manager, '000.00.13.H10', '260108'),
        );
        const nextDay = await inTransaction(dataSource, (manager) =>
          nextSequenceNumber(manager, '000.00.12.H10', '260109'),
        );
        expect([other, nextDay]).to.deep.equal([1, 1]);
      } finally {
        await drop();
      }
    });

    it('gives the number of a rolled-back transaction to the next one', async () => {
      // given
      const { dataSource, drop } = await openTestDatabase(database());
      try {
        await inTransaction(dataSource, (manager) => nextSequenceNumber(manager, 'A', '260108'));

        // when: a transaction takes number 2 and fails afterwards
        const failed = await inTransaction(dataSource, async (manager) => {
          await nextSequenceNumber(manager, 'A', '260108');
          throw new Error('storing the dossier failed');
        }).catch((error: Error) => error.message);
        const next = await inTransaction(dataSource, (manager) => nextSequenceNumber(manager, 'A', '260108'));

        // then
        expect(failed).to.equal('storing the dossier failed');
        expect(next).to.equal(2);
      } finally {
        await drop();
      }
    });
  });
}
