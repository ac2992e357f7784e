import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../common/domain-error.ts';
import type { UserRole } from '../users/user.entity.ts';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.ts';
import { AuthService } from './auth.service.ts';
import { CSRF_HEADER, SESSION_COOKIE, readCookie } from './cookies.ts';
import type { AuthenticatedRequest } from './current-user.decorator.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Registered as APP_GUARD: every endpoint needs a login unless @Public(). A request authenticates
 * with `Authorization: Bearer <token>` or the `motcua_session` cookie; a cookie-authenticated
 * request that changes state must carry the session's CSRF token in X-CSRF-Token (403 otherwise).
 * @Roles(...) then requires one of the roles (403 otherwise).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) ?? false;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

    // A public endpoint still sees who is logged in, but ignores missing or bad credentials: no error is built for
    // them (an error with its stack trace per anonymous request was a measurable part of a tracking lookup).
    const failure = await this.authenticate(request);
    if (isPublic) return true;
    if (failure) throw authFailure(failure);
    const user = request.user;
    if (!user) throw authFailure('missing');
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    if (roles && roles.length > 0 && !roles.some((role) => user.roles.includes(role))) {
      throw DomainError.forbidden(
        `Chức năng này dành cho vai trò: ${roles.join(', ')}`,
        `This needs one of the roles: ${roles.join(', ')}`,
      );
    }
    return true;
  }

  /** Sets request.user and request.auth when the credentials are valid; says what is wrong with them otherwise. */
  private async authenticate(request: AuthenticatedRequest): Promise<AuthFailure | undefined> {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const found = match ? await this.auth.authenticate(match[1], 'token') : null;
      if (!found) return 'token';
      request.user = found.user;
      request.auth = { sessionId: found.session.id, kind: 'token' };
      return undefined;
    }
    const cookie = readCookie(request, SESSION_COOKIE);
    if (!cookie) return 'missing';
    const found = await this.auth.authenticate(cookie, 'browser');
    if (!found) return 'session';
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const token = request.headers[CSRF_HEADER];
      if (!this.auth.csrfMatches(found.session, Array.isArray(token) ? token[0] : token)) return 'csrf';
    }
    request.user = found.user;
    request.auth = { sessionId: found.session.id, kind: 'browser' };
    return undefined;
  }
}

/** Why a request is not authenticated; the error is built only when the endpoint needs a login. */
type AuthFailure = 'missing' | 'token' | 'session' | 'csrf';

function authFailure(failure: AuthFailure): DomainError {
  switch (failure) {
    case 'missing':
      return new DomainError('UNAUTHENTICATED', 'Vui lòng đăng nhập', 'Please log in');
    case 'token':
      return new DomainError(
        'UNAUTHENTICATED',
        'Mã truy cập không hợp lệ hoặc đã hết hạn, vui lòng đăng nhập lại',
        'The bearer token is invalid or expired, please log in again',
      );
    case 'session':
      return new DomainError(
        'UNAUTHENTICATED',
        'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
        'Your session has expired, please log in again',
      );
    case 'csrf':
      return new DomainError(
        'CSRF_TOKEN_INVALID',
        'Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token)',
        'Missing or wrong anti-forgery token (X-CSRF-Token)',
      );
  }
}
