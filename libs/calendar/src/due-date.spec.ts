import { expect } from 'chai';

import { CalendarError, CalendarErrorCode } from './calendar-error.ts';
import { dueDateCases } from './due-date.cases.ts';
import { local, vn } from './test-support.ts';
import { WorkingCalendar } from './working-calendar.ts';

describe('WorkingCalendar#dueDate', () => {
  for (const testCase of dueDateCases) {
    it(testCase.name, () => {
      // given
      const calendar = new WorkingCalendar(testCase.calendar);

      // when
      const due = calendar.dueDate({
        receivedAt: vn(testCase.receivedAt),
        duration: testCase.duration,
        pauses: testCase.pauses?.map((pause) => ({ from: vn(pause.from), to: pause.to ? vn(pause.to) : undefined })),
        asOf: testCase.asOf ? vn(testCase.asOf) : undefined,
      });

      // then
      expect(local(due)).to.equal(testCase.due);
      expect(calendar.isWorkingDay(due), 'due on a working day').to.equal(true);
    });
  }

  it('refuses an open pause without asOf, because the due date is not determined yet', () => {
    // given
    const calendar = new WorkingCalendar();

    // when
    const compute = (): Date =>
      calendar.dueDate({
        receivedAt: vn('2026-01-05 09:00'),
        duration: { workingDays: 3 },
        pauses: [{ from: vn('2026-01-06 07:00'), to: null }],
      });

    // then
    expect(compute).to.throw(CalendarError, 'asOf').with.property('code', CalendarErrorCode.OpenPause);
  });

  it('refuses durations that are not a positive number of working days or hours', () => {
    // given
    const calendar = new WorkingCalendar();
    const receivedAt = vn('2026-01-05 09:00');
    const bad = [
      { workingDays: 0 },
      { workingDays: 1.5 },
      { workingDays: -2 },
      { workingHours: 0 },
      { workingHours: Number.NaN },
      { sameDay: false },
      {},
    ];

    for (const duration of bad) {
      // when
      const compute = (): Date => calendar.dueDate({ receivedAt, duration: duration as { workingDays: number } });

      // then
      expect(compute, JSON.stringify(duration))
        .to.throw(CalendarError, 'duration')
        .with.property('code', CalendarErrorCode.InvalidInput);
    }
  });

  it('refuses an invalid receipt moment and a pause that ends before it starts', () => {
    // given
    const calendar = new WorkingCalendar();

    // when
    const invalidReceipt = (): Date =>
      calendar.dueDate({ receivedAt: new Date('not a date'), duration: { workingDays: 1 } });
    const backwardsPause = (): Date =>
      calendar.dueDate({
        receivedAt: vn('2026-01-05 09:00'),
        duration: { workingDays: 1 },
        pauses: [{ from: vn('2026-01-06 10:00'), to: vn('2026-01-06 09:00') }],
      });

    // then
    expect(invalidReceipt).to.throw(CalendarError, 'receivedAt').with.property('code', CalendarErrorCode.InvalidInput);
    expect(backwardsPause).to.throw(CalendarError, 'pauses[0]').with.property('code', CalendarErrorCode.InvalidInput);
  });

  it('gives up with a clear error when a pause never lets the clock run', () => {
    // given
    const calendar = new WorkingCalendar();

    // when
    const compute = (): Date =>
      calendar.dueDate({
        receivedAt: vn('2026-01-05 09:00'),
        duration: { workingDays: 1 },
        pauses: [{ from: vn('2026-01-05 09:00'), to: new Date('2099-01-01T00:00:00Z') }],
      });

    // then
    expect(compute).to.throw(CalendarError, 'No working day').with.property('code', CalendarErrorCode.NoWorkingDay);
  });
});
