import { resolve } from 'node:path';
import { DEFAULT_DOSSIER_CODE_PATTERN, parseDossierCodePattern } from '../dossiers/dossier-code-pattern.ts';
import type { DossierCodePattern } from '../dossiers/dossier-code-pattern.ts';

/**
 * The one place motcua reads its environment. Every variable is validated at boot; a bad value
 * stops the start with a message naming the variable, what was given and what is expected.
 * Defaults make `npm start` work on a fresh machine.
 */

export const ROLES = ['engine', 'api', 'workers'] as const;
export type Role = (typeof ROLES)[number];

export interface MotcuaConfig {
  roles: ReadonlySet<Role>;
  dataDir: string;
  http: { host: string; port: number };
  engine: { host: string; port: number };
  /** Where api and workers find Zeebe: the embedded engine when that role runs here, else ZEEBE_GRPC_ADDRESS. */
  zeebe: { address: string; embedded: boolean };
  database: { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };
  smtp: { url?: string; from: string };
  tracking: { ratePerMinute: number };
  uploads: { maxBytes: number };
  /** Where dossier files live: `<data dir>/files` (embedded default), or an S3-compatible bucket. */
  files: FilesConfig;
  signing: { keyPath?: string; certPath?: string; chainPaths: string[] };
  sessionTtlHours: number;
  publicBaseUrl: string;
  /** bcrypt cost of new password hashes: 12; only tests lower it (MOTCUA_TEST_PASSWORD_HASH_COST). */
  passwordHashCost: number;
  /** Seed the demo province, agencies and users (README "Demo users") into an empty users table. */
  demoSeed: boolean;
  /** Express 'trust proxy': which reverse proxies' X-Forwarded-For/-Proto to believe (false: none). */
  trustProxy: boolean | number | string;
  /** The user-task bridge: how long it holds a user-task job, how often it keeps jobs alive, how often it backfills. */
  tasks: { jobTimeoutMs: number; keepAliveMs: number; backfillMs: number };
  /** The motcua.* job workers: how long a worker holds an activated job before Zeebe may hand it out again. */
  workers: { jobTimeoutMs: number };
  /** How motcua.intake writes dossier codes (DOMAIN.md "Dossier code": keep the pattern configurable). */
  dossierCodePattern: DossierCodePattern;
}

/** Dossier files on the local filesystem, under `root`. */
export interface FilesystemFilesConfig {
  type: 'filesystem';
  root: string;
}

/**
 * Dossier files in an S3-compatible bucket. `credentials` absent = the AWS SDK's default chain (AWS_* variables,
 * web identity, instance role); its `secretAccessKey` is not enumerable, so logging or serialising the config does not
 * show it.
 */
export interface S3FilesConfig {
  type: 's3';
  endpoint: string;
  bucket: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export type FilesConfig = FilesystemFilesConfig | S3FilesConfig;

/** One documented variable: its name, default and what it means (the README table is checked against this list). */
export interface VariableSpec {
  name: string;
  default: string;
  description: string;
}

export const VARIABLES: readonly VariableSpec[] = [
  {
    name: 'MOTCUA_ROLES',
    default: 'engine,api,workers',
    description: 'roles this process runs (engine, api, workers)',
  },
  { name: 'MOTCUA_DATA_DIR', default: './data', description: 'SQLite file, engine journal, files, keys, e-mails' },
  { name: 'MOTCUA_HTTP_HOST', default: '127.0.0.1', description: 'HTTP listen address of the api role' },
  { name: 'MOTCUA_HTTP_PORT', default: '3000', description: 'HTTP port of the api role (0 = any free port)' },
  { name: 'MOTCUA_ENGINE_HOST', default: '127.0.0.1', description: 'listen address of the embedded engine gateway' },
  { name: 'MOTCUA_ENGINE_PORT', default: '26500', description: 'gRPC port of the embedded engine (0 = any free port)' },
  {
    name: 'ZEEBE_GRPC_ADDRESS',
    default: 'grpc://127.0.0.1:26500',
    description:
      'Zeebe gateway used by api and workers when the engine role is off (with the CAMUNDA_* client variables)',
  },
  {
    name: 'DATABASE_URL',
    default: '(SQLite under the data dir)',
    description: 'mysql://user:pass@host:3306/db for MySQL 8 / MariaDB',
  },
  {
    name: 'MOTCUA_SMTP_URL',
    default: '(unset: e-mails kept as .eml under the data dir)',
    description: 'smtp://user:pass@host:587',
  },
  {
    name: 'MOTCUA_MAIL_FROM',
    default: 'motcua <no-reply@motcua.local>',
    description: 'sender of notification e-mails',
  },
  {
    name: 'MOTCUA_TRACKING_RATE_PER_MINUTE',
    default: '20',
    description: 'dossier tracking lookups allowed per client address per minute',
  },
  { name: 'MOTCUA_UPLOAD_MAX_BYTES', default: '10485760', description: 'largest accepted attachment (bytes)' },
  {
    name: 'MOTCUA_FILES_S3_ENDPOINT',
    default: '(unset: files under the data dir)',
    description: 'http(s)://host:port of an S3-compatible store for dossier files (attachments, signed results)',
  },
  {
    name: 'MOTCUA_FILES_S3_BUCKET',
    default: 'motcua-files',
    description: 'bucket of the dossier files (private; it must exist)',
  },
  { name: 'MOTCUA_FILES_S3_REGION', default: 'us-east-1', description: 'region of the S3 endpoint' },
  {
    name: 'MOTCUA_FILES_S3_ACCESS_KEY_ID',
    default: '(unset: the AWS SDK default credential chain)',
    description: 'access key of the files store (with MOTCUA_FILES_S3_SECRET_ACCESS_KEY)',
  },
  {
    name: 'MOTCUA_FILES_S3_SECRET_ACCESS_KEY',
    default: '(unset)',
    description: 'secret key matching MOTCUA_FILES_S3_ACCESS_KEY_ID (a secret: never logged)',
  },
  {
    name: 'MOTCUA_FILES_S3_FORCE_PATH_STYLE',
    default: 'true',
    description: 'address the bucket as host/bucket (MinIO and most self-hosted stores); false = bucket.host',
  },
  {
    name: 'MOTCUA_SIGNING_KEY',
    default: '(unset: a local test CA and keys under the data dir)',
    description: 'PEM private key of the organisation',
  },
  { name: 'MOTCUA_SIGNING_CERT', default: '(unset)', description: 'PEM certificate matching MOTCUA_SIGNING_KEY' },
  { name: 'MOTCUA_SIGNING_CHAIN', default: '(unset)', description: 'comma-separated PEM files of the issuing chain' },
  { name: 'MOTCUA_SESSION_TTL_HOURS', default: '12', description: 'lifetime of a browser session' },
  {
    name: 'MOTCUA_TRUST_PROXY',
    default: 'false',
    description: 'reverse proxies believed for the client address and https: true, a hop count, or addresses/subnets',
  },
  {
    name: 'MOTCUA_DEMO_SEED',
    default: 'true',
    description:
      'seed the demo agencies and users (README "Demo users") when the users table is empty; false in production',
  },
  {
    name: 'MOTCUA_TASK_JOB_TIMEOUT_MS',
    default: '600000',
    description: 'how long the user-task bridge holds a user-task job before Zeebe may hand it out again',
  },
  {
    name: 'MOTCUA_TASK_KEEPALIVE_MS',
    default: '60000',
    description: "how often the bridge extends open tasks' jobs, closes cancelled steps and retries completions",
  },
  {
    name: 'MOTCUA_TASK_BACKFILL_MS',
    default: '30000',
    description: 'how often the bridge polls for user-task jobs besides the job stream',
  },
  {
    name: 'MOTCUA_WORKER_JOB_TIMEOUT_MS',
    default: '60000',
    description: 'how long a motcua.* job worker holds a job before Zeebe may hand it out again, e.g. after a kill -9',
  },
  {
    name: 'MOTCUA_DOSSIER_CODE_PATTERN',
    default: '{agency}-{YYMMDD}-{NNNN}',
    description: 'dossier codes: {agency}, a day ({YYMMDD}, {YYYYMMDD} or {YYYY}/{YY} {MM} {DD}), the daily {NNNN}',
  },
  {
    name: 'MOTCUA_PUBLIC_BASE_URL',
    default: 'http://127.0.0.1:3000',
    description: 'public address used in e-mails and QR codes',
  },
];

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}='${raw}' is not valid: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name}='${raw}' is not valid: expected true or false`);
}

/** MOTCUA_TRUST_PROXY as Express takes it: false, true, a hop count, or a list of addresses, subnets and names. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const parts = raw.split(',').map((part) => part.trim());
  const valid = parts.every(
    (part) => /^(loopback|linklocal|uniquelocal)$/.test(part) || /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part),
  );
  if (!valid) {
    throw new ConfigError(
      `MOTCUA_TRUST_PROXY='${raw}' is not valid: expected true, false, a hop count, or comma-separated addresses/subnets (or loopback, linklocal, uniquelocal)`,
    );
  }
  return parts.join(',');
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL (expected ${protocols.map((p) => `${p}//...`).join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got '${parsed.protocol}//'`,
    );
  }
  return raw;
}

const S3_VARIABLES = [
  'MOTCUA_FILES_S3_BUCKET',
  'MOTCUA_FILES_S3_REGION',
  'MOTCUA_FILES_S3_ACCESS_KEY_ID',
  'MOTCUA_FILES_S3_SECRET_ACCESS_KEY',
  'MOTCUA_FILES_S3_FORCE_PATH_STYLE',
];

/** The MOTCUA_FILES_S3_* settings: the filesystem under the data dir unless an endpoint is given. No message quotes a key. */
function files(env: Env, dataDir: string): FilesConfig {
  const endpointText = url(env, 'MOTCUA_FILES_S3_ENDPOINT', ['http:', 'https:']);
  if (endpointText === undefined) {
    const stray = S3_VARIABLES.filter((name) => env[name]);
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} set without MOTCUA_FILES_S3_ENDPOINT: set the endpoint to keep files in S3, or unset them to keep files under the data dir`,
      );
    }
    return { type: 'filesystem', root: resolve(dataDir, 'files') };
  }
  const endpoint = new URL(endpointText);
  if (endpoint.username || endpoint.password) {
    throw new ConfigError(
      'MOTCUA_FILES_S3_ENDPOINT must not carry credentials: use MOTCUA_FILES_S3_ACCESS_KEY_ID and MOTCUA_FILES_S3_SECRET_ACCESS_KEY',
    );
  }
  if (endpoint.pathname !== '/' || endpoint.search || endpoint.hash) {
    throw new ConfigError(
      `MOTCUA_FILES_S3_ENDPOINT='${endpointText}' is not valid: expected http(s)://host[:port] only (the bucket goes in MOTCUA_FILES_S3_BUCKET)`,
    );
  }
  const bucket = env.MOTCUA_FILES_S3_BUCKET || 'motcua-files';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(
      `MOTCUA_FILES_S3_BUCKET='${bucket}' is not valid: expected 3 to 63 lower-case letters, digits, dots and hyphens`,
    );
  }
  const region = env.MOTCUA_FILES_S3_REGION || 'us-east-1';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(region)) {
    throw new ConfigError(`MOTCUA_FILES_S3_REGION='${region}' is not valid: expected a region name such as us-east-1`);
  }
  const accessKeyId = env.MOTCUA_FILES_S3_ACCESS_KEY_ID ?? '';
  const secretAccessKey = env.MOTCUA_FILES_S3_SECRET_ACCESS_KEY ?? '';
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError(
      'MOTCUA_FILES_S3_ACCESS_KEY_ID and MOTCUA_FILES_S3_SECRET_ACCESS_KEY must be set together (or neither, for the AWS SDK default credential chain)',
    );
  }
  let credentials: S3FilesConfig['credentials'];
  if (accessKeyId) {
    credentials = { accessKeyId } as NonNullable<S3FilesConfig['credentials']>;
    Object.defineProperty(credentials, 'secretAccessKey', { value: secretAccessKey, enumerable: false });
  }
  return {
    type: 's3',
    endpoint: endpoint.origin,
    bucket,
    region,
    forcePathStyle: boolean(env, 'MOTCUA_FILES_S3_FORCE_PATH_STYLE', true),
    ...(credentials ? { credentials } : {}),
  };
}

/** Reads and validates the environment; throws ConfigError listing the first problem found. */
export function loadConfig(env: Env = process.env): MotcuaConfig {
  const known = new Set(VARIABLES.map((variable) => variable.name));
  for (const name of Object.keys(env)) {
    if (name.startsWith('MOTCUA_') && !known.has(name) && !name.startsWith('MOTCUA_TEST_')) {
      throw new ConfigError(
        `${name} is not a motcua setting (known: ${[...known].filter((n) => n.startsWith('MOTCUA_')).join(', ')})`,
      );
    }
  }
  const rolesText = env.MOTCUA_ROLES ?? 'engine,api,workers';
  const roleNames = rolesText
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (roleNames.length === 0) throw new ConfigError(`MOTCUA_ROLES is empty: expected some of ${ROLES.join(', ')}`);
  for (const role of roleNames) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`MOTCUA_ROLES contains '${role}': expected a comma-separated list of ${ROLES.join(', ')}`);
    }
  }
  const roles = new Set(roleNames as Role[]);
  const dataDir = resolve(env.MOTCUA_DATA_DIR || './data');
  const engine = {
    host: env.MOTCUA_ENGINE_HOST || '127.0.0.1',
    port: integer(env, 'MOTCUA_ENGINE_PORT', 26500, 0, 65535),
  };
  const zeebeAddress = url(env, 'ZEEBE_GRPC_ADDRESS', ['grpc:', 'grpcs:']) ?? 'grpc://127.0.0.1:26500';
  const databaseUrl = url(env, 'DATABASE_URL', ['mysql:', 'mariadb:']);
  const chain = (env.MOTCUA_SIGNING_CHAIN ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  if (Boolean(env.MOTCUA_SIGNING_KEY) !== Boolean(env.MOTCUA_SIGNING_CERT)) {
    throw new ConfigError(
      'MOTCUA_SIGNING_KEY and MOTCUA_SIGNING_CERT must be set together (or neither, for the local test CA)',
    );
  }
  const tasks = {
    jobTimeoutMs: integer(env, 'MOTCUA_TASK_JOB_TIMEOUT_MS', 600_000, 1_000, 7 * 24 * 3_600_000),
    keepAliveMs: integer(env, 'MOTCUA_TASK_KEEPALIVE_MS', 60_000, 50, 24 * 3_600_000),
    backfillMs: integer(env, 'MOTCUA_TASK_BACKFILL_MS', 30_000, 100, 24 * 3_600_000),
  };
  if (tasks.keepAliveMs * 2 > tasks.jobTimeoutMs) {
    throw new ConfigError(
      `MOTCUA_TASK_KEEPALIVE_MS=${tasks.keepAliveMs} must be at most half of MOTCUA_TASK_JOB_TIMEOUT_MS=${tasks.jobTimeoutMs}, so jobs are extended before they time out`,
    );
  }
  const workers = { jobTimeoutMs: integer(env, 'MOTCUA_WORKER_JOB_TIMEOUT_MS', 60_000, 1_000, 24 * 3_600_000) };
  const http = { host: env.MOTCUA_HTTP_HOST || '127.0.0.1', port: integer(env, 'MOTCUA_HTTP_PORT', 3000, 0, 65535) };
  const codePattern = parseDossierCodePattern(env.MOTCUA_DOSSIER_CODE_PATTERN || DEFAULT_DOSSIER_CODE_PATTERN);
  if ('problems' in codePattern) {
    throw new ConfigError(
      `MOTCUA_DOSSIER_CODE_PATTERN='${env.MOTCUA_DOSSIER_CODE_PATTERN}' is not valid: ${codePattern.problems.join('; ')}`,
    );
  }
  return {
    roles,
    dataDir,
    http,
    engine,
    zeebe: { address: zeebeAddress, embedded: roles.has('engine') },
    database: databaseUrl
      ? { type: 'mysql', url: databaseUrl.replace(/^mariadb:/, 'mysql:') }
      : { type: 'sqlite', path: resolve(dataDir, 'motcua.sqlite') },
    smtp: {
      url: url(env, 'MOTCUA_SMTP_URL', ['smtp:', 'smtps:']),
      from: env.MOTCUA_MAIL_FROM || 'motcua <no-reply@motcua.local>',
    },
    tracking: { ratePerMinute: integer(env, 'MOTCUA_TRACKING_RATE_PER_MINUTE', 20, 1, 10_000_000) },
    uploads: { maxBytes: integer(env, 'MOTCUA_UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024) },
    files: files(env, dataDir),
    signing: {
      keyPath: env.MOTCUA_SIGNING_KEY ? resolve(env.MOTCUA_SIGNING_KEY) : undefined,
      certPath: env.MOTCUA_SIGNING_CERT ? resolve(env.MOTCUA_SIGNING_CERT) : undefined,
      chainPaths: chain.map((path) => resolve(path)),
    },
    sessionTtlHours: integer(env, 'MOTCUA_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    // A test-only setting: bcrypt at cost 12 takes ~0.3 s per hash in pure JS, too slow for suites that log in often.
    passwordHashCost: integer(env, 'MOTCUA_TEST_PASSWORD_HASH_COST', 12, 4, 15),
    demoSeed: boolean(env, 'MOTCUA_DEMO_SEED', true),
    trustProxy: trustProxy(env.MOTCUA_TRUST_PROXY),
    publicBaseUrl: env.MOTCUA_PUBLIC_BASE_URL || `http://${http.host}:${http.port || 3000}`,
    tasks,
    workers,
    dossierCodePattern: codePattern.pattern,
  };
}
