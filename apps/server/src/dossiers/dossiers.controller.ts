import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Public, Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError } from '../common/domain-error.ts';
import { RateLimiter } from '../common/rate-limiter.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { DossierTracking } from './dossier-tracking.ts';
import type { TrackingView } from './dossier-tracking.ts';
import { DossiersService } from './dossiers.service.ts';
import type { DossierSummary, DossierView, UploadedFile } from './dossiers.service.ts';
import { UploadInterceptor } from './upload.interceptor.ts';

type UploadRequest = Request & { files?: UploadedFile[] };

/** Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987), so Vietnamese names survive. */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Streams a stored file as the body of a response whose status and headers are set. A failure after the headers (the
 * store or the client broke off) can only cut the connection, which pipeline does: the client sees a short body.
 */
async function sendStream(stream: Readable, response: Response): Promise<void> {
  await pipeline(stream, response).catch(() => undefined);
}

/** The citizen's dossier API (issue 3, item 6). */
@ApiTags('dossiers')
@Controller()
export class DossiersController {
  private readonly trackingLimiter: RateLimiter;

  constructor(
    @Inject(DossiersService) private readonly dossiers: DossiersService,
    @Inject(DossierTracking) private readonly tracking: DossierTracking,
    @Inject(CONFIG) config: MotcuaConfig,
  ) {
    this.trackingLimiter = new RateLimiter(config.tracking.ratePerMinute, 60_000);
  }

  /**
   * Submit a dossier: JSON `{ serviceCode, form, applicant?, receivingAgencyCode? }`, or multipart with the same fields
   * (`form` and `applicant` as JSON text) and files whose field names are the service's required-document codes.
   * 201 with the dossier; 200 with the first dossier when the Idempotency-Key was used before.
   */
  @Roles('citizen')
  @Post('dossiers')
  @UseInterceptors(UploadInterceptor)
  async submit(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: UploadRequest,
    @Res({ passthrough: true }) response: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<DossierView> {
    return this.submitThrough('online', user, request, response, idempotencyKey);
  }

  /** Counter intake by a desk officer: the applicant is in the body; the receiving agency is the officer's. */
  @Roles('desk')
  @Post('counter/dossiers')
  @UseInterceptors(UploadInterceptor)
  async counterIntake(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: UploadRequest,
    @Res({ passthrough: true }) response: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<DossierView> {
    return this.submitThrough('counter', user, request, response, idempotencyKey);
  }

  /** Both channels answer alike: 201 for a new dossier, 200 for the first one of a repeated Idempotency-Key. */
  private async submitThrough(
    channel: 'online' | 'counter',
    user: AuthenticatedUser,
    request: UploadRequest,
    response: Response,
    idempotencyKey: string | undefined,
  ): Promise<DossierView> {
    const { dossier, created } = await this.dossiers.submit(user, channel, {
      body: request.body,
      files: request.files ?? [],
      idempotencyKey,
      ip: clientIp(request),
    });
    response.status(created ? 201 : 200);
    return dossier;
  }

  /** My dossiers, newest first. */
  @Roles('citizen')
  @Get('dossiers/mine')
  mine(@CurrentUser() user: AuthenticatedUser): Promise<DossierSummary[]> {
    return this.dossiers.mine(user);
  }

  /** A dossier with its attachments and history: the applicant's own, or one of the official's agencies. */
  @Get('dossiers/:id')
  detail(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<DossierView> {
    return this.dossiers.detail(user, id);
  }

  /** Answer a supplement request: `{ form?, note? }` (JSON or multipart with files). */
  @Post('dossiers/:id/supplement')
  @HttpCode(200)
  @UseInterceptors(UploadInterceptor)
  supplement(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: UploadRequest,
  ): Promise<DossierView> {
    return this.dossiers.supplement(user, id, {
      body: request.body ?? {},
      files: request.files ?? [],
      ip: clientIp(request),
    });
  }

  /** Withdraw the dossier (status 7): `{ reason? }`. */
  @Roles('citizen')
  @Post('dossiers/:id/withdraw')
  @HttpCode(200)
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<DossierView> {
    return this.dossiers.withdraw(user, id, body, clientIp(request));
  }

  /** The signed result (PDF), once the dossier has one (status 9 or 10). */
  @Get('dossiers/:id/result')
  async result(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const { fileName, file, sha256 } = await this.dossiers.result(user, id);
    response.status(200).set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': contentDisposition(fileName),
      'Content-Length': String(file.size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      ...(sha256 ? { 'X-Content-SHA256': sha256 } : {}),
    });
    await sendStream(file.stream, response);
  }

  /** One attachment of a dossier the user may see, with the media type detected at upload. */
  @Get('dossiers/:id/attachments/:attachmentId')
  async attachment(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res() response: Response,
  ): Promise<void> {
    const { attachment, file } = await this.dossiers.attachment(user, id, attachmentId);
    response.status(200).set({
      'Content-Type': attachment.mediaType,
      'Content-Disposition': contentDisposition(attachment.fileName),
      'Content-Length': String(file.size),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    await sendStream(file.stream, response);
  }

  /**
   * Public tracking: `GET /api/track/<code>?phone=<last 4 digits of the applicant's phone>` → status and public
   * timeline. Limited per client address (MOTCUA_TRACKING_RATE_PER_MINUTE, 429 with Retry-After); an unknown code and
   * wrong digits answer the same 404.
   */
  @Public()
  @Get('track/:code')
  track(@Param('code') code: string, @Query('phone') phone: unknown, @Req() request: Request): Promise<TrackingView> {
    const { allowed, retryAfterSeconds } = this.trackingLimiter.hit(clientIp(request) ?? 'unknown');
    if (!allowed) {
      throw new DomainError(
        'RATE_LIMITED',
        'Tra cứu quá nhiều lần, vui lòng thử lại sau',
        'Too many lookups, please try again later',
        { retryAfterSeconds },
        { 'Retry-After': String(retryAfterSeconds) },
      );
    }
    return this.tracking.track(code, phone);
  }
}
