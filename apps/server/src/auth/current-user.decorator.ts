import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { UserRole } from '../users/user.entity.ts';

/** The logged-in user as every controller sees it (loaded by the AuthGuard on each request). */
export interface AuthenticatedUser {
  id: string;
  username: string;
  fullName: string;
  roles: UserRole[];
  /** The agency an official works for; null for citizens (and for administrators without one). */
  agencyId: string | null;
  agencyCode: string | null;
  /** `<role>@<agency code>` codes of the user's groups, as BPMN candidateGroups name them. */
  groupCodes: string[];
}

/** How the request was authenticated: a browser cookie session or a bearer token. */
export interface RequestAuth {
  sessionId: string;
  kind: 'browser' | 'token';
}

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser; auth?: RequestAuth };

/**
 * The logged-in user. On endpoints without @Public() it is always set (the guard answered 401
 * otherwise); on @Public() endpoints it is the user if the request carried valid credentials, else
 * undefined.
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);
