// Vietnamese local time as plain arithmetic.
//
// Asia/Ho_Chi_Minh has been UTC+07:00 all year since 1975-06-13 (tz database): no daylight saving, no offset change
// in any date a dossier can carry. A fixed offset is therefore exact, and it keeps the hot loops of the due-date
// walk free of Intl formatters and of whichever ICU data the Node build happens to bundle. `local-time.spec.ts`
// checks the offset against Intl's Asia/Ho_Chi_Minh, so a future change in the zone fails a test instead of
// silently moving deadlines.

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const OFFSET_MS = 7 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

/** A local calendar day as the number of days since 1970-01-01 (in Vietnam). */
export type DayNumber = number;

export function dayOf(instantMs: number): DayNumber {
  return Math.floor((instantMs + OFFSET_MS) / DAY_MS);
}

/** The instant local midnight begins `day`. */
export function startOfDay(day: DayNumber): number {
  return day * DAY_MS - OFFSET_MS;
}

/** 0 = Sunday … 6 = Saturday, as Date#getDay. */
export function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** The local day as `YYYY-MM-DD`. */
export function isoDate(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Parses a strict `YYYY-MM-DD` calendar date; undefined when it is malformed or does not exist (2026-02-30). */
export function parseIsoDate(text: string): DayNumber | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const epochMs = Date.UTC(year, month - 1, day);
  const date = new Date(epochMs);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return epochMs / DAY_MS;
}

/** Parses `HH:MM` (00:00 to 24:00) into minutes after local midnight; undefined when malformed. */
export function parseClock(text: string): number | undefined {
  if (text === '24:00') return 24 * 60;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Local wall-clock fields of an instant. */
export function localFields(instantMs: number): {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
} {
  const shifted = new Date(instantMs + OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}
