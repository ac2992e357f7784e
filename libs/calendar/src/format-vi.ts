import { localFields } from './local-time.ts';
import type { WorkingTimeLeft } from './working-calendar.ts';

const WEEKDAYS = ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

export interface FormatDateViOptions {
  /** Prefix the local time, `HH:MM`. Default false. */
  time?: boolean;
  /** Include the weekday. Default: true without the time, false with it. */
  weekday?: boolean;
}

/**
 * A moment as Vietnamese readers expect it on forms, in Asia/Ho_Chi_Minh:
 * "Thứ Hai, ngày 05/01/2026"; with `{ time: true }` "08:00 ngày 05/01/2026";
 * with both "17:00 Thứ Năm, ngày 08/01/2026".
 */
export function formatDateVi(date: Date, options: FormatDateViOptions = {}): string {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`formatDateVi needs a valid Date, got ${String(date)}`);
  const { year, month, day, weekday, hour, minute } = localFields(ms);
  const time = options.time ?? false;
  const withWeekday = options.weekday ?? !time;
  const text = `ngày ${pad(day)}/${pad(month)}/${year}`;
  const dated = withWeekday ? `${WEEKDAYS[weekday]}, ${text}` : text;
  return time ? `${pad(hour)}:${pad(minute)} ${dated}` : dated;
}

/**
 * Working time left or overdue as a short Vietnamese phrase: "còn 2 ngày 3 giờ", "quá hạn 1 ngày 30 phút",
 * "đến hạn" when none is left, "quá hạn" when overdue by no working time yet (due Friday, now Saturday).
 */
export function formatRemainingVi(left: WorkingTimeLeft): string {
  const parts = [
    left.workingDays > 0 ? `${left.workingDays} ngày` : '',
    left.workingHours > 0 ? `${left.workingHours} giờ` : '',
    left.workingMinutes > 0 ? `${left.workingMinutes} phút` : '',
  ].filter(Boolean);
  if (parts.length === 0) return left.overdue ? 'quá hạn' : 'đến hạn';
  return `${left.overdue ? 'quá hạn' : 'còn'} ${parts.join(' ')}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
