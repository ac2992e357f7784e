import { expect } from 'chai';
import { validateCalendarData } from '@motcua/calendar';
import type { CalendarData } from '@motcua/calendar';
import { DomainError } from '../common/domain-error.ts';
import { problemMessage, readHolidays, readSettings, readSwaps } from './calendar-input.ts';

/** The fields (JSON pointers) of the 400 a reader throws. */
function fieldsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect(error).to.be.instanceOf(DomainError);
    expect((error as DomainError).code).to.equal('VALIDATION_FAILED');
    return ((error as DomainError).details as { errors: { field: string }[] }).errors.map((problem) => problem.field);
  }
  throw new Error('expected a validation error');
}

const NAME = { vi: 'Nghỉ bù', en: 'In lieu' };

const INVALID: { what: string; read: () => unknown; fields: string[] }[] = [
  {
    what: 'one holiday with an impossible date and no Vietnamese name',
    read: () => readHolidays({ date: '2026-02-30', name: { vi: ' ', en: 'Tet' } }),
    fields: ['/date', '/name'],
  },
  {
    what: 'a list of holidays, each problem at its index',
    read: () =>
      readHolidays({
        holidays: [
          { date: '2026-13-01', name: NAME },
          { date: '2026-02-16', name: 'Tết' },
          { date: '2026-02-17', name: { vi: 'x'.repeat(256), en: 'y' } },
        ],
      }),
    fields: ['/holidays/0/date', '/holidays/1/name', '/holidays/2/name/vi'],
  },
  {
    what: 'the same date twice in one list',
    read: () =>
      readHolidays({
        holidays: [
          { date: '2026-04-27', name: NAME },
          { date: '2026-04-27', name: NAME },
        ],
      }),
    fields: ['/holidays/1/date'],
  },
  { what: 'an empty list', read: () => readHolidays({ holidays: [] }), fields: ['/holidays'] },
  { what: 'holidays that are not a list', read: () => readHolidays({ holidays: {} }), fields: ['/holidays'] },
  { what: 'a body that is not an object', read: () => readHolidays([]), fields: [''] },
  {
    what: 'a swap whose working is not a boolean and whose note is not text',
    read: () => readSwaps({ date: '25/04/2026', working: 'yes', note: 5 }),
    fields: ['/date', '/working', '/note'],
  },
  {
    what: 'a list of swaps with a note too long',
    read: () => readSwaps({ swaps: [{ date: '2026-04-25', working: true, note: 'n'.repeat(501) }] }),
    fields: ['/swaps/0/note'],
  },
  {
    what: 'settings with a session that ends before it starts, a bad cut-off and weekday, and foreign fields',
    read: () =>
      readSettings({
        sessions: [
          { start: '07:00', end: '11:30' },
          { start: '13:30', end: '12:00' },
        ],
        sameDayCutoff: '25:00',
        weekendDays: [7],
        holidays: [],
        lunch: true,
      }),
    fields: ['/holidays', '/lunch', '/sessions/1', '/sameDayCutoff', '/weekendDays/0'],
  },
  {
    what: 'overlapping sessions',
    read: () =>
      readSettings({
        sessions: [
          { start: '07:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      }),
    fields: ['/sessions/1'],
  },
  {
    what: 'a cut-off outside office hours',
    read: () => readSettings({ sameDayCutoff: '18:00' }),
    fields: ['/sameDayCutoff'],
  },
  {
    what: 'sessions that end before the default cut-off',
    read: () => readSettings({ sessions: [{ start: '07:00', end: '11:00' }] }),
    fields: ['/sameDayCutoff'],
  },
  { what: 'no session at all', read: () => readSettings({ sessions: [] }), fields: ['/sessions'] },
  {
    what: 'every day a weekend day',
    read: () => readSettings({ weekendDays: [0, 1, 2, 3, 4, 5, 6] }),
    fields: ['/weekendDays'],
  },
  {
    what: 'built-in holidays neither on nor off',
    read: () => readSettings({ includeBuiltInHolidays: 'yes' }),
    fields: ['/includeBuiltInHolidays'],
  },
];

describe('the calendar input at the edge', () => {
  for (const { what, read, fields } of INVALID) {
    it(`refuses ${what}, listing every problem with its JSON pointer`, () => {
      expect(fieldsOf(read)).to.deep.equal(fields);
    });
  }

  it('reads one holiday or a list, trimmed, with the pointer each came from', () => {
    expect(readHolidays({ date: '2026-04-27', name: { vi: ' Nghỉ bù ', en: 'In lieu ' } })).to.deep.equal([
      { value: { date: '2026-04-27', name: NAME }, pointer: '' },
    ]);
    expect(readSwaps({ swaps: [{ date: '2026-04-25', working: true, note: '  ' }] })).to.deep.equal([
      { value: { date: '2026-04-25', working: true }, pointer: '/swaps/0' },
    ]);
  });

  it('reads settings with null or missing fields as their defaults', () => {
    expect(readSettings({ sameDayCutoff: null, weekendDays: [0] })).to.deep.equal({ weekendDays: [0] });
    expect(readSettings({})).to.deep.equal({});
  });

  it("says every problem @motcua/calendar finds in Vietnamese first, then in the library's English", () => {
    const broken: unknown[] = [
      {
        holidays: [3, { date: 'x', name: {} }, { date: '2026-01-02', name: NAME }, { date: '2026-01-02', name: NAME }],
        swaps: [7, { date: '2026-01-02', working: true, note: 1 }, { date: '2026-01-02', working: false }],
        sessions: [5, { start: '7h', end: '09:00' }, { start: '10:00', end: '09:00' }],
        sameDayCutoff: 'noon',
        weekendDays: [8],
        includeBuiltInHolidays: 1,
      },
      { holidays: {}, sessions: [], weekendDays: [0, 1, 2, 3, 4, 5, 6] },
      {
        sessions: [
          { start: '07:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      },
    ];
    const messages = broken.flatMap((data) =>
      validateCalendarData(data as Partial<CalendarData>).map((problem) => problem.message),
    );
    expect(messages).to.have.length.greaterThan(15);
    for (const message of messages) {
      const said = problemMessage(message);
      expect(said, message).to.match(/^[^/]+ \/ /);
      expect(said, message).not.to.match(/^Không hợp lệ \//);
      expect(said.endsWith(` / ${message}`)).to.equal(true);
    }
  });
});
