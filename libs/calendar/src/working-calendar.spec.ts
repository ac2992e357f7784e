import { expect } from 'chai';

import type { CalendarData } from './calendar-data.ts';
import { CalendarError, CalendarErrorCode } from './calendar-error.ts';
import { calendar2025, calendar2026 } from './due-date.cases.ts';
import { vn } from './test-support.ts';
import { WorkingCalendar, type Punctuality, type WorkingTimeLeft } from './working-calendar.ts';

describe('WorkingCalendar', () => {
  describe('isWorkingDay', () => {
    const cases: { name: string; calendar?: Partial<CalendarData>; date: string | Date; working: boolean }[] = [
      { name: 'a Monday is a working day', date: '2026-01-05', working: true },
      { name: 'a Saturday is off', date: '2026-01-10', working: false },
      { name: 'a Sunday is off', date: '2026-01-11', working: false },
      { name: "New Year's Day is off", date: '2026-01-01', working: false },
      { name: 'Tết eve (built-in) is off', date: '2026-02-16', working: false },
      { name: 'the fifth built-in Tết day is off', date: '2026-02-20', working: false },
      { name: '30/4 is off', date: '2026-04-30', working: false },
      { name: 'National Day 2/9 is off', date: '2026-09-02', working: false },
      { name: 'an observance (Women’s Day 8/3 on a Monday) is a working day', date: '2027-03-08', working: true },
      { name: 'an entered compensatory day is off', calendar: calendar2026, date: '2026-04-27', working: false },
      {
        name: 'a Saturday swapped to working is a working day',
        calendar: calendar2025,
        date: '2025-04-26',
        working: true,
      },
      { name: 'a weekday swapped to a day off is off', calendar: calendar2025, date: '2025-05-02', working: false },
      {
        name: 'a swap to working overrides a built-in holiday',
        calendar: { swaps: [{ date: '2026-01-01', working: true }] },
        date: '2026-01-01',
        working: true,
      },
      {
        name: 'built-in holidays can be switched off',
        calendar: { includeBuiltInHolidays: false },
        date: '2026-04-30',
        working: true,
      },
      {
        name: 'weekend days are configurable',
        calendar: { weekendDays: [0] },
        date: '2026-01-10',
        working: true,
      },
      {
        name: 'an instant counts by its Vietnamese date (Monday 00:30 is Sunday 17:30 UTC)',
        date: new Date('2026-01-04T17:30:00Z'),
        working: true,
      },
      {
        name: 'an instant counts by its Vietnamese date (Saturday 06:00 is Friday 23:00 UTC)',
        date: new Date('2026-01-09T23:00:00Z'),
        working: false,
      },
    ];

    for (const testCase of cases) {
      it(testCase.name, () => {
        // given
        const calendar = new WorkingCalendar(testCase.calendar);

        // when
        const working = calendar.isWorkingDay(testCase.date);

        // then
        expect(working).to.equal(testCase.working);
      });
    }

    it('refuses a date that does not exist', () => {
      // given
      const calendar = new WorkingCalendar();

      // when
      const check = (): boolean => calendar.isWorkingDay('2026-02-30');

      // then
      expect(check).to.throw(CalendarError, '2026-02-30').with.property('code', CalendarErrorCode.InvalidInput);
    });
  });

  describe('nextWorkingDay', () => {
    it('is the first working day after a date, past weekends and holidays', () => {
      // given
      const calendar = new WorkingCalendar(calendar2026);

      // when / then
      expect(calendar.nextWorkingDay('2026-01-05')).to.equal('2026-01-06');
      expect(calendar.nextWorkingDay('2026-01-09')).to.equal('2026-01-12');
      expect(calendar.nextWorkingDay('2026-02-13')).to.equal('2026-02-23');
      expect(calendar.nextWorkingDay(vn('2026-04-24 16:00'))).to.equal('2026-04-28');
    });
  });

  describe('holidaysOf', () => {
    it('lists the built-in and entered holidays of a year, one per date, in date order', () => {
      // given
      const calendar = new WorkingCalendar(calendar2026);

      // when
      const holidays = calendar.holidaysOf(2026);

      // then
      expect(holidays.map(({ date, source }) => `${date} ${source}`)).to.deep.equal([
        '2026-01-01 built-in',
        '2026-02-16 built-in',
        '2026-02-17 built-in',
        '2026-02-18 built-in',
        '2026-02-19 built-in',
        '2026-02-20 built-in',
        '2026-04-26 built-in',
        '2026-04-27 entered',
        '2026-04-30 built-in',
        '2026-05-01 built-in',
        '2026-09-02 built-in',
      ]);
      expect(holidays.find((holiday) => holiday.date === '2026-02-17')?.name).to.deep.equal({
        vi: 'Tết Nguyên Đán',
        en: 'Vietnamese New Year',
      });
      expect(holidays.find((holiday) => holiday.date === '2026-04-27')?.name.vi).to.equal('Nghỉ bù Giỗ Tổ Hùng Vương');
      expect(holidays.every((holiday) => holiday.dayOff)).to.equal(true);
    });

    it('lets an entered holiday rename a built-in one and shows a holiday swapped to working as not a day off', () => {
      // given
      const calendar = new WorkingCalendar({
        holidays: [{ date: '2026-09-02', name: { vi: 'Lễ Quốc khánh', en: 'National Day' } }],
        swaps: [{ date: '2026-01-01', working: true }],
      });

      // when
      const holidays = calendar.holidaysOf(2026);

      // then
      expect(holidays.find((holiday) => holiday.date === '2026-09-02')).to.deep.equal({
        date: '2026-09-02',
        name: { vi: 'Lễ Quốc khánh', en: 'National Day' },
        source: 'entered',
        dayOff: true,
      });
      expect(holidays.find((holiday) => holiday.date === '2026-01-01')).to.include({ dayOff: false });
    });

    it('lists only entered holidays when built-in holidays are switched off', () => {
      // given
      const calendar = new WorkingCalendar({ ...calendar2026, includeBuiltInHolidays: false });

      // when
      const holidays = calendar.holidaysOf(2026);

      // then
      expect(holidays.map(({ date }) => date)).to.deep.equal(['2026-04-27']);
    });
  });

  describe('remaining', () => {
    const due = vn('2026-01-08 17:00');
    const cases: { name: string; now: string; due?: string; left: WorkingTimeLeft }[] = [
      {
        name: 'counts whole session days and the hours left today',
        now: '2026-01-05 09:00',
        left: { overdue: false, totalMinutes: 1800, workingDays: 3, workingHours: 6, workingMinutes: 0 },
      },
      {
        name: 'counts minutes on the due day',
        now: '2026-01-08 16:15',
        left: { overdue: false, totalMinutes: 45, workingDays: 0, workingHours: 0, workingMinutes: 45 },
      },
      {
        name: 'is zero and not overdue at the due moment',
        now: '2026-01-08 17:00',
        left: { overdue: false, totalMinutes: 0, workingDays: 0, workingHours: 0, workingMinutes: 0 },
      },
      {
        name: 'counts the working time past the due moment once overdue',
        now: '2026-01-09 10:00',
        left: { overdue: true, totalMinutes: 180, workingDays: 0, workingHours: 3, workingMinutes: 0 },
      },
      {
        name: 'counts a whole overdue working day, not the evening or night after it',
        now: '2026-01-10 10:00',
        left: { overdue: true, totalMinutes: 480, workingDays: 1, workingHours: 0, workingMinutes: 0 },
      },
      {
        name: 'is overdue with no working time when the due moment passed over a weekend',
        now: '2026-01-10 09:00',
        due: '2026-01-09 17:00',
        left: { overdue: true, totalMinutes: 0, workingDays: 0, workingHours: 0, workingMinutes: 0 },
      },
      {
        name: 'leaves out the lunch break',
        now: '2026-01-05 11:00',
        due: '2026-01-05 14:00',
        left: { overdue: false, totalMinutes: 60, workingDays: 0, workingHours: 1, workingMinutes: 0 },
      },
      {
        name: 'leaves out the weekend and Tết',
        now: '2026-02-13 15:00',
        due: '2026-02-24 09:00',
        left: { overdue: false, totalMinutes: 720, workingDays: 1, workingHours: 4, workingMinutes: 0 },
      },
    ];

    for (const testCase of cases) {
      it(testCase.name, () => {
        // given
        const calendar = new WorkingCalendar(calendar2026);

        // when
        const left = calendar.remaining(vn(testCase.now), testCase.due ? vn(testCase.due) : due);

        // then
        expect(left).to.deep.equal(testCase.left);
      });
    }
  });

  describe('workingMinutesBetween', () => {
    it('counts working minutes inside sessions of working days only', () => {
      // given
      const calendar = new WorkingCalendar();

      // when / then
      expect(calendar.workingMinutesBetween(vn('2026-01-09 16:00'), vn('2026-01-12 08:00'))).to.equal(120);
      expect(calendar.workingMinutesBetween(vn('2026-01-05 12:00'), vn('2026-01-05 13:00'))).to.equal(0);
      expect(calendar.workingMinutesBetween(vn('2026-01-06 09:00'), vn('2026-01-05 09:00'))).to.equal(0);
      expect(calendar.workingDayMinutes).to.equal(480);
    });
  });

  describe('classify', () => {
    const due = vn('2026-01-08 17:00');
    const cases: { name: string; finishedAt: string; due?: string; punctuality: Punctuality }[] = [
      { name: 'a finish the day before the due date is early', finishedAt: '2026-01-07 16:00', punctuality: 'early' },
      { name: 'a finish on the due date is on time', finishedAt: '2026-01-08 08:00', punctuality: 'onTime' },
      {
        name: 'a finish late in the evening of the due date is still on time (dates, not times)',
        finishedAt: '2026-01-08 23:30',
        punctuality: 'onTime',
      },
      {
        name: 'a finish after midnight in Vietnam is late even while UTC is still on the due date',
        finishedAt: '2026-01-09 00:30',
        punctuality: 'late',
      },
      {
        name: 'a finish later on the day of a mid-day due time (moved by a pause) is on time',
        finishedAt: '2026-01-09 16:00',
        due: '2026-01-09 09:00',
        punctuality: 'onTime',
      },
    ];

    for (const testCase of cases) {
      it(testCase.name, () => {
        // given
        const calendar = new WorkingCalendar();

        // when
        const punctuality = calendar.classify(vn(testCase.finishedAt), testCase.due ? vn(testCase.due) : due);

        // then
        expect(punctuality).to.equal(testCase.punctuality);
      });
    }
  });

  describe('construction', () => {
    it('refuses invalid data with every problem listed', () => {
      // when
      const build = (): WorkingCalendar =>
        new WorkingCalendar({ swaps: [{ date: '2026-13-01', working: true }], sameDayCutoff: '3pm' });

      // then
      expect(build)
        .to.throw(CalendarError)
        .that.satisfies((error: CalendarError) => {
          expect(error.code).to.equal(CalendarErrorCode.InvalidData);
          expect(error.problems.map((problem) => problem.path)).to.deep.equal(['/swaps/0/date', '/sameDayCutoff']);
          return true;
        });
    });

    it('is not affected by later changes to the data it was given', () => {
      // given
      const data: Partial<CalendarData> = { holidays: [], swaps: [] };
      const calendar = new WorkingCalendar(data);

      // when
      data.swaps?.push({ date: '2026-01-10', working: true });

      // then
      expect(calendar.isWorkingDay('2026-01-10')).to.equal(false);
    });
  });
});
