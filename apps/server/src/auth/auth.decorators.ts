import { SetMetadata } from '@nestjs/common';
import type { UserRole } from '../users/user.entity.ts';

export const PUBLIC_KEY = 'motcua:public';
export const ROLES_KEY = 'motcua:roles';

/** The endpoint needs no login (catalogue, tracking, health). Every other endpoint requires one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Only users holding one of these roles may call the endpoint. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
