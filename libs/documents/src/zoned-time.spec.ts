import { expect } from 'chai';

import { pdfDate, vietnameseDocumentDate, zonedParts } from './zoned-time.ts';

describe('Vietnamese dates', () => {
  it('reads the wall clock of Asia/Ho_Chi_Minh, seven hours ahead of UTC', () => {
    expect(zonedParts(new Date('2025-12-31T17:05:09Z'))).to.deep.equal({
      year: 2026,
      month: 1,
      day: 1,
      hour: 0,
      minute: 5,
      second: 9,
      offsetMinutes: 420,
    });
  });

  it('agrees with the time zone database for every hour of a year', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    for (let hour = 0; hour < 366 * 24; hour += 1) {
      const date = new Date(Date.UTC(2024, 0, 1, hour, 17));
      const parts = zonedParts(date);
      const expected = intl.format(date).replace(',', '');
      const two = (n: number) => String(n).padStart(2, '0');
      expect(`${parts.year}-${two(parts.month)}-${two(parts.day)} ${two(parts.hour)}:${two(parts.minute)}`).to.equal(
        expected,
      );
    }
  });

  it('asks the time zone database for dates before Vietnam settled on UTC+7 in 1975', () => {
    // Saigon was on UTC+8 in 1970
    expect(zonedParts(new Date('1970-06-01T00:00:00Z')).offsetMinutes).to.equal(480);
  });

  it('writes PDF dates with the +07 offset', () => {
    expect(pdfDate(new Date('2025-02-05T03:31:00.750Z'))).to.equal("D:20250205103100+07'00'");
    expect(pdfDate(new Date('2025-02-05T03:31:00Z'), 'UTC')).to.equal('D:20250205033100Z');
  });

  it('pads days below 10 and the months January and February with a zero, as Decree 30 says', () => {
    expect(vietnameseDocumentDate(new Date('2025-02-05T03:00:00Z'))).to.equal('ngày 05 tháng 02 năm 2025');
    expect(vietnameseDocumentDate(new Date('2025-01-15T03:00:00Z'))).to.equal('ngày 15 tháng 01 năm 2025');
    expect(vietnameseDocumentDate(new Date('2025-03-09T03:00:00Z'))).to.equal('ngày 09 tháng 3 năm 2025');
    expect(vietnameseDocumentDate(new Date('2025-12-25T03:00:00Z'))).to.equal('ngày 25 tháng 12 năm 2025');
  });

  it('takes the date in Vietnam, not in UTC', () => {
    expect(vietnameseDocumentDate(new Date('2025-08-31T18:00:00Z'))).to.equal('ngày 01 tháng 9 năm 2025');
  });

  it('rejects an invalid date', () => {
    expect(() => vietnameseDocumentDate(new Date('not a date'))).to.throw('invalid date');
  });
});
