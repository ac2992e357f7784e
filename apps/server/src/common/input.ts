import { DomainError, FieldErrors } from './domain-error.ts';

/**
 * Small readers for JSON request bodies: each reads one field, records what is wrong in the
 * FieldErrors (so a 400 lists every problem) and returns the value or undefined.
 */
export type Body = Record<string, unknown>;

/** The request body must be a JSON object. */
export function objectBody(body: unknown): Body {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw DomainError.validation([
      { field: '', message: 'Nội dung yêu cầu phải là một đối tượng JSON / The request body must be a JSON object' },
    ]);
  }
  return body as Body;
}

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** What the pattern expects, vi and en. */
  patternVi?: string;
  patternEn?: string;
  /** Allowed values. */
  oneOf?: readonly string[];
}

export function readString(body: Body, field: string, errors: FieldErrors, rule: StringRule = {}): string | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (rule.required) errors.add(field, 'Bắt buộc', 'Required');
    return undefined;
  }
  if (typeof raw !== 'string') {
    errors.add(field, 'Phải là chuỗi ký tự', 'Must be a string');
    return undefined;
  }
  const value = raw.trim();
  if (rule.min !== undefined && [...value].length < rule.min) {
    errors.add(field, `Cần ít nhất ${rule.min} ký tự`, `Must be at least ${rule.min} characters`);
    return undefined;
  }
  if (rule.max !== undefined && [...value].length > rule.max) {
    errors.add(field, `Tối đa ${rule.max} ký tự`, `Must be at most ${rule.max} characters`);
    return undefined;
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    errors.add(field, rule.patternVi ?? 'Sai định dạng', rule.patternEn ?? 'Invalid format');
    return undefined;
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    errors.add(field, `Phải là một trong: ${rule.oneOf.join(', ')}`, `Must be one of: ${rule.oneOf.join(', ')}`);
    return undefined;
  }
  return value;
}

export function readBoolean(body: Body, field: string, errors: FieldErrors): boolean | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'boolean') {
    errors.add(field, 'Phải là true hoặc false', 'Must be true or false');
    return undefined;
  }
  return raw;
}

export function readInteger(
  body: Body,
  field: string,
  errors: FieldErrors,
  rule: { required?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null) {
    if (rule.required) errors.add(field, 'Bắt buộc', 'Required');
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isInteger(raw)) {
    errors.add(field, 'Phải là số nguyên', 'Must be a whole number');
    return undefined;
  }
  if ((rule.min !== undefined && raw < rule.min) || (rule.max !== undefined && raw > rule.max)) {
    errors.add(
      field,
      `Phải từ ${rule.min ?? '-∞'} đến ${rule.max ?? '∞'}`,
      `Must be from ${rule.min ?? '-∞'} to ${rule.max ?? '∞'}`,
    );
    return undefined;
  }
  return raw;
}

/** An array of strings, each checked with the rule (errors name `field[i]`). */
export function readStringArray(
  body: Body,
  field: string,
  errors: FieldErrors,
  rule: StringRule & { required?: boolean; minItems?: number } = {},
): string[] | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null) {
    if (rule.required) errors.add(field, 'Bắt buộc', 'Required');
    return undefined;
  }
  if (!Array.isArray(raw)) {
    errors.add(field, 'Phải là một danh sách', 'Must be a list');
    return undefined;
  }
  if (rule.minItems !== undefined && raw.length < rule.minItems) {
    errors.add(field, `Cần ít nhất ${rule.minItems} phần tử`, `Needs at least ${rule.minItems} items`);
    return undefined;
  }
  const before = errors.errors.length;
  const values = raw.map((_item, index) =>
    readString({ [`${field}[${index}]`]: raw[index] }, `${field}[${index}]`, errors, { ...rule, required: true }),
  );
  return errors.errors.length === before ? [...new Set(values as string[])] : undefined;
}

/** A calendar date YYYY-MM-DD that exists. */
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function readDate(body: Body, field: string, errors: FieldErrors, required = false): string | undefined {
  const value = readString(body, field, errors, {
    required,
    pattern: DATE_PATTERN,
    patternVi: 'Ngày theo dạng YYYY-MM-DD',
    patternEn: 'A date as YYYY-MM-DD',
  });
  if (value === undefined) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (date.toISOString().slice(0, 10) !== value) {
    errors.add(field, 'Ngày không tồn tại', 'No such date');
    return undefined;
  }
  return value;
}

/** Today's date in Asia/Ho_Chi_Minh (legal dates are Vietnamese dates), YYYY-MM-DD. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
