import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import type { EntityMetadata, Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.ts';
import { DomainError } from '../common/domain-error.ts';
import { FailureLock, RateLimiter } from '../common/rate-limiter.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { Agency } from '../agencies/agency.entity.ts';
import { entityColumn, entitySelection, preparedSelect } from '../database/prepared-select.ts';
import type { RawRow, Selection, SqlValue } from '../database/prepared-select.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import type { UserRole } from '../users/user.entity.ts';
import { UsersService } from '../users/users.service.ts';
import { AuthSession } from './auth-session.entity.ts';
import type { AuthenticatedUser, RequestAuth } from './current-user.decorator.ts';
import { hashPassword, passwordHashCost, randomSecret, sameSecret, sha256, verifyPassword } from './secrets.ts';

/** Brute-force protection (fixed, documented in the README "Security" notes). */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;
export const LOGIN_LOCK_MS = 15 * 60_000;
/** Failures from one address across all usernames (password spraying). */
export const LOGIN_MAX_FAILURES_PER_IP = 100;
/** Self-registrations from one address per hour. */
export const REGISTRATIONS_PER_IP_PER_HOUR = 50;
/** Bearer tokens made with POST /api/auth/tokens live this many days unless asked for less. */
export const TOKEN_DEFAULT_DAYS = 30;
export const TOKEN_MAX_DAYS = 365;

export interface NewSession {
  session: AuthSession;
  /** The secret for the cookie or the Authorization header; shown once, stored hashed. */
  secret: string;
  /** The CSRF token of a browser session. */
  csrfToken?: string;
}

export interface RegisterInput {
  username: string;
  password: string;
  fullName: string;
  phone: string;
  email: string;
}

const SESSION_COLUMNS = [
  'id',
  'tokenHash',
  'csrfHash',
  'kind',
  'name',
  'userId',
  'createdAt',
  'expiresAt',
  'ip',
] as const satisfies readonly (keyof AuthSession)[];
const USER_COLUMNS = ['username', 'fullName', 'roles', 'agencyId', 'active'] as const satisfies readonly (keyof User)[];

@Injectable()
export class AuthService {
  private readonly loginLock = new FailureLock(LOGIN_MAX_FAILURES, LOGIN_FAILURE_WINDOW_MS, LOGIN_LOCK_MS);
  private readonly ipLock = new FailureLock(LOGIN_MAX_FAILURES_PER_IP, LOGIN_FAILURE_WINDOW_MS, LOGIN_LOCK_MS);
  private readonly registrations = new RateLimiter(REGISTRATIONS_PER_IP_PER_HOUR, 3600_000);
  private dummyHash?: Promise<string>;
  private readonly session: Selection<(typeof SESSION_COLUMNS)[number]>;
  private readonly user: Selection<(typeof USER_COLUMNS)[number]>;
  /** Session, user, agency code and group codes by the secret's hash: the one query of every authenticated request. */
  private readonly principal: (params: SqlValue[]) => Promise<RawRow[]>;

  constructor(
    @Inject(CONFIG) private readonly config: MotcuaConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(AuthSession) private readonly sessions: Repository<AuthSession>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(UsersService) private readonly usersService: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    const escape = (name: string): string => dataSource.driver.escape(name);
    const sessionTable = dataSource.getMetadata(AuthSession);
    const userTable = dataSource.getMetadata(User);
    const agencies = dataSource.getMetadata(Agency);
    const groups = dataSource.getMetadata(Group);
    const memberships = userTable.findRelationWithPropertyPath('groups')!.junctionEntityMetadata!;
    const [member, group] = [memberships.ownerColumns[0], memberships.inverseColumns[0]];
    const name = (metadata: EntityMetadata, property: string): string =>
      escape(entityColumn(metadata, property).databaseName);
    this.session = entitySelection(dataSource, sessionTable, 's', 'session_', SESSION_COLUMNS);
    this.user = entitySelection(dataSource, userTable, 'u', 'user_', USER_COLUMNS);
    // GROUP_CONCAT is SQLite's, MySQL's and MariaDB's; group codes (`<role>@<agency code>`) hold no comma.
    this.principal = preparedSelect(
      dataSource,
      `SELECT ${this.session.sql}, ${this.user.sql}, a.${name(agencies, 'code')} AS ${escape('agencyCode')}, ` +
        `(SELECT GROUP_CONCAT(g.${name(groups, 'code')}) FROM ${escape(memberships.tableName)} m ` +
        `JOIN ${escape(groups.tableName)} g ON g.${name(groups, 'id')} = m.${escape(group.databaseName)} ` +
        `WHERE m.${escape(member.databaseName)} = u.${name(userTable, 'id')}) AS ${escape('groupCodes')} ` +
        `FROM ${escape(sessionTable.tableName)} s JOIN ${escape(userTable.tableName)} u ON u.${name(userTable, 'id')} = s.${name(sessionTable, 'userId')} ` +
        `LEFT JOIN ${escape(agencies.tableName)} a ON a.${name(agencies, 'id')} = u.${name(userTable, 'agencyId')} ` +
        `WHERE s.${name(sessionTable, 'tokenHash')} = ?`,
    );
  }

  /**
   * Checks the password and opens a session: a browser session (cookie + CSRF token) or a bearer
   * token. Wrong username, wrong password and a deactivated account all answer the same 401; after
   * LOGIN_MAX_FAILURES failures for one username from one address, logins are locked (429).
   */
  async login(
    usernameRaw: string,
    password: string,
    kind: 'browser' | 'token',
    ip: string | null,
  ): Promise<{ user: AuthenticatedUser; created: NewSession }> {
    const username = usernameRaw.trim().toLowerCase();
    const key = `${username}|${ip ?? ''}`;
    const lockedFor = Math.max(this.loginLock.lockedFor(key), this.ipLock.lockedFor(ip ?? ''));
    if (lockedFor > 0) {
      throw new DomainError(
        'LOGIN_LOCKED',
        `Đăng nhập sai quá nhiều lần, vui lòng thử lại sau ${Math.ceil(lockedFor / 60)} phút`,
        `Too many failed logins, try again in ${Math.ceil(lockedFor / 60)} minutes`,
        { retryAfterSeconds: lockedFor },
        { 'Retry-After': String(lockedFor) },
      );
    }
    const user = await this.usersService.findByUsername(username);
    // Compare against a dummy hash when there is no such user, so timing does not tell usernames apart.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await this.dummy()));
    if (!user || !user.active || !valid) {
      this.loginLock.fail(key);
      this.ipLock.fail(ip ?? '');
      await this.audit.record({
        actor: null,
        action: 'auth.login_failed',
        entity: 'user',
        entityId: user?.id ?? null,
        data: { username, reason: !user ? 'unknown-user' : !user.active ? 'inactive' : 'wrong-password' },
        ip,
      });
      throw new DomainError(
        'INVALID_CREDENTIALS',
        'Tên đăng nhập hoặc mật khẩu không đúng',
        'Wrong username or password',
      );
    }
    this.loginLock.succeed(key);
    if (passwordHashCost(user.passwordHash) < this.config.passwordHashCost) {
      await this.users.update(user.id, { passwordHash: await hashPassword(password, this.config.passwordHashCost) });
    }
    const created = await this.dataSource.transaction(async (manager) => {
      const newSession = await this.createSession(user.id, kind, ip, null, this.ttlMs(), manager);
      await this.audit.record(
        {
          actor: user,
          action: 'auth.login',
          entity: 'session',
          entityId: newSession.session.id,
          data: { kind },
          ip,
        },
        manager,
      );
      return newSession;
    });
    return { user: await this.usersService.toAuthenticated(user), created };
  }

  /** A named bearer token for a logged-in user (scripted clients). */
  async createToken(user: AuthenticatedUser, name: string, days: number, ip: string | null): Promise<NewSession> {
    return this.dataSource.transaction(async (manager) => {
      const created = await this.createSession(user.id, 'token', ip, name, days * 24 * 3600_000, manager);
      await this.audit.record(
        {
          actor: user,
          action: 'auth.token_create',
          entity: 'session',
          entityId: created.session.id,
          data: { name, days },
          ip,
        },
        manager,
      );
      return created;
    });
  }

  async listTokens(userId: string): Promise<AuthSession[]> {
    return this.sessions.find({ where: { userId, kind: 'token' }, order: { createdAt: 'DESC' } });
  }

  async revokeToken(user: AuthenticatedUser, tokenId: string, ip: string | null): Promise<void> {
    const token = await this.sessions.findOne({ where: { id: tokenId, userId: user.id, kind: 'token' } });
    if (!token) throw DomainError.notFound('mã truy cập', 'token', tokenId);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AuthSession).delete({ id: token.id });
      await this.audit.record(
        {
          actor: user,
          action: 'auth.token_revoke',
          entity: 'session',
          entityId: token.id,
          data: { name: token.name },
          ip,
        },
        manager,
      );
    });
  }

  /** Ends the session or token the request came with. */
  async logout(user: AuthenticatedUser, auth: RequestAuth, ip: string | null): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AuthSession).delete({ id: auth.sessionId });
      await this.audit.record(
        {
          actor: user,
          action: 'auth.logout',
          entity: 'session',
          entityId: auth.sessionId,
          data: { kind: auth.kind },
          ip,
        },
        manager,
      );
    });
  }

  /**
   * Resolves a session cookie or bearer token to its user; null when unknown, expired or the user is
   * deactivated. Expired rows are deleted when met.
   */
  async authenticate(
    secret: string,
    kind: 'browser' | 'token',
  ): Promise<{ user: AuthenticatedUser; session: AuthSession } | null> {
    if (!secret || secret.length > 200) return null;
    const [row] = await this.principal([sha256(secret)]);
    if (!row) return null;
    const session = Object.assign(new AuthSession(), this.session.hydrate(row));
    if (session.kind !== kind) return null;
    if (session.expiresAt.getTime() <= Date.now()) {
      await this.sessions.delete({ id: session.id });
      return null;
    }
    const user = this.user.hydrate(row);
    if (!user.active) return null;
    const groupCodes = typeof row.groupCodes === 'string' && row.groupCodes !== '' ? row.groupCodes.split(',') : [];
    return {
      session,
      user: {
        id: session.userId,
        username: user.username as string,
        fullName: user.fullName as string,
        roles: [...(user.roles as UserRole[])],
        agencyId: user.agencyId as string | null,
        agencyCode: (row.agencyCode as string | null) ?? null,
        groupCodes: groupCodes.sort(),
      },
    };
  }

  /** The X-CSRF-Token header must be the token issued with this browser session. */
  csrfMatches(session: AuthSession, header: string | undefined): boolean {
    return Boolean(header && session.csrfHash && header.length <= 200 && sameSecret(header, session.csrfHash));
  }

  /** A citizen creates their own account (role citizen, no agency, no groups). */
  async register(input: RegisterInput, ip: string | null): Promise<AuthenticatedUser> {
    const limit = this.registrations.hit(ip ?? '');
    if (!limit.allowed) {
      throw new DomainError(
        'RATE_LIMITED',
        'Quá nhiều lượt đăng ký từ địa chỉ này, vui lòng thử lại sau',
        'Too many registrations from this address, try again later',
        { retryAfterSeconds: limit.retryAfterSeconds },
        { 'Retry-After': String(limit.retryAfterSeconds) },
      );
    }
    if (await this.usersService.findByUsername(input.username)) throw usernameTaken(input.username);
    const passwordHash = await hashPassword(input.password, this.config.passwordHashCost);
    const user = await this.dataSource
      .transaction(async (manager) => {
        const repository = manager.getRepository(User);
        const created = await repository.save(
          repository.create({
            id: randomUUID(),
            username: input.username,
            passwordHash,
            fullName: input.fullName,
            phone: input.phone,
            email: input.email,
            roles: ['citizen'],
            agencyId: null,
            active: true,
            groups: [],
          }),
        );
        await this.audit.record(
          {
            actor: { id: created.id, username: created.username },
            action: 'user.register',
            entity: 'user',
            entityId: created.id,
            data: {
              username: created.username,
              fullName: created.fullName,
              phone: created.phone,
              email: created.email,
            },
            ip,
          },
          manager,
        );
        return created;
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw usernameTaken(input.username);
        throw error;
      });
    return this.usersService.toAuthenticated(user);
  }

  /** A logged-in user changes their own password; every other session of theirs ends. */
  async changePassword(
    user: AuthenticatedUser,
    auth: RequestAuth,
    currentPassword: string,
    newPassword: string,
    ip: string | null,
  ): Promise<void> {
    const stored = await this.users.findOne({ where: { id: user.id } });
    if (!stored || !(await verifyPassword(currentPassword, stored.passwordHash))) {
      throw DomainError.validation([
        { field: 'currentPassword', message: 'Mật khẩu hiện tại không đúng / The current password is wrong' },
      ]);
    }
    const passwordHash = await hashPassword(newPassword, this.config.passwordHashCost);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update(user.id, { passwordHash });
      await manager
        .getRepository(AuthSession)
        .createQueryBuilder()
        .delete()
        .where('userId = :userId AND id <> :current', { userId: user.id, current: auth.sessionId })
        .execute();
      await this.audit.record(
        { actor: user, action: 'user.password_change', entity: 'user', entityId: user.id, data: {}, ip },
        manager,
      );
    });
  }

  /** Deletes expired sessions and tokens (called at start and now and then). */
  async purgeExpired(): Promise<number> {
    const result = await this.sessions.delete({ expiresAt: LessThan(new Date()) });
    return result.affected ?? 0;
  }

  get sessionTtlMs(): number {
    return this.ttlMs();
  }

  private ttlMs(): number {
    return this.config.sessionTtlHours * 3600_000;
  }

  private async createSession(
    userId: string,
    kind: 'browser' | 'token',
    ip: string | null,
    name: string | null,
    ttlMs: number,
    manager: DataSource['manager'],
  ): Promise<NewSession> {
    const secret = randomSecret(kind === 'token' ? 'mct_' : '');
    const csrfToken = kind === 'browser' ? randomSecret() : undefined;
    const now = new Date();
    const repository = manager.getRepository(AuthSession);
    const session = await repository.save(
      repository.create({
        id: randomUUID(),
        tokenHash: sha256(secret),
        csrfHash: csrfToken ? sha256(csrfToken) : null,
        kind,
        name,
        userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        ip,
      }),
    );
    return { session, secret, csrfToken };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomSecret(), this.config.passwordHashCost);
    return this.dummyHash;
  }
}

function usernameTaken(username: string): DomainError {
  return new DomainError(
    'USERNAME_TAKEN',
    `Tên đăng nhập '${username}' đã được sử dụng`,
    `The username '${username}' is taken`,
    { errors: [{ field: 'username', message: 'Đã được sử dụng / Already taken' }] },
  );
}

/** A unique-constraint violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string } | null;
  const code = e?.driverError?.code ?? e?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|Duplicate entry/.test(e?.message ?? '')
  );
}
