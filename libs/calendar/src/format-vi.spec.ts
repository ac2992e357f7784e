import { expect } from 'chai';

import { formatDateVi, formatRemainingVi } from './format-vi.ts';
import { vn } from './test-support.ts';

describe('Vietnamese formatting', () => {
  describe('formatDateVi', () => {
    it('writes the weekday and the date by default', () => {
      expect(formatDateVi(vn('2026-01-05 08:00'))).to.equal('Thứ Hai, ngày 05/01/2026');
      expect(formatDateVi(vn('2026-01-11 08:00'))).to.equal('Chủ Nhật, ngày 11/01/2026');
    });

    it('writes the time and the date for an appointment', () => {
      expect(formatDateVi(vn('2026-01-05 08:00'), { time: true })).to.equal('08:00 ngày 05/01/2026');
      expect(formatDateVi(vn('2026-01-08 17:00'), { time: true, weekday: true })).to.equal(
        '17:00 Thứ Năm, ngày 08/01/2026',
      );
    });

    it('uses Vietnamese local time, not UTC', () => {
      expect(formatDateVi(new Date('2026-01-04T17:30:00Z'), { time: true, weekday: true })).to.equal(
        '00:30 Thứ Hai, ngày 05/01/2026',
      );
    });

    it('refuses an invalid date', () => {
      expect(() => formatDateVi(new Date('nope'))).to.throw(RangeError);
    });
  });

  describe('formatRemainingVi', () => {
    const cases = [
      { overdue: false, workingDays: 2, workingHours: 3, workingMinutes: 0, text: 'còn 2 ngày 3 giờ' },
      { overdue: true, workingDays: 1, workingHours: 0, workingMinutes: 30, text: 'quá hạn 1 ngày 30 phút' },
      { overdue: false, workingDays: 0, workingHours: 0, workingMinutes: 45, text: 'còn 45 phút' },
      { overdue: false, workingDays: 0, workingHours: 0, workingMinutes: 0, text: 'đến hạn' },
      { overdue: true, workingDays: 0, workingHours: 0, workingMinutes: 0, text: 'quá hạn' },
    ];

    for (const { text, ...left } of cases) {
      it(`says "${text}"`, () => {
        // given
        const totalMinutes = left.workingDays * 480 + left.workingHours * 60 + left.workingMinutes;

        // when / then
        expect(formatRemainingVi({ ...left, totalMinutes })).to.equal(text);
      });
    }
  });
});
