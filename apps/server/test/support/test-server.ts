import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config.ts';
import type { MotcuaConfig } from '../../src/config/config.ts';
import { DEMO_PASSWORD } from '../../src/seed/demo-data.ts';
import { startServer } from '../../src/server.ts';
import type { RunningServer } from '../../src/server.ts';

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface TestResponse<T = Json> {
  status: number;
  /** Parsed JSON, text for text/*, a Buffer otherwise (PDFs, files). */
  body: T;
  headers: Headers;
}

export interface TestRequestOptions {
  /** Bearer token (from login). */
  token?: string;
  /** A JSON value, or FormData / Buffer / string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestServer {
  baseUrl: string;
  server: RunningServer;
  dataDir: string;
  config: MotcuaConfig;
  /** Logs in as a (demo) user and returns a bearer token; the demo password by default. */
  login(username: string, password?: string): Promise<string>;
  request<T = Json>(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

/** One entry per database the suites run against: SQLite always, MySQL/MariaDB with MOTCUA_TEST_MYSQL_URL. */
export function testServerDatabases(): { name: string; env: Record<string, string> }[] {
  const databases = [{ name: 'SQLite', env: {} as Record<string, string> }];
  const mysql = process.env.MOTCUA_TEST_MYSQL_URL;
  if (mysql) databases.push({ name: 'MySQL/MariaDB', env: { DATABASE_URL: mysql } });
  return databases;
}

/**
 * Starts the real server (every role, embedded engine, seeded demo users) on free ports and a fresh
 * temporary data dir. `env` adds or overrides variables — `DATABASE_URL` runs it on MySQL/MariaDB, whose
 * tables are dropped before the start and after close (the database is shared by the suites).
 * Passwords are hashed at bcrypt cost 4 here (MOTCUA_TEST_PASSWORD_HASH_COST) to keep suites fast.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-test-'));
  const config = loadConfig({
    MOTCUA_DATA_DIR: dataDir,
    MOTCUA_HTTP_PORT: '0',
    MOTCUA_ENGINE_PORT: '0',
    MOTCUA_TEST_PASSWORD_HASH_COST: '4',
    ...env,
  });
  if (config.database.type === 'mysql') await dropAllTables(config.database.url);
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${server.httpPort}`;

  const request = async <T = Json>(
    method: string,
    path: string,
    options: TestRequestOptions = {},
  ): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: RequestInit['body'];
    if (options.body instanceof FormData || typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
      body = options.body as RequestInit['body'];
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const type = response.headers.get('content-type') ?? '';
    const buffer = Buffer.from(await response.arrayBuffer());
    let parsed: unknown = buffer;
    if (type.includes('json')) parsed = buffer.length ? JSON.parse(buffer.toString('utf8')) : undefined;
    else if (type.startsWith('text/')) parsed = buffer.toString('utf8');
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  return {
    baseUrl,
    server,
    dataDir,
    config,
    request,
    async login(username: string, password: string = DEMO_PASSWORD): Promise<string> {
      const response = await request('POST', '/api/auth/login', { body: { username, password, token: true } });
      if (response.status !== 200) {
        throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body.token as string;
    },
    async close(): Promise<void> {
      await server.close();
      if (config.database.type === 'mysql') await dropAllTables(config.database.url);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Empties a shared MySQL/MariaDB test database (every table, whatever its migration left). */
export async function dropAllTables(url: string): Promise<void> {
  const dataSource = new DataSource({ type: 'mysql', url });
  await dataSource.initialize();
  // One connection: FOREIGN_KEY_CHECKS is a session setting.
  const runner = dataSource.createQueryRunner();
  try {
    const tables: { name: string }[] = await runner.query(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    await runner.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const { name } of tables) await runner.query(`DROP TABLE IF EXISTS \`${name}\``);
    await runner.query('SET FOREIGN_KEY_CHECKS = 1');
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
