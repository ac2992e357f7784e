// Helpers for this package's specs: Vietnamese wall-clock times in and out.
import { localFields } from './local-time.ts';

/** '2026-01-05 09:00' in Asia/Ho_Chi_Minh as a Date. */
export function vn(localDateTime: string): Date {
  const date = new Date(`${localDateTime.replace(' ', 'T')}:00+07:00`);
  if (Number.isNaN(date.getTime())) throw new Error(`not a local date-time: ${localDateTime}`);
  return date;
}

/** A Date as '2026-01-05 09:00' in Asia/Ho_Chi_Minh (seconds shown only when not zero). */
export function local(date: Date): string {
  const { year, month, day, hour, minute } = localFields(date.getTime());
  const pad = (value: number): string => String(value).padStart(2, '0');
  const seconds = Math.floor(date.getTime() / 1000) % 60;
  const text = `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}`;
  return seconds === 0 ? text : `${text}:${pad(seconds)}`;
}
