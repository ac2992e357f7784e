import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FieldErrors } from '../common/domain-error.ts';
import { objectBody, readBoolean, readInteger, readString } from '../common/input.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { readEmail, readFullName, readPassword, readPhone, readUsername } from '../users/user-validation.ts';
import { Public } from './auth.decorators.ts';
import { AuthService, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from './auth.service.ts';
import type { AuthSession } from './auth-session.entity.ts';
import { clearSessionCookies, clientIp, setSessionCookies } from './cookies.ts';
import { CurrentUser } from './current-user.decorator.ts';
import type { AuthenticatedRequest, AuthenticatedUser } from './current-user.decorator.ts';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  /**
   * `{ username, password }` → a browser session: cookies `motcua_session` (HttpOnly) and
   * `motcua_csrf`, and `{ user, csrfToken, expiresAt }`. With `token: true` → `{ user, token,
   * tokenType: 'Bearer', expiresAt }` and no cookies, for scripted clients.
   */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() rawBody: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    const body = objectBody(rawBody);
    const errors = new FieldErrors();
    const username = readString(body, 'username', errors, { required: true, max: 64 });
    const password = readString({ password: body.password }, 'password', errors, { required: true, max: 200 });
    const token = readBoolean(body, 'token', errors) ?? false;
    errors.throwIfAny();
    // readString trims; the password is used as given.
    const { user, created } = await this.auth.login(
      username!,
      typeof body.password === 'string' ? body.password : password!,
      token ? 'token' : 'browser',
      clientIp(request),
    );
    const expiresAt = created.session.expiresAt.toISOString();
    if (token) return { user, token: created.secret, tokenType: 'Bearer', expiresAt };
    setSessionCookies(request, response, this.config.publicBaseUrl, {
      secret: created.secret,
      csrfToken: created.csrfToken!,
      expiresAt: created.session.expiresAt,
    });
    return { user, csrfToken: created.csrfToken, expiresAt };
  }

  /** Ends the current session (cookie) or bearer token. */
  @Post('logout')
  @HttpCode(200)
  async logout(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    await this.auth.logout(user, request.auth!, clientIp(request));
    if (request.auth!.kind === 'browser') clearSessionCookies(request, response, this.config.publicBaseUrl);
    return { loggedOut: true };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser, @Req() request: AuthenticatedRequest): object {
    return { user, authenticatedBy: request.auth!.kind };
  }

  /** A citizen's own account: `{ username, password, fullName, phone, email }` → 201 `{ user }`. */
  @Public()
  @Post('register')
  async register(@Body() rawBody: unknown, @Req() request: Request): Promise<object> {
    const body = objectBody(rawBody);
    const errors = new FieldErrors();
    const username = readUsername(body, errors);
    const password = readPassword(body, 'password', errors, username);
    const fullName = readFullName(body, errors);
    const phone = readPhone(body, errors);
    const email = readEmail(body, errors);
    errors.throwIfAny();
    const user = await this.auth.register(
      { username: username!, password: password!, fullName: fullName!, phone: phone!, email: email! },
      clientIp(request),
    );
    return { user };
  }

  /** `{ currentPassword, newPassword }`: changes the caller's password and ends their other sessions. */
  @Post('password')
  @HttpCode(200)
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() rawBody: unknown,
    @Req() request: AuthenticatedRequest,
  ): Promise<object> {
    const body = objectBody(rawBody);
    const errors = new FieldErrors();
    if (typeof body.currentPassword !== 'string' || body.currentPassword === '')
      errors.add('currentPassword', 'Bắt buộc', 'Required');
    const newPassword = readPassword(body, 'newPassword', errors, user.username);
    errors.throwIfAny();
    await this.auth.changePassword(
      user,
      request.auth!,
      body.currentPassword as string,
      newPassword!,
      clientIp(request),
    );
    return { changed: true };
  }

  /** `{ name, days? }` → a named bearer token for scripts, shown once: `{ id, name, token, expiresAt }`. */
  @Post('tokens')
  async createToken(
    @CurrentUser() user: AuthenticatedUser,
    @Body() rawBody: unknown,
    @Req() request: Request,
  ): Promise<object> {
    const body = objectBody(rawBody);
    const errors = new FieldErrors();
    const name = readString(body, 'name', errors, { required: true, max: 100 });
    const days = readInteger(body, 'days', errors, { min: 1, max: TOKEN_MAX_DAYS }) ?? TOKEN_DEFAULT_DAYS;
    errors.throwIfAny();
    const created = await this.auth.createToken(user, name!, days, clientIp(request));
    return {
      id: created.session.id,
      name: created.session.name,
      token: created.secret,
      tokenType: 'Bearer',
      expiresAt: created.session.expiresAt.toISOString(),
    };
  }

  @Get('tokens')
  async listTokens(@CurrentUser() user: AuthenticatedUser): Promise<object> {
    const tokens = await this.auth.listTokens(user.id);
    return { tokens: tokens.map(tokenView) };
  }

  @Delete('tokens/:id')
  @HttpCode(200)
  async revokeToken(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Req() request: Request,
  ): Promise<object> {
    await this.auth.revokeToken(user, id, clientIp(request));
    return { revoked: true };
  }
}

function tokenView(token: AuthSession): object {
  return {
    id: token.id,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
  };
}
