import { expect } from 'chai';

import { builtInHolidays } from './built-in-holidays.ts';
import { isoDate } from './local-time.ts';

// What date-holidays 3.x gives for Vietnam, checked against the Labour Code 2019 art. 112 days: 1/1, Tết (5 days
// from the eve, lunar), Hùng Kings (10/3 lunar), 30/4, 1/5, 2/9. The day next to 2/9 and compensatory days are
// decided yearly and are not built in.
const expected: Record<number, string[]> = {
  2025: ['01-01', '01-28', '01-29', '01-30', '01-31', '02-01', '04-07', '04-30', '05-01', '09-02'],
  2026: ['01-01', '02-16', '02-17', '02-18', '02-19', '02-20', '04-26', '04-30', '05-01', '09-02'],
  2027: ['01-01', '02-05', '02-06', '02-07', '02-08', '02-09', '04-16', '04-30', '05-01', '09-02'],
};

describe('built-in Vietnamese public holidays', () => {
  for (const [year, days] of Object.entries(expected)) {
    it(`are the Labour Code's days in ${year}, lunar ones included, without observances`, () => {
      // when
      const holidays = builtInHolidays(Number(year));

      // then
      expect([...holidays.keys()].map(isoDate).sort()).to.deep.equal(days.map((day) => `${year}-${day}`));
    });
  }

  it('carry Vietnamese and English names', () => {
    // when
    const names = [...builtInHolidays(2026).values()];

    // then
    expect(names).to.deep.include({ vi: 'Giỗ tổ Hùng Vương', en: 'Hung Kings Commemorations' });
    expect(names).to.deep.include({ vi: 'Quốc khánh', en: 'National Day' });
    for (const name of names) expect(name.vi).to.be.a('string').and.not.equal('');
  });
});
