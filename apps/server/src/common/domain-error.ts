/**
 * Domain errors: every failure a user can see has a code from this list, a Vietnamese and an English
 * message, and optional details (e.g. the list of field errors). The HTTP status of each code is
 * decided in one place, ERROR_HTTP_STATUS below; the filter turns the error into
 * `{ error: code, message: "<vi> / <en>", details }`.
 */
export const ERROR_HTTP_STATUS = {
  // 400
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  // 401
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  // 403
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  // 404
  NOT_FOUND: 404,
  // 409
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  AGENCY_CODE_TAKEN: 409,
  GROUP_CODE_TAKEN: 409,
  AGENCY_IN_USE: 409,
  // 413, 415, 422
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  BUNDLE_INVALID: 422,
  DEPLOYMENT_REJECTED: 422,
  // 429
  RATE_LIMITED: 429,
  LOGIN_LOCKED: 429,
  // 5xx
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type DomainErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** One problem with one input field; `field` is a dotted path or a JSON pointer. */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After for RATE_LIMITED. */
    readonly headers?: Record<string, string>,
  ) {
    super(`${messageVi} / ${messageEn}`);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }

  static notFound(whatVi: string, whatEn: string, id?: string): DomainError {
    return new DomainError(
      'NOT_FOUND',
      `Không tìm thấy ${whatVi}${id ? ` '${id}'` : ''}`,
      `${whatEn.charAt(0).toUpperCase()}${whatEn.slice(1)}${id ? ` '${id}'` : ''} not found`,
    );
  }

  static forbidden(
    messageVi = 'Bạn không có quyền thực hiện thao tác này',
    messageEn = 'You are not allowed to do this',
  ): DomainError {
    return new DomainError('FORBIDDEN', messageVi, messageEn);
  }

  /** 400 listing every field problem: `details.errors = [{ field, message }]`. */
  static validation(errors: FieldError[]): DomainError {
    return new DomainError('VALIDATION_FAILED', 'Dữ liệu không hợp lệ', 'Invalid input', { errors });
  }
}

/**
 * Collects every problem of one input before failing, so a 400 lists them all.
 * Messages are "<vi> / <en>" like every user-facing text.
 */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  add(field: string, messageVi: string, messageEn: string): void {
    this.errors.push({ field, message: `${messageVi} / ${messageEn}` });
  }

  get empty(): boolean {
    return this.errors.length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw DomainError.validation(this.errors);
  }
}
