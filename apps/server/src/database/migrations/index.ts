import { CreateAgenciesUsersGroups1795760000000 } from './1795760000000-create-agencies-users-groups.ts';

/** Every migration, oldest first. Never edit one after it landed: add a new one. */
export const MIGRATIONS = [CreateAgenciesUsersGroups1795760000000];
