/**
 * Zeebe timer values (static text, or the string a FEEL timer expression evaluated to): ISO 8601 durations,
 * date-times and repeating intervals, and Spring-style 6-field cron expressions.
 * Pure: no I/O, no Node built-ins; time zones are resolved with Intl.
 *
 * Calendar arithmetic (years, months, days, cron fields) is done in UTC, as Zeebe does on a broker running in UTC.
 */

export class TimerExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimerExpressionError';
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The ECMAScript time range: ±100,000,000 days around the epoch. */
const MAX_EPOCH_MS = 8.64e15;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkRange(epochMs: number, text: string): number {
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_EPOCH_MS) {
    throw new TimerExpressionError(`'${text}' gives a time outside the supported range`);
  }
  return epochMs;
}

// ---------------------------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------------------------

interface ParsedDuration {
  readonly months: number;
  readonly days: number;
  readonly millis: number;
}

const DURATION =
  /^([+-])?P(?:([+-]?\d+)Y)?(?:([+-]?\d+)M)?(?:([+-]?\d+)W)?(?:([+-]?\d+)D)?(?:T(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

function parseDuration(iso: string): ParsedDuration {
  const text = iso.trim();
  const match = DURATION.exec(text);
  const [, sign, years, months, weeks, days, hours, minutes, seconds, fraction] = match ?? [];
  const hasDatePart = [years, months, weeks, days].some((part) => part !== undefined);
  const hasTimePart = [hours, minutes, seconds].some((part) => part !== undefined);
  const timeDesignator = match ? /T/i.test(text) : false;
  if (!match || (!hasDatePart && !hasTimePart) || (timeDesignator && !hasTimePart)) {
    throw new TimerExpressionError(
      `'${iso}' is not an ISO 8601 duration (expected e.g. PT15M, P1DT2H30M, P2W, P1Y2M, -PT5M)`,
    );
  }
  const int = (part: string | undefined): number => (part === undefined ? 0 : Number.parseInt(part, 10));
  const factor = sign === '-' ? -1 : 1;
  const wholeSeconds = int(seconds);
  // The fraction takes the sign of its seconds ('-PT-1.5S' and 'PT-1.5S' are both minus 1.5 s); below 1 ms is dropped.
  const fractionMillis = fraction === undefined ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000);
  const secondsNegative = seconds !== undefined && seconds.startsWith('-');
  const millis =
    int(hours) * HOUR + int(minutes) * MINUTE + wholeSeconds * SECOND + (secondsNegative ? -1 : 1) * fractionMillis;
  return {
    months: factor * (int(years) * 12 + int(months)),
    days: factor * (int(weeks) * 7 + int(days)),
    millis: factor * millis,
  };
}

function applyDuration(fromEpochMs: number, duration: ParsedDuration): number {
  let result = fromEpochMs;
  if (duration.months !== 0) {
    const date = new Date(fromEpochMs);
    const totalMonths = date.getUTCFullYear() * 12 + date.getUTCMonth() + duration.months;
    const year = Math.floor(totalMonths / 12);
    const month = totalMonths - year * 12; // 0-based
    // Like java.time: Jan 31 + P1M = the last day of February.
    const day = Math.min(date.getUTCDate(), daysInMonth(year, month + 1));
    const timeOfDay = fromEpochMs - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    const midnight = new Date(0);
    midnight.setUTCFullYear(year, month, day);
    result = midnight.getTime() + timeOfDay;
  }
  return result + duration.days * DAY + duration.millis;
}

/** ISO 8601 duration, incl. weeks (P2W), days/time (P1DT2H30M), years/months (P1Y2M applied in calendar terms), negative/zero allowed. Throws TimerExpressionError with a clear message when malformed. */
export function addDuration(fromEpochMs: number, iso: string): number {
  if (!Number.isFinite(fromEpochMs)) throw new TimerExpressionError(`invalid start time ${fromEpochMs}`);
  return checkRange(applyDuration(fromEpochMs, parseDuration(iso)), iso);
}

// ---------------------------------------------------------------------------------------------------------------
// Date-times and zones
// ---------------------------------------------------------------------------------------------------------------

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new TimerExpressionError(`unknown time zone '${zone}'`);
    }
    zoneFormatters.set(zone, formatter);
  }
  return formatter;
}

/** Offset (ms, east positive) of `zone` at the instant `epochMs`. */
function zoneOffset(zone: string, epochMs: number): number {
  const parts: Record<string, string> = {};
  for (const part of zoneFormatter(zone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime() - Math.floor(epochMs / SECOND) * SECOND;
}

/**
 * The instant of a wall-clock time (given as if it were UTC) in `zone`, like java.time.ZonedDateTime.of: in an
 * overlap the earlier offset wins; a time in a gap moves forward by the length of the gap.
 */
function wallClockToEpoch(wallAsUtc: number, zone: string): number {
  const before = zoneOffset(zone, wallAsUtc - DAY);
  const after = zoneOffset(zone, wallAsUtc + DAY);
  for (const offset of before === after ? [before] : [before, after]) {
    if (zoneOffset(zone, wallAsUtc - offset) === offset) return wallAsUtc - offset;
  }
  return wallAsUtc - before;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?$/i;

/**
 * ISO 8601 date-time with offset or 'Z', or with a zone id in brackets like Zeebe accepts
 * ('2026-01-01T10:00:00[Asia/Ho_Chi_Minh]', resolved with Intl, DST gaps and overlaps as java.time does).
 * Without offset or zone the time is UTC, as Zeebe's docs say; with both, the offset fixes the instant.
 * Seconds and fractions are optional. Returns epoch ms; throws TimerExpressionError when malformed.
 */
export function parseTimeDate(iso: string): number {
  const text = iso.trim();
  const match = DATE_TIME.exec(text);
  if (!match) {
    throw new TimerExpressionError(
      `'${iso}' is not an ISO 8601 date-time (expected e.g. 2026-01-01T10:00:00Z, 2026-01-01T10:00:00+07:00 ` +
        'or 2026-01-01T10:00:00[Asia/Ho_Chi_Minh])',
    );
  }
  const [, year, month, day, hour, minute, second = '0', fraction, offset, zone] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new TimerExpressionError(`'${iso}' is not a valid calendar date-time`);
  }
  const millis = fraction === undefined ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000);
  const wall = new Date(0);
  wall.setUTCFullYear(y, mo - 1, d);
  wall.setUTCHours(h, mi, s, millis);
  const wallAsUtc = wall.getTime();
  if (zone !== undefined) zoneFormatter(zone); // validates the zone id even when an offset decides the instant
  if (offset !== undefined) return checkRange(wallAsUtc - offsetMillis(offset, iso), iso);
  if (zone !== undefined) return checkRange(wallClockToEpoch(wallAsUtc, zone), iso);
  return checkRange(wallAsUtc, iso);
}

function offsetMillis(offset: string, iso: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4, 6) || '0');
  if (hours > 18 || minutes > 59 || seconds > 59) throw new TimerExpressionError(`'${iso}' has an invalid offset`);
  return (offset.startsWith('-') ? -1 : 1) * (hours * HOUR + minutes * MINUTE + seconds * SECOND);
}

// ---------------------------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------------------------

export interface Cycle {
  repetitions: number /* -1 = infinite */;
  start?: number;
  duration?: string;
  cron?: string;
}

/** 'R5/PT10S', 'R/PT1H', 'R3/2026-01-01T00:00:00Z/P1D', or a cron expression (Zeebe uses Spring's 6-field cron: second minute hour day-of-month month day-of-week, with MON-FRI names, ranges, lists, steps, '?'). Throws TimerExpressionError when malformed. */
export function parseCycle(text: string): Cycle {
  const trimmed = text.trim();
  if (trimmed === '') throw new TimerExpressionError('empty timer cycle');
  if (/^R/i.test(trimmed)) return parseRepeatingInterval(trimmed);
  const cron = parseCron(trimmed);
  // An expression like '0 0 0 30 2 *' is well-formed but never fires; Spring rejects it only at scheduling time.
  if (nextCronTime(cron, 0) === undefined) throw new TimerExpressionError(`cron expression '${trimmed}' never fires`);
  return { repetitions: -1, cron: trimmed };
}

function parseRepeatingInterval(text: string): Cycle {
  // The start may contain a '/' of its own (a zone id like [Europe/Berlin]); the duration never does.
  const match = /^R(\d*)\/(?:(.+)\/)?([^/]+)$/i.exec(text);
  if (!match) {
    throw new TimerExpressionError(
      `'${text}' is not an ISO 8601 repeating interval (expected e.g. R5/PT10S, R/P1D or R3/2026-01-01T00:00:00Z/P1D)`,
    );
  }
  const [, count, start, duration] = match as unknown as [string, string, string | undefined, string];
  const repetitions = count === '' ? -1 : Number.parseInt(count, 10);
  if (applyDuration(0, parseDuration(duration)) <= 0) {
    throw new TimerExpressionError(`the interval of timer cycle '${text}' must be positive`);
  }
  const cycle: Cycle = { repetitions, duration };
  if (start !== undefined) cycle.start = parseTimeDate(start);
  return cycle;
}

/** Due date of the next firing of the cycle after `afterEpochMs` (the first firing: start if given and in the future, else after + duration; cron: next matching second after `afterEpochMs`, evaluated in UTC). */
export function nextCycleDueDate(cycle: Cycle, afterEpochMs: number): number {
  if (cycle.cron !== undefined) {
    const next = nextCronTime(cachedCron(cycle.cron), afterEpochMs);
    if (next === undefined) throw new TimerExpressionError(`cron expression '${cycle.cron}' never fires again`);
    return next;
  }
  if (cycle.start !== undefined && cycle.start > afterEpochMs) return cycle.start;
  if (cycle.duration === undefined) throw new TimerExpressionError('timer cycle has neither a duration nor a cron');
  return addDuration(afterEpochMs, cycle.duration);
}

// ---------------------------------------------------------------------------------------------------------------
// Cron (Spring CronExpression semantics: day-of-month AND day-of-week must both match)
// ---------------------------------------------------------------------------------------------------------------

/** Whether a day matches, given year, month (1-12), day of month and weekday (0 = Sunday). */
type DayPredicate = (year: number, month: number, day: number, weekday: number) => boolean;

interface Cron {
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly dayOfMonth: DayPredicate;
  readonly dayOfWeek: DayPredicate;
}

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for the values min, min+1, ... */
  readonly names?: readonly string[];
}

const SECOND_FIELD: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE_FIELD: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR_FIELD: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH_FIELD: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH_FIELD: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
const DAY_OF_WEEK_FIELD: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES };

const cronCache = new Map<string, Cron>();

function cachedCron(text: string): Cron {
  let cron = cronCache.get(text);
  if (cron === undefined) {
    cron = parseCron(text);
    if (cronCache.size >= 1000) cronCache.delete(cronCache.keys().next().value as string);
    cronCache.set(text, cron);
  }
  return cron;
}

function parseCron(text: string): Cron {
  const expanded = MACROS[text.toLowerCase()] ?? text;
  const fields = expanded.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new TimerExpressionError(
      `'${text}' is neither an ISO 8601 repeating interval (R5/PT10S) nor a 6-field cron expression ` +
        `(second minute hour day-of-month month day-of-week, e.g. '0 0 9 * * MON-FRI'); it has ${fields.length} fields`,
    );
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const fail = (spec: FieldSpec, value: string, why: string): never => {
    throw new TimerExpressionError(`cron expression '${text}': invalid ${spec.name} field '${value}': ${why}`);
  };
  const dayOfWeekValues = parseDayOfWeek(dayOfWeek, fail);
  return {
    seconds: [...parseField(second, SECOND_FIELD, fail)].sort((a, b) => a - b),
    minutes: [...parseField(minute, MINUTE_FIELD, fail)].sort((a, b) => a - b),
    hours: [...parseField(hour, HOUR_FIELD, fail)].sort((a, b) => a - b),
    months: parseField(month, MONTH_FIELD, fail),
    dayOfMonth: parseDayOfMonth(dayOfMonth, fail),
    dayOfWeek: dayOfWeekValues,
  };
}

type Fail = (spec: FieldSpec, value: string, why: string) => never;

function parseValue(text: string, spec: FieldSpec, field: string, fail: Fail): number {
  const upper = text.toUpperCase();
  const nameIndex = spec.names?.indexOf(upper) ?? -1;
  if (nameIndex >= 0) return spec.min + nameIndex;
  if (!/^\d+$/.test(text)) return fail(spec, field, `'${text}' is not a number${spec.names ? ' or a name' : ''}`);
  const value = Number.parseInt(text, 10);
  if (value < spec.min || value > spec.max) return fail(spec, field, `${value} is not in ${spec.min}-${spec.max}`);
  return value;
}

/** A list of '*', '?', values, ranges and steps → the set of matching values. */
function parseField(field: string, spec: FieldSpec, fail: Fail, allowQuestionMark = false): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') fail(spec, field, 'empty list element');
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) fail(spec, field, `'${item}' has more than one step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) fail(spec, field, `step '${stepText}' must be positive`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*' || (range === '?' && allowQuestionMark)) {
      from = spec.min;
      to = spec.max;
    } else if (range !== undefined && range.includes('-')) {
      const [low, high, more] = range.split('-');
      if (more !== undefined || !low || !high) return fail(spec, field, `'${range}' is not a range`);
      from = parseValue(low, spec, field, fail);
      to = parseValue(high, spec, field, fail);
      if (from > to) fail(spec, field, `range '${range}' goes backwards`);
    } else {
      from = parseValue(range ?? '', spec, field, fail);
      // 'a/n' means from a to the maximum, every n.
      to = stepText === undefined ? from : spec.max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function parseDayOfMonth(field: string, fail: Fail): DayPredicate {
  const spec = DAY_OF_MONTH_FIELD;
  const upper = field.toUpperCase();
  if (upper === 'L') return (year, month, day) => day === daysInMonth(year, month);
  if (upper === 'LW') {
    return (year, month, day) => day === nearestWeekday(year, month, daysInMonth(year, month));
  }
  const lastMinus = /^L-(\d+)$/.exec(upper);
  if (lastMinus) {
    const offset = Number(lastMinus[1]);
    if (offset > 30) fail(spec, field, 'offset from the last day must be at most 30');
    return (year, month, day) => day === daysInMonth(year, month) - offset;
  }
  const weekdayNear = /^(\d+)W$/.exec(upper);
  if (weekdayNear) {
    const target = parseValue(weekdayNear[1] as string, spec, field, fail);
    return (year, month, day) => target <= daysInMonth(year, month) && day === nearestWeekday(year, month, target);
  }
  if (field === '?' || field === '*') return () => true;
  const days = parseField(field, spec, fail);
  return (_year, _month, day) => days.has(day);
}

/** The weekday (Mon-Fri) nearest to `day`, staying inside the month (Quartz 'W'). */
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const last = daysInMonth(year, month);
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === last ? day - 2 : day + 1;
  return day;
}

function parseDayOfWeek(field: string, fail: Fail): DayPredicate {
  const spec = DAY_OF_WEEK_FIELD;
  const normalize = (value: number): number => (value === 7 ? 0 : value);
  const lastOf = /^(\w+)L$/i.exec(field);
  if (lastOf) {
    const target = normalize(parseValue(lastOf[1] as string, spec, field, fail));
    return (year, month, day, weekday) => weekday === target && day + 7 > daysInMonth(year, month);
  }
  const nth = /^(\w+)#(\d+)$/.exec(field);
  if (nth) {
    const target = normalize(parseValue(nth[1] as string, spec, field, fail));
    const ordinal = Number(nth[2]);
    if (ordinal < 1 || ordinal > 5) fail(spec, field, 'the week ordinal after # must be 1-5');
    return (_year, _month, day, weekday) => weekday === target && Math.ceil(day / 7) === ordinal;
  }
  if (field === '?' || field === '*') return () => true;
  const days = new Set([...parseField(field, spec, fail, true)].map(normalize));
  return (_year, _month, _day, weekday) => days.has(weekday);
}

/** Search horizon: the Gregorian calendar repeats every 400 years. */
const CRON_HORIZON_YEARS = 400;

/** First whole second strictly after `afterEpochMs` matching the cron (UTC), or undefined if none within 400 years. */
function nextCronTime(cron: Cron, afterEpochMs: number): number | undefined {
  const candidate = Math.floor(afterEpochMs / SECOND) * SECOND + SECOND;
  const start = new Date(candidate);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let lowerBound = candidate - Date.UTC(year, month - 1, day); // ms into the first day
  const endYear = year + CRON_HORIZON_YEARS;
  while (year <= endYear) {
    if (!cron.months.has(month)) {
      ({ year, month } = nextMonth(year, month));
      day = 1;
      lowerBound = 0;
      continue;
    }
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    if (cron.dayOfMonth(year, month, day, weekday) && cron.dayOfWeek(year, month, day, weekday)) {
      const time = firstTimeAtOrAfter(cron, lowerBound);
      if (time !== undefined) {
        const midnight = new Date(0);
        midnight.setUTCFullYear(year, month - 1, day);
        return midnight.getTime() + time;
      }
    }
    lowerBound = 0;
    if (day < daysInMonth(year, month)) {
      day += 1;
    } else {
      ({ year, month } = nextMonth(year, month));
      day = 1;
    }
  }
  return undefined;
}

function nextMonth(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** Earliest time of day (ms) ≥ `lowerBound` with matching hour, minute and second. */
function firstTimeAtOrAfter(cron: Cron, lowerBound: number): number | undefined {
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      const base = hour * HOUR + minute * MINUTE;
      if (base + 59 * SECOND < lowerBound) continue;
      for (const second of cron.seconds) {
        const time = base + second * SECOND;
        if (time >= lowerBound) return time;
      }
    }
  }
  return undefined;
}
