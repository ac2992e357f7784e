import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { UserRole } from '../users/user.entity.ts';

export const PUBLIC_KEY = 'motcua:public';
export const ROLES_KEY = 'motcua:roles';
/** OpenAPI extension marking operations that need no login (checked by test/security.spec.ts). */
export const PUBLIC_EXTENSION = 'x-motcua-public';

/** The endpoint needs no login (catalogue, tracking, health). Every other endpoint requires one. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));

/** Only users holding one of these roles may call the endpoint. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
