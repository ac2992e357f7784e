import { CalendarError, CalendarErrorCode, type CalendarProblem } from './calendar-error.ts';
import { MINUTE_MS, parseClock, parseIsoDate, type DayNumber } from './local-time.ts';

export interface LocalizedName {
  vi: string;
  en: string;
}

/** A day off an administrator entered: this year's Tết days, the day next to 2/9, a compensatory day. */
export interface EnteredHoliday {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  name: LocalizedName;
}

/** A yearly swap: a weekend day made a working day (`working: true`) or a working day made a day off. */
export interface DaySwap {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  working: boolean;
  note?: string;
}

/** An office session in local time, `HH:MM` to `HH:MM`. */
export interface OfficeSession {
  start: string;
  end: string;
}

/**
 * The editable calendar: stored by the server, edited by an administrator, passed in whole. Plain JSON.
 *
 * Precedence for one date: a swap decides; otherwise an entered holiday or a built-in public holiday is off;
 * otherwise a weekend day is off; otherwise it is a working day.
 */
export interface CalendarData {
  /** Extra days off an administrator entered (this year's Tết days, the day next to 2/9, compensatory days). */
  holidays: EnteredHoliday[];
  /** Yearly swaps; a swap overrides weekends and holidays for its date. */
  swaps: DaySwap[];
  /** Office sessions, in order, not overlapping. One working day is all of them. */
  sessions: OfficeSession[];
  /** Same-day services received after this local time are due the next working day. */
  sameDayCutoff: string;
  /** Weekly days off, 0 = Sunday … 6 = Saturday. */
  weekendDays: number[];
  /** Use date-holidays' Vietnamese public holidays (type 'public') as the base. */
  includeBuiltInHolidays: boolean;
}

export const DEFAULT_SESSIONS: readonly OfficeSession[] = Object.freeze([
  Object.freeze({ start: '07:00', end: '11:30' }),
  Object.freeze({ start: '13:30', end: '17:00' }),
]);
export const DEFAULT_SAME_DAY_CUTOFF = '15:00';
export const DEFAULT_WEEKEND_DAYS: readonly number[] = Object.freeze([6, 0]);

/** Calendar data checked and turned into lookups. */
export interface ResolvedCalendarData {
  entered: ReadonlyMap<DayNumber, LocalizedName>;
  swaps: ReadonlyMap<DayNumber, boolean>;
  /** Sessions as [start, end) offsets from local midnight in ms, sorted. */
  sessions: readonly { readonly startMs: number; readonly endMs: number }[];
  /** Length of one working day (all sessions) in ms. */
  dayMs: number;
  cutoffMs: number;
  weekendDays: ReadonlySet<number>;
  includeBuiltInHolidays: boolean;
}

/**
 * Checks calendar data as an administrator would enter it and lists every problem (an empty list when valid).
 * Missing fields take their defaults, so `{}` is valid.
 */
export function validateCalendarData(data: Partial<CalendarData>): CalendarProblem[] {
  return resolve(data).problems;
}

export function resolveCalendarData(data: Partial<CalendarData>): ResolvedCalendarData {
  const { resolved, problems } = resolve(data);
  if (problems.length > 0) {
    const list = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
    throw new CalendarError(CalendarErrorCode.InvalidData, `Invalid calendar data: ${list}`, problems);
  }
  return resolved;
}

function resolve(data: Partial<CalendarData>): { resolved: ResolvedCalendarData; problems: CalendarProblem[] } {
  const problems: CalendarProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  const listOf = (value: unknown, path: string): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    problem(path, 'must be an array');
    return [];
  };
  const dateAt = (value: unknown, path: string): DayNumber | undefined => {
    const day = typeof value === 'string' ? parseIsoDate(value) : undefined;
    if (day === undefined) problem(path, `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
    return day;
  };
  const clockAt = (value: unknown, path: string): number | undefined => {
    const minutes = typeof value === 'string' ? parseClock(value) : undefined;
    if (minutes === undefined) problem(path, `must be a time HH:MM, got ${JSON.stringify(value)}`);
    return minutes;
  };

  const entered = new Map<DayNumber, LocalizedName>();
  listOf(data.holidays, '/holidays').forEach((holiday, index) => {
    const path = `/holidays/${index}`;
    if (!isObject(holiday)) return problem(path, 'must be an object { date, name: { vi, en } }');
    const day = dateAt(holiday.date, `${path}/date`);
    const name = holiday.name;
    if (!isObject(name) || typeof name.vi !== 'string' || name.vi.trim() === '' || typeof name.en !== 'string') {
      problem(`${path}/name`, 'must be { vi, en } with a Vietnamese name');
    } else if (day !== undefined) {
      if (entered.has(day)) problem(`${path}/date`, `${String(holiday.date)} is entered twice`);
      entered.set(day, { vi: name.vi, en: name.en });
    }
  });

  const swaps = new Map<DayNumber, boolean>();
  listOf(data.swaps, '/swaps').forEach((swap, index) => {
    const path = `/swaps/${index}`;
    if (!isObject(swap)) return problem(path, 'must be an object { date, working, note? }');
    const day = dateAt(swap.date, `${path}/date`);
    if (typeof swap.working !== 'boolean') problem(`${path}/working`, 'must be true or false');
    if (swap.note !== undefined && typeof swap.note !== 'string') problem(`${path}/note`, 'must be a string');
    if (day === undefined || typeof swap.working !== 'boolean') return;
    if (swaps.has(day)) problem(`${path}/date`, `${String(swap.date)} has more than one swap`);
    if (swap.working && entered.has(day)) {
      problem(`${path}/date`, `${String(swap.date)} is both an entered holiday and swapped to a working day`);
    }
    swaps.set(day, swap.working);
  });

  const sessions: { startMs: number; endMs: number }[] = [];
  const sessionList = data.sessions === undefined ? DEFAULT_SESSIONS : listOf(data.sessions, '/sessions');
  if (Array.isArray(data.sessions) && data.sessions.length === 0) problem('/sessions', 'needs at least one session');
  sessionList.forEach((session, index) => {
    const path = `/sessions/${index}`;
    if (!isObject(session)) return problem(path, 'must be an object { start, end }');
    const start = clockAt(session.start, `${path}/start`);
    const end = clockAt(session.end, `${path}/end`);
    if (start === undefined || end === undefined) return;
    if (end <= start) return problem(path, `ends (${String(session.end)}) before it starts (${String(session.start)})`);
    const previous = sessions.at(-1);
    if (previous && start * MINUTE_MS < previous.endMs) {
      problem(path, 'must start after the previous session ends (sessions in order, not overlapping)');
    }
    sessions.push({ startMs: start * MINUTE_MS, endMs: end * MINUTE_MS });
  });

  const cutoff = clockAt(data.sameDayCutoff ?? DEFAULT_SAME_DAY_CUTOFF, '/sameDayCutoff');

  const weekendDays = new Set<number>();
  listOf(data.weekendDays ?? DEFAULT_WEEKEND_DAYS, '/weekendDays').forEach((weekday, index) => {
    if (typeof weekday === 'number' && Number.isInteger(weekday) && weekday >= 0 && weekday <= 6) {
      weekendDays.add(weekday);
    } else {
      problem(`/weekendDays/${index}`, `must be a weekday 0 (Sunday) … 6 (Saturday), got ${JSON.stringify(weekday)}`);
    }
  });
  if (weekendDays.size === 7) problem('/weekendDays', 'leaves no working day in the week');

  const builtIn = data.includeBuiltInHolidays ?? true;
  if (typeof builtIn !== 'boolean') problem('/includeBuiltInHolidays', 'must be true or false');

  return {
    problems,
    resolved: {
      entered,
      swaps,
      sessions,
      dayMs: sessions.reduce((total, session) => total + session.endMs - session.startMs, 0),
      cutoffMs: (cutoff ?? 0) * MINUTE_MS,
      weekendDays,
      includeBuiltInHolidays: builtIn === true,
    },
  };
}
