export {
  DEFAULT_SAME_DAY_CUTOFF,
  DEFAULT_SESSIONS,
  DEFAULT_WEEKEND_DAYS,
  validateCalendarData,
  type CalendarData,
  type DaySwap,
  type EnteredHoliday,
  type LocalizedName,
  type OfficeSession,
} from './calendar-data.ts';
export { CalendarError, CalendarErrorCode, type CalendarProblem } from './calendar-error.ts';
export { formatDateVi, formatRemainingVi, type FormatDateViOptions } from './format-vi.ts';
export { TIME_ZONE } from './local-time.ts';
export {
  WorkingCalendar,
  type CalendarHoliday,
  type ClockPause,
  type DueDateInput,
  type LegalDuration,
  type Punctuality,
  type WorkingTimeLeft,
} from './working-calendar.ts';
