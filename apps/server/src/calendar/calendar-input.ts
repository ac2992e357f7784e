import { DEFAULT_SAME_DAY_CUTOFF, DEFAULT_SESSIONS, validateCalendarData } from '@motcua/calendar';
import type { CalendarData, CalendarProblem, DaySwap, EnteredHoliday, OfficeSession } from '@motcua/calendar';
import { DomainError } from '../common/domain-error.ts';
import type { FieldError } from '../common/domain-error.ts';
import { objectBody } from '../common/input.ts';
import type { Body } from '../common/input.ts';

/**
 * The administrator's calendar input, read at the edge: checked with @motcua/calendar's validateCalendarData plus the
 * limits of the tables, every problem listed with the JSON pointer into the request body and a "<vi> / <en>" message.
 */

/** The settings an administrator sets with PUT /api/admin/calendar/settings; a missing field takes the default. */
export interface CalendarSettingsInput {
  sessions?: OfficeSession[];
  sameDayCutoff?: string;
  weekendDays?: number[];
  includeBuiltInHolidays?: boolean;
}

export const SETTINGS_FIELDS = ['sessions', 'sameDayCutoff', 'weekendDays', 'includeBuiltInHolidays'] as const;

/** A value read from the request body and the JSON pointer it came from (`''` for the body itself). */
export interface Located<T> {
  value: T;
  pointer: string;
}

/** At most this many holidays or swaps in one request. */
export const MAX_ITEMS = 100;

const NAME_MAX = 255;
const NOTE_MAX = 500;

/** Vietnamese for each message validateCalendarData gives (its English stays beside it). */
const PROBLEMS_VI: [RegExp, (...groups: string[]) => string][] = [
  [/^must be an array$/, () => 'Phải là một danh sách'],
  [/^must be an object \{ date, name: \{ vi, en \} \}$/, () => 'Phải là một đối tượng { date, name: { vi, en } }'],
  [/^must be an object \{ date, working, note\? \}$/, () => 'Phải là một đối tượng { date, working, note? }'],
  [/^must be an object \{ start, end \}$/, () => 'Phải là một đối tượng { start, end }'],
  [/^must be a calendar date YYYY-MM-DD, got (.*)$/s, (got) => `Phải là một ngày có thật dạng YYYY-MM-DD, nhận ${got}`],
  [/^must be \{ vi, en \} with a Vietnamese name$/, () => 'Phải là { vi, en } có tên tiếng Việt'],
  [/^(.*) is entered twice$/s, (date) => `Ngày ${date} được nhập hai lần`],
  [/^must be true or false$/, () => 'Phải là true hoặc false'],
  [/^must be a string$/, () => 'Phải là chuỗi ký tự'],
  [/^(.*) has more than one swap$/s, (date) => `Ngày ${date} có nhiều hơn một ngày hoán đổi`],
  [
    /^(.*) is both an entered holiday and swapped to a working day$/s,
    (date) => `Ngày ${date} vừa là ngày nghỉ đã nhập vừa được đổi thành ngày làm việc`,
  ],
  [/^needs at least one session$/, () => 'Cần ít nhất một buổi làm việc'],
  [/^must be a time HH:MM, got (.*)$/s, (got) => `Phải là giờ dạng HH:MM, nhận ${got}`],
  [
    /^ends \((.*)\) before it starts \((.*)\)$/s,
    (end, start) => `Giờ kết thúc (${end}) phải sau giờ bắt đầu (${start})`,
  ],
  [
    /^must start after the previous session ends \(sessions in order, not overlapping\)$/,
    () => 'Phải bắt đầu sau khi buổi trước kết thúc (các buổi theo thứ tự, không chồng lấn)',
  ],
  [
    /^must be a weekday 0 \(Sunday\) … 6 \(Saturday\), got (.*)$/s,
    (got) => `Phải là một thứ trong tuần từ 0 (Chủ nhật) đến 6 (Thứ Bảy), nhận ${got}`,
  ],
  [/^leaves no working day in the week$/, () => 'Không còn ngày làm việc nào trong tuần'],
];

/** validateCalendarData's message as "<vi> / <en>" (a generic Vietnamese text if the library says something new). */
export function problemMessage(message: string): string {
  for (const [pattern, vi] of PROBLEMS_VI) {
    const match = pattern.exec(message);
    if (match) return `${vi(...match.slice(1))} / ${message}`;
  }
  return `Không hợp lệ / ${message}`;
}

function toFieldErrors(problems: CalendarProblem[], pointer: (path: string) => string): FieldError[] {
  return problems.map((problem) => ({ field: pointer(problem.path), message: problemMessage(problem.message) }));
}

/** `{ holidays: [...] }` (pointers `/holidays/<i>/...`) or one item alone (pointers `/...`). */
function readItems(
  body: unknown,
  listField: 'holidays' | 'swaps',
): { raw: unknown[]; pointer: (path: string) => string; prefix: (index: number) => string } {
  const object = objectBody(body);
  const listed = Object.hasOwn(object, listField);
  const raw = listed ? object[listField] : [object];
  const errors: FieldError[] = [];
  if (!Array.isArray(raw)) {
    errors.push({ field: `/${listField}`, message: 'Phải là một danh sách / Must be a list' });
  } else if (raw.length === 0 || raw.length > MAX_ITEMS) {
    errors.push({
      field: `/${listField}`,
      message: `Cần từ 1 đến ${MAX_ITEMS} phần tử / Needs 1 to ${MAX_ITEMS} items`,
    });
  }
  if (errors.length > 0) throw DomainError.validation(errors);
  const prefix = (index: number): string => (listed ? `/${listField}/${index}` : '');
  const itemPath = new RegExp(`^/${listField}/(\\d+)`);
  return {
    raw: raw as unknown[],
    prefix,
    pointer: (path) => path.replace(itemPath, (_whole, index: string) => prefix(Number(index))),
  };
}

function tooLong(value: unknown, max: number): boolean {
  return typeof value === 'string' && [...value.trim()].length > max;
}

/** POST /api/admin/calendar/holidays: `{ date, name: { vi, en } }` or `{ holidays: [{ date, name }, …] }`. */
export function readHolidays(body: unknown): Located<EnteredHoliday>[] {
  const { raw, pointer, prefix } = readItems(body, 'holidays');
  const errors = toFieldErrors(validateCalendarData({ holidays: raw as EnteredHoliday[] }), pointer);
  raw.forEach((item, index) => {
    const name = (item as { name?: unknown } | null)?.name as Body | undefined;
    for (const language of ['vi', 'en'] as const) {
      if (tooLong(name?.[language], NAME_MAX)) {
        errors.push({
          field: `${prefix(index)}/name/${language}`,
          message: `Tối đa ${NAME_MAX} ký tự / At most ${NAME_MAX} characters`,
        });
      }
    }
  });
  if (errors.length > 0) throw DomainError.validation(errors);
  return (raw as EnteredHoliday[]).map((holiday, index) => ({
    value: { date: holiday.date, name: { vi: holiday.name.vi.trim(), en: holiday.name.en.trim() } },
    pointer: prefix(index),
  }));
}

/** POST /api/admin/calendar/swaps: `{ date, working, note? }` or `{ swaps: [{ date, working, note? }, …] }`. */
export function readSwaps(body: unknown): Located<DaySwap>[] {
  const { raw, pointer, prefix } = readItems(body, 'swaps');
  const errors = toFieldErrors(validateCalendarData({ swaps: raw as DaySwap[] }), pointer);
  raw.forEach((item, index) => {
    if (tooLong((item as { note?: unknown } | null)?.note, NOTE_MAX)) {
      errors.push({
        field: `${prefix(index)}/note`,
        message: `Tối đa ${NOTE_MAX} ký tự / At most ${NOTE_MAX} characters`,
      });
    }
  });
  if (errors.length > 0) throw DomainError.validation(errors);
  return (raw as DaySwap[]).map((swap, index) => {
    const note = swap.note?.trim();
    return { value: { date: swap.date, working: swap.working, ...(note ? { note } : {}) }, pointer: prefix(index) };
  });
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/**
 * PUT /api/admin/calendar/settings: `{ sessions?, sameDayCutoff?, weekendDays?, includeBuiltInHolidays? }`, the whole
 * settings (a missing or null field goes back to its default). The same-day cut-off must fall within office hours.
 */
export function readSettings(body: unknown): CalendarSettingsInput {
  const object = objectBody(body);
  const errors: FieldError[] = [];
  for (const key of Object.keys(object)) {
    if (!(SETTINGS_FIELDS as readonly string[]).includes(key)) {
      errors.push({
        field: `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        message:
          key === 'holidays' || key === 'swaps'
            ? `Nhập qua /api/admin/calendar/${key} / Entered through /api/admin/calendar/${key}`
            : `Trường không được hỗ trợ, chỉ có ${SETTINGS_FIELDS.join(', ')} / Unknown field, only ${SETTINGS_FIELDS.join(', ')}`,
      });
    }
  }
  const input: Partial<CalendarData> = {};
  for (const key of SETTINGS_FIELDS) {
    if (object[key] !== undefined && object[key] !== null) (input as Body)[key] = object[key];
  }
  const problems = validateCalendarData(input);
  errors.push(...toFieldErrors(problems, (path) => path));
  const clocksValid = !problems.some((problem) => /^\/(sessions|sameDayCutoff)/.test(problem.path));
  if (clocksValid) {
    const sessions = input.sessions ?? DEFAULT_SESSIONS;
    const cutoff = minutesOf(input.sameDayCutoff ?? DEFAULT_SAME_DAY_CUTOFF);
    const opens = sessions[0]!.start;
    const closes = sessions.at(-1)!.end;
    if (cutoff < minutesOf(opens) || cutoff > minutesOf(closes)) {
      errors.push({
        field: '/sameDayCutoff',
        message: `Giờ chốt nhận hồ sơ giải quyết trong ngày phải nằm trong giờ làm việc (${opens}–${closes}) / The same-day cut-off must fall within office hours (${opens}–${closes})`,
      });
    }
  }
  if (errors.length > 0) throw DomainError.validation(errors);
  return input as CalendarSettingsInput;
}
