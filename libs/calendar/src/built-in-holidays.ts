import Holidays, { type HolidaysTypes } from 'date-holidays';

import type { LocalizedName } from './calendar-data.ts';
import { dayOf, startOfDay, yearOf, type DayNumber } from './local-time.ts';

// Vietnam's public holidays from date-holidays: New Year 1/1, Tết (lunar; a 5-day range from the eve, which is what
// the Labour Code's "5 days" usually becomes — the government decides the exact days each year), Hùng Kings (lunar
// 10/3), 30/4, 1/5 and 2/9. date-holidays has no day next to 2/9 and no compensatory days: both are decided yearly
// and entered as calendar data. Its many 'observance' days (8/3, 20/10, …) are working days and are left out.

let vietnam: Holidays | undefined;
const byYear = new Map<number, ReadonlyMap<DayNumber, LocalizedName>>();

/** The built-in public holidays of a year, by local day. Pure and cached: the rules depend only on the year. */
export function builtInHolidays(year: number): ReadonlyMap<DayNumber, LocalizedName> {
  let days = byYear.get(year);
  if (!days) {
    days = compute(year);
    byYear.set(year, days);
  }
  return days;
}

function compute(year: number): ReadonlyMap<DayNumber, LocalizedName> {
  vietnam ??= new Holidays('VN', { types: ['public'] });
  const english = new Map(vietnam.getHolidays(year, 'en').map((holiday) => [key(holiday), holiday.name]));
  const holidays = vietnam
    .getHolidays(year, 'vi')
    .filter((holiday) => holiday.type === 'public')
    // Longest first, so a single day's own name (Tết Nguyên Đán on mùng 1) wins over its range's name.
    .sort((a, b) => span(b) - span(a));
  const days = new Map<DayNumber, LocalizedName>();
  for (const holiday of holidays) {
    const name = { vi: holiday.name, en: english.get(key(holiday)) ?? holiday.name };
    for (let day = dayOf(holiday.start.getTime()); startOfDay(day) < holiday.end.getTime(); day++) {
      if (yearOf(day) === year) days.set(day, name);
    }
  }
  return days;
}

function key(holiday: HolidaysTypes.Holiday): string {
  return `${holiday.date}|${holiday.rule}`;
}

function span(holiday: HolidaysTypes.Holiday): number {
  return holiday.end.getTime() - holiday.start.getTime();
}
