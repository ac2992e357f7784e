import { Agency } from '../agencies/agency.entity.ts';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuthSession } from '../auth/auth-session.entity.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import { Task, TaskCandidateGroup } from '../tasks/task.entity.ts';
import { StalledJob } from '../stalled-jobs/stalled-job.entity.ts';
import { DOSSIER_ENTITIES } from '../dossiers/dossier-entities.ts';
import { Service } from '../catalogue/service.entity.ts';
import { ServiceVersion } from '../catalogue/service-version.entity.ts';
import { CalendarHoliday } from '../calendar/calendar-holiday.entity.ts';
import { CalendarSettings } from '../calendar/calendar-settings.entity.ts';
import { CalendarSwap } from '../calendar/calendar-swap.entity.ts';

/** Every entity; each feature adds its own here. */
export const ENTITIES = [
  Agency,
  User,
  Group,
  AuditEntry,
  AuthSession,
  ...DOSSIER_ENTITIES,
  Task,
  TaskCandidateGroup,
  StalledJob,
  Service,
  ServiceVersion,
  CalendarHoliday,
  CalendarSwap,
  CalendarSettings,
];
