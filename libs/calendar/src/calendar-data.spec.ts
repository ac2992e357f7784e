import { expect } from 'chai';

import { validateCalendarData, type CalendarData } from './calendar-data.ts';

describe('validateCalendarData', () => {
  it('accepts empty data, which takes every default', () => {
    // when
    const problems = validateCalendarData({});

    // then
    expect(problems).to.deep.equal([]);
  });

  it('accepts a full calendar as an administrator enters it', () => {
    // given
    const data: CalendarData = {
      holidays: [{ date: '2026-04-27', name: { vi: 'Nghỉ bù Giỗ Tổ Hùng Vương', en: 'Hung Kings (in lieu)' } }],
      swaps: [
        { date: '2025-04-26', working: true, note: 'Làm bù' },
        { date: '2025-05-02', working: false },
      ],
      sessions: [
        { start: '07:30', end: '11:30' },
        { start: '13:00', end: '17:00' },
      ],
      sameDayCutoff: '15:00',
      weekendDays: [6, 0],
      includeBuiltInHolidays: true,
    };

    // when
    const problems = validateCalendarData(data);

    // then
    expect(problems).to.deep.equal([]);
  });

  it('lists every problem with a JSON pointer to it', () => {
    // given
    const data = {
      holidays: [
        { date: '2026-02-30', name: { vi: 'Tết', en: 'Tet' } },
        { date: '2026-04-27', name: { vi: '', en: 'x' } },
        { date: '2026-09-01', name: { vi: 'Quốc khánh', en: 'National Day' } },
        { date: '2026-09-01', name: { vi: 'Quốc khánh', en: 'National Day' } },
        'New Year',
      ],
      swaps: [
        { date: '2026-09-01', working: true },
        { date: '2025-04-26', working: 'yes' },
        { date: '2025-05-02', working: false, note: 5 },
      ],
      sessions: [
        { start: '07:00', end: '11:30' },
        { start: '11:00', end: '17:00' },
        { start: '18:00', end: '17:30' },
        { start: '7h', end: '25:00' },
      ],
      sameDayCutoff: '15h',
      weekendDays: [0, 1, 2, 3, 4, 5, 6, 7],
      includeBuiltInHolidays: 'no',
    } as unknown as Partial<CalendarData>;

    // when
    const problems = validateCalendarData(data);

    // then
    expect(problems.map((problem) => problem.path)).to.deep.equal([
      '/holidays/0/date',
      '/holidays/1/name',
      '/holidays/3/date',
      '/holidays/4',
      '/swaps/0/date',
      '/swaps/1/working',
      '/swaps/2/note',
      '/sessions/1',
      '/sessions/2',
      '/sessions/3/start',
      '/sessions/3/end',
      '/sameDayCutoff',
      '/weekendDays/7',
      '/weekendDays',
      '/includeBuiltInHolidays',
    ]);
    expect(problems[0]?.message).to.contain('"2026-02-30"');
    expect(problems[4]?.message).to.contain('both an entered holiday and swapped to a working day');
  });

  it('refuses an empty list of sessions, which would leave no working time', () => {
    // when
    const problems = validateCalendarData({ sessions: [] });

    // then
    expect(problems).to.deep.equal([{ path: '/sessions', message: 'needs at least one session' }]);
  });
});
