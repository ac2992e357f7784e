import { HttpException, Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { DomainError } from '../common/domain-error.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';

/** At most this many files per request (multer stops reading after it). */
export const MAX_UPLOAD_FILES = 20;

/**
 * Reads a multipart body (fields + files, held in memory by multer) with MOTCUA_UPLOAD_MAX_BYTES per file; a JSON
 * body passes through untouched. Multer's refusals become domain errors: a file over the limit is 413, too many files
 * or fields is 413, a malformed multipart body is 400.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;

  constructor(@Inject(CONFIG) private readonly config: MotcuaConfig) {
    const Base = AnyFilesInterceptor({
      // File names are UTF-8 (Vietnamese); busboy's default for parameters without a charset is latin1.
      defParamCharset: 'utf8',
      limits: { fileSize: config.uploads.maxBytes, files: MAX_UPLOAD_FILES, fields: 50, fieldSize: 2 * 1024 * 1024 },
    });
    this.multer = new Base();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return (await this.multer.intercept(context, next)) as Observable<unknown>;
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 413) {
        throw new DomainError(
          'PAYLOAD_TOO_LARGE',
          `Tệp quá lớn hoặc quá nhiều tệp (tối đa ${this.config.uploads.maxBytes} byte mỗi tệp, ${MAX_UPLOAD_FILES} tệp)`,
          `File too large or too many files (at most ${this.config.uploads.maxBytes} bytes each, ${MAX_UPLOAD_FILES} files)`,
        );
      }
      if (error instanceof HttpException && error.getStatus() < 500) {
        throw new DomainError(
          'BAD_REQUEST',
          'Nội dung multipart không hợp lệ',
          `Malformed multipart body: ${error.message}`,
        );
      }
      throw error;
    }
  }
}
