import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './domain-error.ts';

/** Texts for HTTP errors raised by Nest itself (unknown route, malformed JSON, body too large). */
const HTTP_TEXTS: Record<number, { code: string; vi: string; en: string }> = {
  400: { code: 'BAD_REQUEST', vi: 'Yêu cầu không hợp lệ', en: 'Bad request' },
  401: { code: 'UNAUTHENTICATED', vi: 'Vui lòng đăng nhập', en: 'Please log in' },
  403: { code: 'FORBIDDEN', vi: 'Bạn không có quyền thực hiện thao tác này', en: 'You are not allowed to do this' },
  404: { code: 'NOT_FOUND', vi: 'Không tìm thấy', en: 'Not found' },
  405: { code: 'METHOD_NOT_ALLOWED', vi: 'Phương thức không được hỗ trợ', en: 'Method not allowed' },
  409: { code: 'CONFLICT', vi: 'Xung đột dữ liệu', en: 'Conflict' },
  413: { code: 'PAYLOAD_TOO_LARGE', vi: 'Dữ liệu gửi lên quá lớn', en: 'Payload too large' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', vi: 'Kiểu dữ liệu không được hỗ trợ', en: 'Unsupported media type' },
  429: {
    code: 'RATE_LIMITED',
    vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau',
    en: 'Too many requests, try again later',
  },
};

/**
 * The one place errors become HTTP responses: `{ error, message: "<vi> / <en>", details? }`.
 * DomainError carries its code; Nest's HttpExceptions get a generic code by status; anything else
 * is a 500 whose cause is logged, not sent.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('motcua');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const { status, body, headers } = this.toResponse(exception);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private toResponse(exception: unknown): {
    status: number;
    body: { error: string; message: string; details?: unknown };
    headers: Record<string, string>;
  } {
    if (exception instanceof DomainError) {
      return {
        status: exception.httpStatus,
        body: {
          error: exception.code,
          message: `${exception.messageVi} / ${exception.messageEn}`,
          ...(exception.details === undefined ? {} : { details: exception.details }),
        },
        headers: exception.headers ?? {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const text = HTTP_TEXTS[status] ?? {
        code: status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
        vi: 'Lỗi yêu cầu',
        en: exception.message,
      };
      if (status >= 500) this.logger.error(exception.stack ?? exception.message);
      return { status, body: { error: text.code, message: `${text.vi} / ${text.en}` }, headers: {} };
    }
    // body-parser errors (malformed JSON, too large) arrive as plain errors with a status.
    const statusOf = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
    if (typeof statusOf === 'number' && statusOf >= 400 && statusOf < 500 && HTTP_TEXTS[statusOf]) {
      const text = HTTP_TEXTS[statusOf];
      return { status: statusOf, body: { error: text.code, message: `${text.vi} / ${text.en}` }, headers: {} };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: {
        error: 'INTERNAL',
        message: 'Lỗi hệ thống, vui lòng thử lại sau / Internal error, please try again later',
      },
      headers: {},
    };
  }
}
