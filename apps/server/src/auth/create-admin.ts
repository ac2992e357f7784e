import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { FieldErrors } from '../common/domain-error.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { User } from '../users/user.entity.ts';
import { readPassword, readUsername } from '../users/user-validation.ts';
import { hashPassword } from './secrets.ts';

/**
 * Creates an administrator directly in the database: the way in for a production installation, which
 * has no demo users (MOTCUA_DEMO_SEED=false). Used by `npm run create-admin`.
 */
export async function createAdministrator(
  dataSource: DataSource,
  config: MotcuaConfig,
  usernameRaw: string,
  passwordRaw: string | undefined,
): Promise<{ username: string; generatedPassword?: string }> {
  const errors = new FieldErrors();
  const username = readUsername({ username: usernameRaw }, errors);
  const generated = passwordRaw ? undefined : randomBytes(15).toString('base64url');
  const password = readPassword({ password: passwordRaw ?? generated }, 'password', errors, username);
  if (!errors.empty) throw new Error(errors.errors.map((error) => `${error.field}: ${error.message}`).join('\n'));
  if (await dataSource.getRepository(User).findOne({ where: { username } })) {
    throw new Error(`the username '${username}' is taken`);
  }
  const passwordHash = await hashPassword(password!, config.passwordHashCost);
  await dataSource.transaction(async (manager) => {
    const users = manager.getRepository(User);
    const user = await users.save(
      users.create({
        id: randomUUID(),
        username,
        passwordHash,
        fullName: 'Quản trị hệ thống',
        email: null,
        phone: null,
        roles: ['administrator'],
        agencyId: null,
        active: true,
        groups: [],
      }),
    );
    await new AuditService(manager.getRepository(AuditEntry)).record(
      {
        actor: null,
        action: 'user.create',
        entity: 'user',
        entityId: user.id,
        data: { username, roles: ['administrator'], via: 'create-admin' },
      },
      manager,
    );
  });
  return { username: username!, generatedPassword: generated };
}
