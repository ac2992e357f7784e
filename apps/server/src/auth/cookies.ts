import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'motcua_session';
export const CSRF_COOKIE = 'motcua_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Reads the Cookie header (no cookie-parser middleware needed). */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Session cookie: HttpOnly; SameSite=Lax rather than Strict so a link in a notification e-mail
 * opens the citizen's page logged in (Lax sends the cookie only on top-level GET navigations, which
 * change nothing; every state-changing request also needs the X-CSRF-Token header); Secure when the
 * public address is https or the request came over TLS.
 */
export function setSessionCookies(
  request: Request,
  response: Response,
  publicBaseUrl: string,
  session: { secret: string; csrfToken: string; expiresAt: Date },
): void {
  const secure = request.secure || publicBaseUrl.startsWith('https:');
  const common = { sameSite: 'lax' as const, secure, path: '/', expires: session.expiresAt };
  response.cookie(SESSION_COOKIE, session.secret, { ...common, httpOnly: true });
  // Readable by the web app, which echoes it in X-CSRF-Token.
  response.cookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(request: Request, response: Response, publicBaseUrl: string): void {
  const secure = request.secure || publicBaseUrl.startsWith('https:');
  response.clearCookie(SESSION_COOKIE, { sameSite: 'lax', secure, path: '/', httpOnly: true });
  response.clearCookie(CSRF_COOKIE, { sameSite: 'lax', secure, path: '/' });
}

/** The client address: the socket's, or X-Forwarded-For's as far as MOTCUA_TRUST_PROXY allows. */
export function clientIp(request: Request): string | null {
  return request.ip ?? request.socket?.remoteAddress ?? null;
}
