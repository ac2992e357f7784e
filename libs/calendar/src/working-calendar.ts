import { builtInHolidays } from './built-in-holidays.ts';
import {
  resolveCalendarData,
  type CalendarData,
  type LocalizedName,
  type ResolvedCalendarData,
} from './calendar-data.ts';
import { CalendarError, CalendarErrorCode } from './calendar-error.ts';
import {
  MINUTE_MS,
  dayOf,
  isoDate,
  parseIsoDate,
  startOfDay,
  weekdayOf,
  yearOf,
  type DayNumber,
} from './local-time.ts';

/** A legal duration: whole working days, working hours (counted inside sessions), or same-day. */
export type LegalDuration = { workingDays: number } | { workingHours: number } | { sameDay: true };

/** A supplement pause: the clock stops from `from` until `to` (open while the citizen has not supplemented). */
export interface ClockPause {
  from: Date;
  to?: Date | null;
}

export interface DueDateInput {
  /** The acceptance moment (form 01), when the legal clock starts — not the submission. */
  receivedAt: Date;
  duration: LegalDuration;
  pauses?: readonly ClockPause[];
  /** Where an open pause ends for this computation, usually now: the due date as it stands if the clock restarted. */
  asOf?: Date;
}

export interface CalendarHoliday {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  name: LocalizedName;
  /** 'entered' when an administrator entered the date (their name wins over a built-in one for the same date). */
  source: 'built-in' | 'entered';
  /** False when a swap made this holiday a working day. */
  dayOff: boolean;
}

/** Working time between two moments, split for "còn N ngày N giờ" / "quá hạn N ngày N giờ". */
export interface WorkingTimeLeft {
  /** True once `now` is past the due moment, even if no working time has passed since (due Friday, now Saturday). */
  overdue: boolean;
  /** The whole working time in minutes (floor), for sorting and thresholds. */
  totalMinutes: number;
  /** Whole working days of one full session day each (8 h with the default sessions). */
  workingDays: number;
  workingHours: number;
  workingMinutes: number;
}

export type Punctuality = 'early' | 'onTime' | 'late';

// A due date is searched this far ahead at most; beyond it the data leaves no working day (or a pause never ends).
const HORIZON_DAYS = 366 * 10;

/**
 * A working-day calendar in Asia/Ho_Chi_Minh over editable data. Immutable: build a new one when the data changes.
 *
 * Counting rules (Civil Code 2015 art. 147–148, DOMAIN.md "Deadlines"):
 * - working days: the day of receipt is not counted; day 1 is the first working day after the local date of
 *   receipt, whatever the hour (so a receipt on a Sunday or after office hours counts from the next working day's
 *   start); due at the end of the last session of day N. One working day is one full session day.
 * - working hours: counted from the moment of receipt, inside sessions of working days only.
 * - same day: received on a working day at or before the cut-off → due at the end of that day's last session;
 *   after the cut-off or on a day off → due at the end of the next working day.
 * - pauses: the clock stands still during paused working time, so a due date moves by exactly the working time its
 *   pauses covered before it (possibly to mid-day); pauses after the due date, or before receipt, move nothing.
 * - the clock only runs inside sessions of working days, so a due date never falls on a day off.
 */
export class WorkingCalendar {
  private readonly data: ResolvedCalendarData;
  private readonly workingDays = new Map<DayNumber, boolean>();

  /** @throws CalendarError INVALID_DATA listing every problem (see `validateCalendarData`). */
  constructor(data: Partial<CalendarData> = {}) {
    this.data = resolveCalendarData(data);
  }

  /** Minutes in one working day (all sessions). */
  get workingDayMinutes(): number {
    return this.data.dayMs / MINUTE_MS;
  }

  /** Whether a local date (`YYYY-MM-DD`) or the local date of an instant is a working day. */
  isWorkingDay(date: string | Date): boolean {
    return this.isWorking(toDay(date, 'date'));
  }

  /** The first working day strictly after a local date (or after the local date of an instant), `YYYY-MM-DD`. */
  nextWorkingDay(date: string | Date): string {
    return isoDate(this.firstWorkingDayFrom(toDay(date, 'date') + 1));
  }

  /** The year's public holidays, built-in and entered, one per date, in date order. */
  holidaysOf(year: number): CalendarHoliday[] {
    if (!Number.isInteger(year) || year < 1 || year > 9999) {
      throw new CalendarError(CalendarErrorCode.InvalidInput, `year must be an integer 1…9999, got ${year}`);
    }
    const holidays = new Map<DayNumber, { name: LocalizedName; source: CalendarHoliday['source'] }>();
    if (this.data.includeBuiltInHolidays) {
      for (const [day, name] of builtInHolidays(year)) holidays.set(day, { name, source: 'built-in' });
    }
    for (const [day, name] of this.data.entered) {
      if (yearOf(day) === year) holidays.set(day, { name, source: 'entered' });
    }
    return [...holidays]
      .sort(([a], [b]) => a - b)
      .map(([day, { name, source }]) => ({ date: isoDate(day), name, source, dayOff: !this.isWorking(day) }));
  }

  /** The due moment of a legal duration counted from the acceptance moment (rules in the class comment). */
  dueDate(input: DueDateInput): Date {
    const receivedAt = toInstant(input.receivedAt, 'receivedAt');
    const { start, budget } = this.clockFor(receivedAt, input.duration);
    const asOf = input.asOf === undefined ? undefined : toInstant(input.asOf, 'asOf');
    const pauses = mergePauses(input.pauses ?? [], receivedAt, asOf);
    return new Date(this.advance(start, budget, pauses));
  }

  /** Working time from `now` to `due`, or, once `due` has passed, from `due` to `now`. */
  remaining(now: Date, due: Date): WorkingTimeLeft {
    const nowMs = toInstant(now, 'now');
    const dueMs = toInstant(due, 'due');
    const overdue = nowMs > dueMs;
    const totalMinutes = Math.floor(
      (overdue ? this.workingMsBetween(dueMs, nowMs) : this.workingMsBetween(nowMs, dueMs)) / MINUTE_MS,
    );
    const dayMinutes = this.workingDayMinutes;
    const workingDays = Math.floor(totalMinutes / dayMinutes);
    const rest = totalMinutes - workingDays * dayMinutes;
    const workingHours = Math.floor(rest / 60);
    return { overdue, totalMinutes, workingDays, workingHours, workingMinutes: rest - workingHours * 60 };
  }

  /** Working minutes inside sessions of working days between two moments (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date): number {
    return Math.floor(this.workingMsBetween(toInstant(from, 'from'), toInstant(to, 'to')) / MINUTE_MS);
  }

  /** On-time accounting compares local dates, not times: before the due date early, on it on time, after it late. */
  classify(finishedAt: Date, due: Date): Punctuality {
    const finished = dayOf(toInstant(finishedAt, 'finishedAt'));
    const dueDay = dayOf(toInstant(due, 'due'));
    return finished < dueDay ? 'early' : finished === dueDay ? 'onTime' : 'late';
  }

  private isWorking(day: DayNumber): boolean {
    let working = this.workingDays.get(day);
    if (working === undefined) {
      const { swaps, entered, weekendDays, includeBuiltInHolidays } = this.data;
      working =
        swaps.get(day) ??
        !(
          entered.has(day) ||
          (includeBuiltInHolidays && builtInHolidays(yearOf(day)).has(day)) ||
          weekendDays.has(weekdayOf(day))
        );
      this.workingDays.set(day, working);
    }
    return working;
  }

  private firstWorkingDayFrom(day: DayNumber): DayNumber {
    for (let candidate = day; candidate < day + HORIZON_DAYS; candidate++) {
      if (this.isWorking(candidate)) return candidate;
    }
    throw noWorkingDay(day);
  }

  /** Where the clock starts and how much working time (ms) it must run. */
  private clockFor(receivedAt: number, duration: LegalDuration): { start: number; budget: number } {
    const receiptDay = dayOf(receivedAt);
    if ('workingDays' in duration) {
      const days = duration.workingDays;
      if (!Number.isInteger(days) || days < 1) {
        throw invalid(`duration.workingDays must be a whole number of days >= 1, got ${days}`);
      }
      return { start: startOfDay(receiptDay + 1), budget: days * this.data.dayMs };
    }
    if ('workingHours' in duration) {
      const hours = duration.workingHours;
      if (!Number.isFinite(hours) || hours <= 0) throw invalid(`duration.workingHours must be > 0, got ${hours}`);
      return { start: receivedAt, budget: Math.round(hours * 60 * MINUTE_MS) };
    }
    if ('sameDay' in duration && duration.sameDay === true) {
      const beforeCutoff = receivedAt - startOfDay(receiptDay) <= this.data.cutoffMs;
      const countedDay = this.isWorking(receiptDay) && beforeCutoff ? receiptDay : receiptDay + 1;
      return { start: startOfDay(countedDay), budget: this.data.dayMs };
    }
    throw invalid(
      `duration must be { workingDays }, { workingHours } or { sameDay: true }, got ${JSON.stringify(duration)}`,
    );
  }

  /** The moment the clock, started at `start` and stopped during `pauses`, has run `budget` ms of working time. */
  private advance(start: number, budget: number, pauses: readonly Interval[]): number {
    let remaining = budget;
    const first = dayOf(start);
    for (let day = first; day < first + HORIZON_DAYS; day++) {
      if (!this.isWorking(day)) continue;
      const midnight = startOfDay(day);
      for (const session of this.data.sessions) {
        for (const [from, to] of freePieces(
          Math.max(midnight + session.startMs, start),
          midnight + session.endMs,
          pauses,
        )) {
          if (to - from >= remaining) return from + remaining;
          remaining -= to - from;
        }
      }
    }
    throw noWorkingDay(first);
  }

  private workingMsBetween(from: number, to: number): number {
    let total = 0;
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      if (!this.isWorking(day)) continue;
      const midnight = startOfDay(day);
      for (const session of this.data.sessions) {
        total += Math.max(0, Math.min(to, midnight + session.endMs) - Math.max(from, midnight + session.startMs));
      }
    }
    return total;
  }
}

type Interval = readonly [from: number, to: number];

/** The parts of [from, to) outside the (sorted, disjoint) pauses. */
function* freePieces(from: number, to: number, pauses: readonly Interval[]): Generator<Interval> {
  let cursor = from;
  for (const [pauseFrom, pauseTo] of pauses) {
    if (cursor >= to || pauseFrom >= to) break;
    if (pauseTo <= cursor) continue;
    if (pauseFrom > cursor) yield [cursor, pauseFrom];
    cursor = pauseTo;
  }
  if (cursor < to) yield [cursor, to];
}

/** Pauses as sorted, disjoint intervals, clipped to start at receipt (the clock does not run before it). */
function mergePauses(pauses: readonly ClockPause[], receivedAt: number, asOf: number | undefined): Interval[] {
  const intervals = pauses
    .map((pause, index): Interval => {
      const from = toInstant(pause.from, `pauses[${index}].from`);
      let to: number;
      if (pause.to !== undefined && pause.to !== null) to = toInstant(pause.to, `pauses[${index}].to`);
      else if (asOf !== undefined) to = Math.max(asOf, from);
      else {
        throw new CalendarError(
          CalendarErrorCode.OpenPause,
          `pauses[${index}] has no end: pass asOf (usually now) to compute the due date as it stands`,
        );
      }
      if (to < from) throw invalid(`pauses[${index}] ends before it starts`);
      return [Math.max(from, receivedAt), to];
    })
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of intervals) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function toInstant(value: Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(`${what} must be a valid Date, got ${String(value)}`);
  return ms;
}

function toDay(value: string | Date, what: string): DayNumber {
  if (typeof value !== 'string') return dayOf(toInstant(value, what));
  const day = parseIsoDate(value);
  if (day === undefined) throw invalid(`${what} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return day;
}

function invalid(message: string): CalendarError {
  return new CalendarError(CalendarErrorCode.InvalidInput, message);
}

function noWorkingDay(from: DayNumber): CalendarError {
  return new CalendarError(
    CalendarErrorCode.NoWorkingDay,
    `No working day within ${HORIZON_DAYS} days from ${isoDate(from)}: check the calendar data and the pauses`,
  );
}
