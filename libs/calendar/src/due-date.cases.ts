// Due-date fixture table, looped by due-date.spec.ts: one case per behaviour.
// Times are Vietnamese local wall-clock times, 'YYYY-MM-DD HH:MM'. January 2026: Monday 5 … Sunday 11.
import type { CalendarData } from './calendar-data.ts';
import type { LegalDuration } from './working-calendar.ts';

export interface DueDateCase {
  name: string;
  calendar?: Partial<CalendarData>;
  receivedAt: string;
  duration: LegalDuration;
  pauses?: { from: string; to?: string }[];
  asOf?: string;
  due: string;
}

// What an administrator enters for 2026 beyond the built-in rules: Hùng Kings falls on Sunday 26/4, so Monday 27/4
// is off. Tết 2026 for civil servants is Saturday 14/2 to Sunday 22/2: its weekdays are exactly the built-in 16–20/2.
export const calendar2026: Partial<CalendarData> = {
  holidays: [
    { date: '2026-04-27', name: { vi: 'Nghỉ bù Giỗ Tổ Hùng Vương', en: 'Hung Kings Commemoration (in lieu)' } },
  ],
};

// 2025: civil servants worked Saturday 26/4 in exchange for Friday 2/5, for five days off from 30/4 to 4/5.
export const calendar2025: Partial<CalendarData> = {
  swaps: [
    { date: '2025-04-26', working: true, note: 'Làm bù cho thứ Sáu 02/05/2025' },
    { date: '2025-05-02', working: false, note: 'Hoán đổi dịp 30/4–1/5' },
  ],
};

const tet2026Entered: Partial<CalendarData> = {
  includeBuiltInHolidays: false,
  holidays: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((date) => ({
    date,
    name: { vi: 'Tết Nguyên Đán', en: 'Lunar New Year' },
  })),
};

export const dueDateCases: DueDateCase[] = [
  // Working days
  {
    name: 'a receipt on Monday with 3 working days is due at the end of Thursday',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    due: '2026-01-08 17:00',
  },
  {
    name: 'the day count skips the weekend',
    receivedAt: '2026-01-08 10:00',
    duration: { workingDays: 3 },
    due: '2026-01-13 17:00',
  },
  {
    name: 'a receipt after the last session counts from the next working day, as one during office hours does',
    receivedAt: '2026-01-05 18:30',
    duration: { workingDays: 3 },
    due: '2026-01-08 17:00',
  },
  {
    name: 'a receipt on Sunday counts from Monday',
    receivedAt: '2026-01-04 10:00',
    duration: { workingDays: 3 },
    due: '2026-01-07 17:00',
  },
  {
    name: 'an early-morning receipt on Monday (still Sunday in UTC) is a Monday receipt',
    receivedAt: '2026-01-05 06:30',
    duration: { workingDays: 1 },
    due: '2026-01-06 17:00',
  },
  {
    name: "New Year's Day is skipped",
    receivedAt: '2025-12-31 09:00',
    duration: { workingDays: 1 },
    due: '2026-01-02 17:00',
  },
  {
    name: 'Tết 2026 (built-in 16–20/2 between two weekends) is skipped',
    calendar: calendar2026,
    receivedAt: '2026-02-12 10:00',
    duration: { workingDays: 3 },
    due: '2026-02-24 17:00',
  },
  {
    name: 'a 15-day procedure received before Tết 2026 ends after it',
    calendar: calendar2026,
    receivedAt: '2026-02-02 09:00',
    duration: { workingDays: 15 },
    due: '2026-03-02 17:00',
  },
  {
    name: 'Tết days entered by an administrator are skipped without the built-in rules',
    calendar: tet2026Entered,
    receivedAt: '2026-02-12 10:00',
    duration: { workingDays: 3 },
    due: '2026-02-24 17:00',
  },
  {
    name: 'without built-in rules or entries the Tết weekdays are working days',
    calendar: { includeBuiltInHolidays: false },
    receivedAt: '2026-02-12 10:00',
    duration: { workingDays: 3 },
    due: '2026-02-17 17:00',
  },
  {
    name: '30/4 and 1/5 are skipped',
    calendar: calendar2026,
    receivedAt: '2026-04-29 09:00',
    duration: { workingDays: 2 },
    due: '2026-05-05 17:00',
  },
  {
    name: 'an entered compensatory day (Monday 27/4/2026 for Hùng Kings on Sunday) is skipped',
    calendar: calendar2026,
    receivedAt: '2026-04-24 09:00',
    duration: { workingDays: 1 },
    due: '2026-04-28 17:00',
  },
  {
    name: 'a Saturday swapped to a working day counts as a working day',
    calendar: calendar2025,
    receivedAt: '2025-04-25 10:00',
    duration: { workingDays: 2 },
    due: '2025-04-28 17:00',
  },
  {
    name: 'a weekday swapped to a day off is skipped with the holidays around it',
    calendar: calendar2025,
    receivedAt: '2025-04-29 09:00',
    duration: { workingDays: 1 },
    due: '2025-05-05 17:00',
  },
  {
    name: 'a receipt on a swapped working Saturday counts from the next working day',
    calendar: calendar2025,
    receivedAt: '2025-04-26 09:00',
    duration: { workingDays: 1 },
    due: '2025-04-28 17:00',
  },
  {
    name: 'one working day is the full session day of custom office hours',
    calendar: {
      sessions: [
        { start: '08:00', end: '12:00' },
        { start: '13:00', end: '17:30' },
      ],
    },
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 1 },
    due: '2026-01-06 17:30',
  },

  // Same day
  {
    name: 'a same-day service received before the cut-off is due at the end of that day',
    receivedAt: '2026-01-05 14:30',
    duration: { sameDay: true },
    due: '2026-01-05 17:00',
  },
  {
    name: 'a same-day service received exactly at the cut-off is still due that day',
    receivedAt: '2026-01-05 15:00',
    duration: { sameDay: true },
    due: '2026-01-05 17:00',
  },
  {
    name: 'a same-day service received after the cut-off is due at the end of the next working day',
    receivedAt: '2026-01-05 15:01',
    duration: { sameDay: true },
    due: '2026-01-06 17:00',
  },
  {
    name: 'a same-day service received after the cut-off on Friday is due on Monday',
    receivedAt: '2026-01-09 16:00',
    duration: { sameDay: true },
    due: '2026-01-12 17:00',
  },
  {
    name: 'a same-day service received on Sunday is due on Monday',
    receivedAt: '2026-01-04 09:00',
    duration: { sameDay: true },
    due: '2026-01-05 17:00',
  },
  {
    name: 'a same-day service received before office hours is due that day',
    receivedAt: '2026-01-05 06:30',
    duration: { sameDay: true },
    due: '2026-01-05 17:00',
  },
  {
    name: 'the same-day cut-off is configurable',
    calendar: { sameDayCutoff: '16:00' },
    receivedAt: '2026-01-05 15:30',
    duration: { sameDay: true },
    due: '2026-01-05 17:00',
  },

  // Working hours
  {
    name: 'working hours skip the lunch break',
    receivedAt: '2026-01-05 10:30',
    duration: { workingHours: 4 },
    due: '2026-01-05 16:30',
  },
  {
    name: 'working hours received during the lunch break start with the afternoon session',
    receivedAt: '2026-01-05 12:00',
    duration: { workingHours: 2 },
    due: '2026-01-05 15:30',
  },
  {
    name: 'working hours that run past the last session continue on the next working day',
    receivedAt: '2026-01-09 16:00',
    duration: { workingHours: 2 },
    due: '2026-01-12 08:00',
  },
  {
    name: 'working hours used up at the end of the morning are due then, not after lunch',
    receivedAt: '2026-01-05 07:00',
    duration: { workingHours: 4.5 },
    due: '2026-01-05 11:30',
  },
  {
    name: 'working hours received on Sunday start on Monday morning',
    receivedAt: '2026-01-04 10:00',
    duration: { workingHours: 8 },
    due: '2026-01-05 17:00',
  },

  // Supplement pauses
  {
    name: 'a pause of 2 working days moves the due date by 2 working days',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    pauses: [{ from: '2026-01-06 10:00', to: '2026-01-08 10:00' }],
    due: '2026-01-12 17:00',
  },
  {
    name: 'a pause of 2 working hours across lunch moves the due date by 2 working hours',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    pauses: [{ from: '2026-01-06 10:00', to: '2026-01-06 14:00' }],
    due: '2026-01-09 09:00',
  },
  {
    name: 'a pause over a weekend only moves nothing',
    receivedAt: '2026-01-08 10:00',
    duration: { workingDays: 3 },
    pauses: [{ from: '2026-01-10 08:00', to: '2026-01-11 20:00' }],
    due: '2026-01-13 17:00',
  },
  {
    name: 'overlapping pauses count their common working time once',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    pauses: [
      { from: '2026-01-06 13:30', to: '2026-01-07 11:30' },
      { from: '2026-01-06 07:00', to: '2026-01-06 17:00' },
    ],
    due: '2026-01-12 11:30',
  },
  {
    name: 'a pause after the due date moves nothing',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    pauses: [{ from: '2026-01-09 08:00', to: '2026-01-09 12:00' }],
    due: '2026-01-08 17:00',
  },
  {
    name: 'a pause before the receipt moves nothing, even on the day a same-day service counts',
    receivedAt: '2026-01-05 14:00',
    duration: { sameDay: true },
    pauses: [{ from: '2026-01-05 08:00', to: '2026-01-05 10:00' }],
    due: '2026-01-05 17:00',
  },
  {
    name: 'an open pause runs until asOf',
    receivedAt: '2026-01-05 09:00',
    duration: { workingDays: 3 },
    pauses: [{ from: '2026-01-06 07:00' }],
    asOf: '2026-01-07 07:00',
    due: '2026-01-09 17:00',
  },
  {
    name: 'a pause moves a same-day service into the next working day',
    receivedAt: '2026-01-05 09:00',
    duration: { sameDay: true },
    pauses: [{ from: '2026-01-05 10:00', to: '2026-01-05 11:00' }],
    due: '2026-01-06 08:00',
  },
  {
    name: 'a pause moves a working-hours due time by the working time it covered',
    receivedAt: '2026-01-05 10:30',
    duration: { workingHours: 4 },
    pauses: [{ from: '2026-01-05 13:30', to: '2026-01-05 14:30' }],
    due: '2026-01-06 07:30',
  },
];
