import { CreateAgenciesUsersGroups1795760000000 } from './1795760000000-create-agencies-users-groups.ts';
import { CreateAuditEntries1795761000000 } from './1795761000000-create-audit-entries.ts';
import { CreateAuthSessions1795761000100 } from './1795761000100-create-auth-sessions.ts';
import { AddAgencyRole1795761000200 } from './1795761000200-add-agency-role.ts';
import { CreateServices1795762000000 } from './1795762000000-create-services.ts';
import { CreateDossiers1795763000000 } from './1795763000000-create-dossiers.ts';
import { CreateNotifications1795763500000 } from './1795763500000-create-notifications.ts';
import { CreateTasks1795764000000 } from './1795764000000-create-tasks.ts';
import { CreateStalledJobs1795764000001 } from './1795764000001-create-stalled-jobs.ts';
import { CreateCalendar1795765000000 } from './1795765000000-create-calendar.ts';
import { AddDossierEventSeq1795766000000 } from './1795766000000-add-dossier-event-seq.ts';

/** Every migration, oldest first. Never edit one after it landed: add a new one. */
export const MIGRATIONS = [
  CreateAgenciesUsersGroups1795760000000,
  CreateAuditEntries1795761000000,
  CreateAuthSessions1795761000100,
  AddAgencyRole1795761000200,
  CreateDossiers1795763000000,
  CreateNotifications1795763500000,
  CreateTasks1795764000000,
  CreateStalledJobs1795764000001,
  CreateServices1795762000000,
  CreateCalendar1795765000000,
  AddDossierEventSeq1795766000000,
];
