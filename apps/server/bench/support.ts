// Shared pieces of the server benchmark: child processes (the server, the drivers, the load generator), flags,
// percentiles, /proc readings. Every process the benchmark starts is tracked here and killed at the end.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, stopChild, tail } from '@motcua/bench-support';

export { cpuSeconds, numberFlag, parseFlags, percentile, round, stopChild, tail } from '@motcua/bench-support';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** How the benchmark's own TypeScript children (drivers, the standalone engine) run. */
export const NODE_ARGS = ['--import', '@swc-node/register/esm-register'];

/**
 * The node command `npm start` runs after its prestart build (`node scripts/build.js`), read from package.json so that
 * the benchmark runs exactly that: `node <flags> apps/server/dist/main.js`, the compiled server.
 */
export function npmStartCommand(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = scripts.start.replace(/^exec\s+/, '').split(/\s+/);
  if (words[0] !== 'node' || !words.some((word) => word.endsWith('.js')))
    throw new Error(`unexpected npm start script: ${scripts.start}`);
  return words.slice(1);
}

const NPM_START = npmStartCommand();
/** The compiled server entry point `npm start` runs; `buildServer()` brings it up to date. */
export const SERVER_MAIN = NPM_START[NPM_START.length - 1];
const COMPILED_NODE_ARGS = NPM_START.slice(0, -1);

/** Compiles the server as `npm start`'s prestart does (incremental), so SERVER_MAIN is the current code. */
export function buildServer(): void {
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
/** What a measuring child prints on stdout, once, followed by its JSON result. */
export const RESULT_PREFIX = 'BENCH_RESULT ';
export const DEMO_PASSWORD = 'motcua-demo-2025';
export const KINH_BAC = '000.00.12.H10';
export const HOUSEHOLD_BUSINESS = '1.001612';

export const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- child processes ------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const cleanups = new Set<() => void | Promise<void>>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Something to undo at the end (temp dir, bench database), even when the run fails. */
export function onCleanup(cleanup: () => void | Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

export function removeDirLater(dir: string): () => void {
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const forget = onCleanup(remove);
  return () => {
    remove();
    forget();
  };
}

export function spawnNode(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return track(
    spawn(process.execPath, [...(script.endsWith('.ts') ? NODE_ARGS : COMPILED_NODE_ARGS), script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    }),
  );
}

export async function cleanupAll(): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${(error as Error).message}`);
    }
  }
  cleanups.clear();
}

/** Runs a measuring child to its end and returns its BENCH_RESULT (its stderr goes through to ours). */
export async function runMeasurer(
  script: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
  /** Called with each complete stdout line as it arrives (e.g. a driver's `BENCH_MARK …` lines), result line included. */
  onLine?: (line: string) => void,
): Promise<Record<string, unknown>> {
  const child = spawnNode(script, args, { env });
  const stderr = tail(child);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let out = '';
  let seen = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (!onLine) return;
    for (let end = out.indexOf('\n', seen); end !== -1; end = out.indexOf('\n', seen)) {
      onLine(out.slice(seen, end));
      seen = end + 1;
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error(`${script} ended (${code}) without a result:\n${stderr()}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
}

// ---- /proc ----------------------------------------------------------------------------------------------------

/** VmRSS of a process in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The process ids below `pid` (children, grandchildren…), from /proc. */
export function descendants(pid: number): { pid: number; command: string }[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: { pid: number; command: string }[] = [];
  const walk = (parent: number): void => {
    for (const child of parents.get(parent) ?? []) {
      let command = '';
      try {
        command = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        // gone
      }
      found.push({ pid: child, command });
      walk(child);
    }
  };
  walk(pid);
  return found;
}

// ---- the server under test ------------------------------------------------------------------------------------

const API_READY = /motcua api listening on http:\/\/127\.0\.0\.1:(\d+)/;

export interface ServerUnderTest {
  child: ChildProcess;
  baseUrl: string;
  /** Milliseconds from spawn to the first `GET /api/health` = 200. */
  readyMs: number;
  /** CPU seconds the node process had used when it was ready (independent of other processes' load, unlike readyMs). */
  readyCpuSeconds?: number;
  /** The node process running the server (the child itself, or npm's descendant for `npm start`). */
  nodePid: number;
  stderr: () => string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** The environment of a benchmarked server: every role, free ports, only 127.0.0.1, the given data dir. */
export function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // The parent's environment minus any motcua or database setting of the shell this runs from.
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('MOTCUA_') || name === 'DATABASE_URL' || name.startsWith('ZEEBE_') || name.startsWith('npm_'))
      continue;
    env[name] = value;
  }
  return {
    ...env,
    MOTCUA_DATA_DIR: dataDir,
    MOTCUA_HTTP_HOST: '127.0.0.1',
    MOTCUA_HTTP_PORT: '0',
    MOTCUA_ENGINE_HOST: '127.0.0.1',
    MOTCUA_ENGINE_PORT: '0',
    IBM_TELEMETRY_DISABLED: 'true',
    ...extra,
  };
}

/**
 * Waits until a starting server prints its api address and `GET /api/health` answers 200 there (bounded by
 * `timeoutMs` from `started`); fails as soon as the process exits.
 */
export async function awaitHealthy(
  child: ChildProcess,
  stderr: () => string,
  started: number,
  timeoutMs: number,
): Promise<{ baseUrl: string; readyMs: number }> {
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the server did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = API_READY.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${signal ?? code}) before listening:\n${stderr()}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    const status = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.body?.cancel().then(() => response.status) ?? response.status,
      () => 0,
    );
    if (status === 200) break;
    if (child.exitCode !== null) throw new Error(`the server exited before it was healthy:\n${stderr()}`);
    if (performance.now() > started + timeoutMs)
      throw new Error(`GET /api/health did not answer 200 within ${timeoutMs} ms`);
    await sleep(20);
  }
  return { baseUrl, readyMs: performance.now() - started };
}

/** Starts the server as a child process and waits until `GET /api/health` answers 200 (bounded). */
export async function startServer(options: ServerOptions): Promise<ServerUnderTest> {
  const env = serverEnv(options.dataDir, options.env);
  const started = performance.now();
  const child = spawnNode(SERVER_MAIN, [], { env });
  const stderr = tail(child, 8000);
  const stop = (): Promise<void> => stopChild(child, 15_000);
  try {
    const { baseUrl, readyMs } = await awaitHealthy(child, stderr, started, options.timeoutMs ?? 120_000);
    const nodePid = child.pid;
    if (!nodePid) throw new Error('could not find the node process of the server');
    return { child, baseUrl, readyMs, readyCpuSeconds: cpuSeconds(nodePid), nodePid, stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---- processes of a split server (roles in separate processes) -------------------------------------------------

/** What a server process without the api role (or the standalone engine) prints once it runs. */
export const ENGINE_LISTENING = /motcua engine listening on [\d.]+:(\d+)/;
export const SERVER_READY = /motcua ready: roles ([\w, ]+)/;

export interface StartedProcess {
  child: ChildProcess;
  pid: number;
  /** One match per pattern asked for, in the same order. */
  matches: RegExpExecArray[];
  /** Milliseconds from spawn until every pattern had appeared. */
  readyMs: number;
  stderr: () => string;
  stop(): Promise<void>;
}

/**
 * Starts `node <script> <args>` (through @swc-node/register, like the server of `startServer`) and waits, bounded,
 * until every pattern has appeared in its stdout + stderr — for a process without HTTP, e.g. `MOTCUA_ROLES=workers`
 * (SERVER_READY) or the standalone engine (ENGINE_LISTENING). Stopped by SIGTERM, then SIGKILL after 15 s.
 */
export async function startProcess(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  patterns: RegExp[],
  timeoutMs = 120_000,
): Promise<StartedProcess> {
  const started = performance.now();
  const child = spawnNode(script, args, { env });
  const stderr = tail(child, 8000);
  const stop = (): Promise<void> => stopChild(child, 15_000);
  try {
    const matches = await new Promise<RegExpExecArray[]>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(
        () => reject(new Error(`${script} did not print ${patterns.join(' and ')} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const look = (chunk: Buffer): void => {
        text += chunk.toString();
        const found = patterns.map((pattern) => pattern.exec(text));
        if (found.every((match) => match !== null)) {
          clearTimeout(timer);
          // Stop collecting (the output keeps being drained: the streams stay flowing).
          child.stdout?.off('data', look);
          child.stderr?.off('data', look);
          resolve(found as RegExpExecArray[]);
        }
      };
      child.stdout?.on('data', look);
      child.stderr?.on('data', look);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited (${signal ?? code}) before it was ready:\n${stderr()}`));
      });
    });
    if (!child.pid) throw new Error(`${script} has no process id`);
    return { child, pid: child.pid, matches, readyMs: performance.now() - started, stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Process ids whose program name (/proc/<pid>/comm) is one of `names`, e.g. the MariaDB server's. */
export function pidsNamed(...names: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// ---- HTTP helpers for drivers ---------------------------------------------------------------------------------

// Response bodies are whatever JSON the endpoint returns.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function request(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await request(baseUrl, 'POST', '/api/auth/login', undefined, { username, password, token: true });
  if (response.status !== 200) {
    throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.token as string;
}
