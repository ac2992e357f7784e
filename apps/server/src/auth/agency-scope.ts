import { DomainError } from '../common/domain-error.ts';
import type { AuthenticatedUser } from './current-user.decorator.ts';

/**
 * Officials see only their own agency's data; administrators see everything. For other features:
 * call assertSameAgency before returning or changing anything that belongs to an agency, and filter
 * lists with agencyScope.
 */
export function isAdministrator(user: AuthenticatedUser): boolean {
  return user.roles.includes('administrator');
}

/** True when the user may see data of the agency (administrator, or an official of that agency). */
export function canSeeAgency(user: AuthenticatedUser, agencyId: string | null | undefined): boolean {
  if (isAdministrator(user)) return true;
  return Boolean(agencyId && user.agencyId && user.agencyId === agencyId);
}

/** Throws 403 unless the user may see data of the agency (by id). */
export function assertSameAgency(user: AuthenticatedUser, agencyId: string | null | undefined): void {
  if (!canSeeAgency(user, agencyId)) {
    throw DomainError.forbidden(
      'Dữ liệu này thuộc cơ quan khác, bạn không có quyền truy cập',
      'This belongs to another agency: you may not access it',
    );
  }
}

/** The same check by agency code (dossiers and tasks carry codes). */
export function assertSameAgencyCode(user: AuthenticatedUser, agencyCode: string | null | undefined): void {
  if (isAdministrator(user)) return;
  if (!agencyCode || !user.agencyCode || user.agencyCode !== agencyCode) {
    throw DomainError.forbidden(
      'Dữ liệu này thuộc cơ quan khác, bạn không có quyền truy cập',
      'This belongs to another agency: you may not access it',
    );
  }
}

/** Agency ids a list query must be limited to: null = no limit (administrator), [] = nothing. */
export function agencyScope(user: AuthenticatedUser): string[] | null {
  if (isAdministrator(user)) return null;
  return user.agencyId ? [user.agencyId] : [];
}
