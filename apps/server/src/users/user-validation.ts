import type { FieldErrors } from '../common/domain-error.ts';
import { readString } from '../common/input.ts';
import type { Body } from '../common/input.ts';

/** Lower-case letters, digits, dot, underscore, hyphen; 3–64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Vietnamese phone: mobile 0[35789]xxxxxxxx or landline 02xxxxxxxxx, also written +84…. */
export const PHONE_PATTERN = /^(?:\+84|84|0)(?:[35789]\d{8}|2\d{9})$/;

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export const PASSWORD_MIN_LENGTH = 10;

const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  'password123',
  'password1234',
  'qwertyuiop',
  'qwerty12345',
  'matkhau123',
  'matkhau1234',
  'abc1234567',
  'abcd123456',
  'iloveyou12',
  'admin12345',
  'administrator',
]);

export function readUsername(body: Body, errors: FieldErrors, required = true): string | undefined {
  const raw = body.username;
  return readString(typeof raw === 'string' ? { username: raw.trim().toLowerCase() } : body, 'username', errors, {
    required,
    pattern: USERNAME_PATTERN,
    patternVi: '3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang',
    patternEn: '3–64 characters: lower-case letters, digits, dot, underscore, hyphen',
  });
}

/**
 * Password strength (NIST 800-63B style): at least 10 characters, at most 128, not a well-known
 * password, not a single repeated character, not containing the username.
 */
export function readPassword(
  body: Body,
  field: string,
  errors: FieldErrors,
  username: string | undefined,
): string | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null || raw === '') {
    errors.add(field, 'Bắt buộc', 'Required');
    return undefined;
  }
  if (typeof raw !== 'string') {
    errors.add(field, 'Phải là chuỗi ký tự', 'Must be a string');
    return undefined;
  }
  const length = [...raw].length;
  if (length < PASSWORD_MIN_LENGTH) {
    errors.add(
      field,
      `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự`,
      `The password needs at least ${PASSWORD_MIN_LENGTH} characters`,
    );
    return undefined;
  }
  if (length > 128) {
    errors.add(field, 'Mật khẩu tối đa 128 ký tự', 'The password must be at most 128 characters');
    return undefined;
  }
  const lower = raw.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1*$/u.test(raw)) {
    errors.add(field, 'Mật khẩu quá dễ đoán', 'The password is too easy to guess');
    return undefined;
  }
  if (username && lower.includes(username.toLowerCase())) {
    errors.add(field, 'Mật khẩu không được chứa tên đăng nhập', 'The password must not contain the username');
    return undefined;
  }
  return raw;
}

export function readFullName(body: Body, errors: FieldErrors, required = true): string | undefined {
  return readString(body, 'fullName', errors, {
    required,
    min: 2,
    max: 255,
    pattern: /^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u,
    patternVi: 'Chỉ gồm chữ cái, khoảng trắng, dấu chấm, nháy, gạch ngang',
    patternEn: 'Letters, spaces, dots, apostrophes and hyphens only',
  });
}

/** Returns the phone normalised to the national form 0xxxxxxxxx. */
export function readPhone(body: Body, errors: FieldErrors, required = true): string | undefined {
  const raw = body.phone;
  const compact = typeof raw === 'string' ? raw.replace(/[\s.()-]/g, '') : raw;
  const value = readString({ phone: compact }, 'phone', errors, {
    required,
    pattern: PHONE_PATTERN,
    patternVi: 'Số điện thoại Việt Nam, ví dụ 0912345678 hoặc +84912345678',
    patternEn: 'A Vietnamese phone number, e.g. 0912345678 or +84912345678',
  });
  return value?.replace(/^(?:\+84|84)/, '0');
}

export function readEmail(body: Body, errors: FieldErrors, required = true): string | undefined {
  const value = readString(body, 'email', errors, {
    required,
    max: 255,
    pattern: EMAIL_PATTERN,
    patternVi: 'Địa chỉ e-mail không hợp lệ',
    patternEn: 'Not a valid e-mail address',
  });
  return value?.toLowerCase();
}
