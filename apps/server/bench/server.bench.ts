// `npm run bench:server [-- --scenarios journey,tracking,inbox,startup --no-results …]` (see --help)
//
// The server benchmarks of issue 3 (item 11), each against the real server (`apps/server/dist/main.js` compiled by
// scripts/build.js, what `npm start` runs) in its own child process, driven by another child process — the journey driver or autocannon —
// so the server and the load never share a thread (the machine has 2 cores):
//   journey   the full dossier journey over HTTP (submit → intake → desk, appraisal, approval by the demo officials
//             → signed PDF → returned, status 10), per shape: every role in one process on SQLite (`npm start`), and
//             api and workers as separate processes on MariaDB (production's shape): journeys/s with a fixed number
//             in flight, p50/p95 time, server CPU per journey;
//   tracking  GET /api/track/:code?phone=… with 1M dossiers in MariaDB vs GET /api/health/live of the same server,
//             measured in the same run: rate ratio and tracking p99;
//   inbox     GET /api/inbox of a member of one group with 100k open tasks, on SQLite and MariaDB: p95;
//   startup   `npm start` and its node entry point (the compiled server, apps/server/dist/main.js) on an existing data
//             dir: ready time (spawn → /api/health = 200), CPU until ready and the node process's VmRSS after 10 s idle.
// Prints the tables and appends them with the exact command and the machine's load to RESULTS.md.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { bufferPoolFor, raiseBufferPool } from './buffer-pool.ts';
import type { LoadResult } from './http-load.ts';
import {
  createDatabase,
  dropDatabase,
  INBOX_GROUP,
  INBOX_MEMBER,
  seedDossiersMysql,
  seedTasksMysql,
  seedTasksSqlite,
} from './seed.ts';
import type { SeedReport } from './seed.ts';
import {
  awaitHealthy,
  BENCH_DIR,
  buildServer,
  ENGINE_LISTENING,
  HOUSEHOLD_BUSINESS,
  ROOT,
  SERVER_MAIN,
  SERVER_READY,
  cleanupAll,
  cpuSeconds,
  descendants,
  log,
  npmStartCommand,
  numberFlag,
  onCleanup,
  parseFlags,
  percentile,
  pidsNamed,
  removeDirLater,
  round,
  rssMiB,
  runMeasurer,
  serverEnv,
  sleep,
  startProcess,
  startServer,
  stopChild,
  tail,
  track,
} from './support.ts';
import type { ServerUnderTest } from './support.ts';
import { formatResultsFile, npmCommand } from '@motcua/bench-support';

const RESULTS = join(BENCH_DIR, 'RESULTS.md');
const SCENARIOS = ['journey', 'tracking', 'inbox', 'startup'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Settings {
  scenarios: Scenario[];
  inboxDatabases: ('sqlite' | 'mysql')[];
  mysqlUrl: string;
  journeyShapes: JourneyShape[];
  apiProcesses: number;
  journeyConcurrency: number;
  journeyPollMs: number;
  journeyWarmup: number;
  journeySeconds: number;
  dossiers: number;
  tasks: number;
  connections: number;
  warmup: number;
  seconds: number;
  rounds: number;
  trackingRate: number;
  inboxRate: number;
  warmStarts: number;
  idleSeconds: number;
}

const load1 = (): number => round(os.loadavg()[0], 2);

// ---- scenarios ------------------------------------------------------------------------------------------------

/** The server's environment for a run: the tracking limit raised far above what the load can reach. */
const RUN_ENV = { MOTCUA_TRACKING_RATE_PER_MINUTE: '10000000' };

function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'motcua-server-bench-'));
  return { dir, remove: removeDirLater(dir) };
}

/**
 * How the journey's server runs. `single` is `npm start`'s shape (today's row); the split shapes are production's —
 * the api and the workers in separate processes, MariaDB — with the embedded engine standing in for the Zeebe cluster.
 */
const JOURNEY_SHAPES = ['single', 'single-mysql', 'split', 'split3'] as const;
type JourneyShape = (typeof JOURNEY_SHAPES)[number];
const SHAPE_LABELS: Record<JourneyShape, string> = {
  single: 'one process (engine, api, workers), SQLite',
  'single-mysql': 'one process (engine, api, workers), MariaDB',
  split: 'engine + workers / api, MariaDB',
  split3: 'engine (standalone) / workers / api, MariaDB',
};

interface JourneyProcess {
  /** e.g. 'engine+workers', 'api 1' */
  name: string;
  readyMs: number;
  /** CPU seconds (user + system) over the measured window */
  cpuSeconds?: number;
  /** reference bundles this process published at its start (exactly one api process should) */
  published: number;
  /** stderr/stdout lines of the process during the run that look like trouble (error, warn, fail, …) */
  troubleLines: number;
  firstTrouble: string[];
}

interface JourneyResult {
  shape: JourneyShape;
  database: 'sqlite' | 'mysql';
  apiProcesses: number;
  journeysPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  completed: number;
  started: number;
  errors: number;
  timedOut: number;
  firstErrors: string[];
  stagesP50Ms: Record<string, number>;
  httpRequests: number;
  concurrency: number;
  processes: JourneyProcess[];
  /** CPU seconds of every server process together over the measured window */
  serverCpuSeconds?: number;
  /** serverCpuSeconds × 1000 / journeys completed in the window: the server's cost of one journey */
  cpuMsPerJourney?: number;
  /** CPU seconds of the whole MariaDB server over the window (other databases' work included), MariaDB shapes only */
  mariadbCpuSeconds?: number;
  load: [number, number];
}

type JourneyRun = JourneyResult | { shape: JourneyShape; error: string };

/** Lines of a server process's output that look like trouble; benign start lines are not. */
const TROUBLE = /error|warn|fail|exception|refused|timed? ?out|unavailable/i;

/** A server process of a journey shape while it runs: where its output goes, how to stop it. */
interface Running {
  name: string;
  pid: number;
  child: ChildProcess;
  readyMs: number;
  stderr: () => string;
  stop: () => Promise<void>;
  published: number;
  trouble: string[];
  troubleCount: number;
}

function running(
  name: string,
  started: { child: ChildProcess; readyMs: number; stderr: () => string; stop: () => Promise<void> },
  pid: number,
): Running {
  // Counted now, while the start's output is all there is (the stderr tail is bounded).
  const published = (started.stderr().match(/reference bundle \S+ published/g) ?? []).length;
  const proc: Running = { name, pid, ...started, published, trouble: [], troubleCount: 0 };
  let rest = '';
  const look = (chunk: Buffer): void => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const coloured of lines) {
      const line = coloured.replace(/\x1b\[[\d;]*m/g, ''); // Nest colours its log lines
      if (!TROUBLE.test(line)) continue;
      proc.troubleCount++;
      if (proc.trouble.length < 5) proc.trouble.push(line.trim().slice(0, 400));
    }
  };
  started.child.stdout?.on('data', look);
  started.child.stderr?.on('data', look);
  return proc;
}

/** `<dir>/<name>` as one process's data dir (each process locks its own), its `files` shared as in production. */
function processDataDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(join(root, 'files'), { recursive: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(root, 'files'), join(dir, 'files'));
  return dir;
}

/** Starts the server processes of a shape, one after another (each one's migrations done before the next starts). */
async function startShape(
  shape: JourneyShape,
  settings: Settings,
  root: string,
  databaseUrl: string | undefined,
  started: Running[],
): Promise<string[]> {
  const db: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  if (shape === 'single' || shape === 'single-mysql') {
    const server = await startServer({ dataDir: root, env: { ...RUN_ENV, ...db } });
    started.push(running('engine+api+workers', server, server.nodePid));
    return [server.baseUrl];
  }
  // Without the engine role, api and workers reach Zeebe through the client's variables, as in production.
  const client = (port: string): Record<string, string> => ({
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${port}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
  });
  let enginePort: string;
  if (shape === 'split3') {
    log('journey: starting the standalone engine');
    const engine = await startProcess(
      'libs/engine/src/cli.ts',
      ['--port', '0', '--host', '127.0.0.1', '--data-dir', join(root, 'engine')],
      serverEnv(join(root, 'engine')),
      [ENGINE_LISTENING],
    );
    started.push(running('engine', engine, engine.pid));
    enginePort = engine.matches[0][1];
    log('journey: starting the workers (first on the empty database: migrations)');
    const workers = await startProcess(
      SERVER_MAIN,
      [],
      serverEnv(processDataDir(root, 'workers'), { ...RUN_ENV, ...db, ...client(enginePort), MOTCUA_ROLES: 'workers' }),
      [SERVER_READY],
    );
    started.push(running('workers', workers, workers.pid));
  } else {
    log('journey: starting engine + workers (first on the empty database: migrations)');
    const engineWorkers = await startProcess(
      SERVER_MAIN,
      [],
      serverEnv(processDataDir(root, 'engine-workers'), { ...RUN_ENV, ...db, MOTCUA_ROLES: 'engine,workers' }),
      [ENGINE_LISTENING, SERVER_READY],
    );
    started.push(running('engine+workers', engineWorkers, engineWorkers.pid));
    enginePort = engineWorkers.matches[0][1];
  }
  // The first api process publishes the reference bundles and seeds the demo users; the next ones find them done.
  const urls: string[] = [];
  for (let i = 1; i <= settings.apiProcesses; i++) {
    log(`journey: starting api ${i} of ${settings.apiProcesses}`);
    const api = await startServer({
      dataDir: processDataDir(root, `api-${i}`),
      env: { ...RUN_ENV, ...db, ...client(enginePort), MOTCUA_ROLES: 'api' },
    });
    started.push(running(`api ${i}`, api, api.nodePid));
    urls.push(api.baseUrl);
  }
  return urls;
}

async function journey(settings: Settings, shape: JourneyShape): Promise<JourneyResult> {
  const data = tempDataDir();
  const database = shape === 'single' ? undefined : await benchDatabase(settings, 'journey');
  const started: Running[] = [];
  try {
    log(`journey (${shape}): ${SHAPE_LABELS[shape]}, fresh data dir${database ? ' and database' : ''}`);
    const urls = await startShape(shape, settings, data.dir, database?.url, started);
    const mariadb = database ? pidsNamed('mariadbd', 'mysqld') : [];
    const sample = (): (number | undefined)[] => [
      ...started.map((proc) => cpuSeconds(proc.pid)),
      ...mariadb.map((pid) => cpuSeconds(pid)),
    ];
    let atStart: (number | undefined)[] | undefined;
    let atEnd: (number | undefined)[] | undefined;
    const loadStart = load1();
    log(
      `journey (${shape}): driving ${settings.journeyConcurrency} journeys in flight over ${urls.length} api ` +
        `process(es), ${settings.journeyWarmup} s warm-up + ${settings.journeySeconds} s measured`,
    );
    const result = (await runMeasurer(
      join(BENCH_DIR, 'journey-driver.ts'),
      [
        '--base-url',
        urls.join(','),
        '--concurrency',
        String(settings.journeyConcurrency),
        '--poll-ms',
        String(settings.journeyPollMs),
        '--warmup',
        String(settings.journeyWarmup),
        '--seconds',
        String(settings.journeySeconds),
      ],
      (settings.journeyWarmup + settings.journeySeconds + 180) * 1000,
      process.env,
      (line) => {
        if (line === 'BENCH_MARK measure-start') atStart = sample();
        else if (line === 'BENCH_MARK measure-end') atEnd = sample();
      },
    )) as unknown as Omit<JourneyResult, 'shape' | 'database' | 'apiProcesses' | 'processes' | 'load'>;
    for (const proc of started)
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        throw new Error(`${proc.name} exited during the run:\n${proc.stderr()}`);
    const used = (index: number): number | undefined => {
      const before = atStart?.[index];
      const after = atEnd?.[index];
      return before !== undefined && after !== undefined ? after - before : undefined;
    };
    const processes: JourneyProcess[] = started.map((proc, index) => ({
      name: proc.name,
      readyMs: round(proc.readyMs, 0),
      cpuSeconds: used(index) === undefined ? undefined : round(used(index)!, 2),
      published: proc.published,
      troubleLines: proc.troubleCount,
      // a copy: what the processes log while they shut down afterwards (cancelled gRPC calls) does not count
      firstTrouble: [...proc.trouble],
    }));
    const cpus = started.map((_, index) => used(index));
    const serverCpu = cpus.every((cpu) => cpu !== undefined)
      ? cpus.reduce((sum: number, cpu) => sum + cpu!, 0)
      : undefined;
    const mariadbCpu = mariadb.length
      ? mariadb.reduce<number | undefined>((sum, _, i) => {
          const cpu = used(started.length + i);
          return sum === undefined || cpu === undefined ? undefined : sum + cpu;
        }, 0)
      : undefined;
    return {
      ...result,
      shape,
      database: database ? 'mysql' : 'sqlite',
      apiProcesses: urls.length,
      processes,
      serverCpuSeconds: serverCpu === undefined ? undefined : round(serverCpu, 2),
      cpuMsPerJourney:
        serverCpu !== undefined && result.completed > 0 ? round((serverCpu * 1000) / result.completed, 1) : undefined,
      mariadbCpuSeconds: mariadbCpu === undefined ? undefined : round(mariadbCpu, 2),
      load: [loadStart, load1()],
    };
  } finally {
    // The api processes first (they call the engine), the engine last.
    for (const proc of [...started].reverse()) await proc.stop();
    data.remove();
    await database?.drop();
  }
}

interface HttpPhase extends LoadResult {
  serverCpuSeconds?: number;
  load: [number, number];
}

async function httpPhase(
  server: ServerUnderTest,
  settings: Settings,
  target: 'noop' | 'tracking' | 'inbox',
  rate: number,
  extra: string[] = [],
): Promise<HttpPhase> {
  const loadStart = load1();
  const cpuBefore = cpuSeconds(server.nodePid);
  log(`  ${target}: ${rate > 0 ? `${rate} req/s, open loop` : `closed loop, ${settings.connections} connections`}`);
  const result = (await runMeasurer(
    join(BENCH_DIR, 'http-load.ts'),
    [
      '--base-url',
      server.baseUrl,
      '--target',
      target,
      '--connections',
      String(settings.connections),
      '--rate',
      String(rate),
      '--warmup',
      String(settings.warmup),
      '--seconds',
      String(settings.seconds),
      ...extra,
    ],
    (settings.warmup + settings.seconds + 120) * 1000,
  )) as unknown as LoadResult;
  const cpuAfter = cpuSeconds(server.nodePid);
  if (server.child.exitCode !== null) throw new Error(`the server exited during the run:\n${server.stderr()}`);
  return {
    ...result,
    serverCpuSeconds: cpuBefore !== undefined && cpuAfter !== undefined ? round(cpuAfter - cpuBefore, 1) : undefined,
    load: [loadStart, load1()],
  };
}

/** A bench database on the MariaDB server, dropped at the end whatever happens. */
async function benchDatabase(settings: Settings, what: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `motcua_bench_${Date.now()}_${what}`;
  await createDatabase(settings.mysqlUrl, name);
  const drop = async (): Promise<void> => dropDatabase(settings.mysqlUrl, name);
  const forget = onCleanup(drop);
  return {
    url: `${settings.mysqlUrl}/${name}`,
    drop: async () => {
      forget();
      await drop();
    },
  };
}

/** First start on a fresh data dir and database: migrations, reference bundles, demo users; then stopped. */
async function prepare(
  dataDir: string,
  env: Record<string, string>,
): Promise<{ readyMs: number; cpuSeconds?: number }> {
  const server = await startServer({ dataDir, env: { ...RUN_ENV, ...env } });
  await server.stop();
  return { readyMs: server.readyMs, cpuSeconds: server.readyCpuSeconds };
}

interface TrackingResult {
  seed: SeedReport & { events: number };
  /** MariaDB's innodb_buffer_pool_size (bytes) before the scenario, and during it. */
  bufferPool: { before: number; during: number };
  warmStartMs: number;
  throughput: HttpPhase[];
  latency: HttpPhase[];
  ratio: number;
}

async function tracking(settings: Settings): Promise<TrackingResult> {
  // The data in memory, as on a production database server (see buffer-pool.ts); raised before seeding, so the
  // inserted pages stay in the pool, and put back at the end.
  const pool = await raiseBufferPool(settings.mysqlUrl, bufferPoolFor(settings.dossiers));
  const forgetPool = onCleanup(pool.restore);
  log(`tracking: MariaDB innodb_buffer_pool_size ${mib(pool.before)} → ${mib(pool.during)} for this scenario`);
  try {
    const database = await benchDatabase(settings, 'tracking');
    const data = tempDataDir();
    try {
      const env = { DATABASE_URL: database.url };
      log('tracking: first start on the bench database (migrations, bundles, demo users)');
      await prepare(data.dir, env);
      log(`tracking: inserting ${settings.dossiers} dossiers (+ 2 timeline events each) into MariaDB`);
      const seed = await seedDossiersMysql(database.url, settings.dossiers, { log });
      log(`tracking: ${seed.rows} dossiers in ${seed.seconds.toFixed(0)} s; starting the server against them`);
      const server = await startServer({ dataDir: data.dir, env: { ...RUN_ENV, ...env } });
      try {
        const throughput: HttpPhase[] = [];
        // Interleaved rounds (no-op, tracking), so a drift in the machine's load hits both sides of the ratio alike.
        for (let round = 0; round < settings.rounds; round++) {
          throughput.push(await httpPhase(server, settings, 'noop', 0));
          throughput.push(await httpPhase(server, settings, 'tracking', 0, ['--count', String(settings.dossiers)]));
        }
        const latency = [
          await httpPhase(server, settings, 'noop', settings.trackingRate),
          await httpPhase(server, settings, 'tracking', settings.trackingRate, ['--count', String(settings.dossiers)]),
        ];
        const total = (target: string): number =>
          throughput
            .filter((phase) => phase.target === target)
            .reduce((sum, phase) => sum + phase.requestsPerSecond, 0);
        return {
          seed,
          bufferPool: { before: pool.before, during: pool.during },
          warmStartMs: server.readyMs,
          throughput,
          latency,
          ratio: total('tracking') / total('noop'),
        };
      } finally {
        await server.stop();
      }
    } finally {
      data.remove();
      await database.drop();
    }
  } finally {
    forgetPool();
    await pool.restore();
  }
}

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

interface InboxResult {
  database: 'sqlite' | 'mysql';
  seed: SeedReport;
  throughput: HttpPhase;
  latency: HttpPhase;
}

async function inbox(settings: Settings, database: 'sqlite' | 'mysql'): Promise<InboxResult> {
  const data = tempDataDir();
  const mysql = database === 'mysql' ? await benchDatabase(settings, 'inbox') : undefined;
  try {
    const env: Record<string, string> = mysql ? { DATABASE_URL: mysql.url } : {};
    log(`inbox (${database}): first start (migrations, bundles, demo users)`);
    await prepare(data.dir, env);
    log(`inbox (${database}): inserting ${settings.tasks} open tasks of ${INBOX_GROUP}`);
    const seed = mysql
      ? await seedTasksMysql(mysql.url, settings.tasks)
      : seedTasksSqlite(join(data.dir, 'motcua.sqlite'), settings.tasks);
    const server = await startServer({ dataDir: data.dir, env: { ...RUN_ENV, ...env } });
    try {
      const args = ['--username', INBOX_MEMBER];
      return {
        database,
        seed,
        throughput: await httpPhase(server, settings, 'inbox', 0, args),
        latency: await httpPhase(server, settings, 'inbox', settings.inboxRate, args),
      };
    } finally {
      await server.stop();
    }
  } finally {
    data.remove();
    await mysql?.drop();
  }
}

interface StartRun {
  via: 'npm' | 'node';
  readyMs: number;
  /** CPU seconds the node process used until ready */
  cpuSeconds?: number;
  rssMiB?: number;
  load: number;
}

interface StartupResult {
  firstStartMs: number;
  firstStartCpuSeconds?: number;
  runs: StartRun[];
}

/**
 * Starts the server as `npm start` does (via 'npm': `npm start`, prestart build included; via 'node': its node
 * command, spawned directly) and waits until `GET /api/health` answers 200. The other scenarios start the same
 * compiled server directly (support.ts `startServer`).
 */
async function startAsNpmStart(dataDir: string, via: 'npm' | 'node', timeoutMs = 120_000): Promise<ServerUnderTest> {
  const command = npmStartCommand();
  const main = command[command.length - 1];
  const env = serverEnv(dataDir, RUN_ENV);
  const started = performance.now();
  const child = track(
    via === 'npm'
      ? spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, command, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const stderr = tail(child, 8000);
  // npm runs the script as `exec node …`: the node process is npm's child (or a descendant, through a shell).
  const nodePid = (): number | undefined =>
    via === 'node'
      ? child.pid
      : descendants(child.pid ?? -1).find(
          (candidate) => /(^|\/)node$/.test(candidate.command.split(' ')[0]) && candidate.command.includes(main),
        )?.pid;
  const stop = async (): Promise<void> => {
    const pid = nodePid();
    if (pid !== undefined && pid !== child.pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await stopChild(child, 15_000);
  };
  try {
    const { baseUrl, readyMs } = await awaitHealthy(child, stderr, started, timeoutMs);
    const pid = nodePid();
    if (!pid) throw new Error('could not find the node process of the server');
    return { child, baseUrl, readyMs, readyCpuSeconds: cpuSeconds(pid), nodePid: pid, stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startup(settings: Settings): Promise<StartupResult> {
  const data = tempDataDir();
  try {
    log('startup: first start (keys, migrations, bundles, demo users)');
    const first = await startAsNpmStart(data.dir, 'node');
    await first.stop();
    const runs: StartRun[] = [];
    for (let i = 0; i < settings.warmStarts; i++) {
      for (const via of ['npm', 'node'] as const) {
        const load = load1();
        const server = await startAsNpmStart(data.dir, via);
        try {
          await sleep(settings.idleSeconds * 1000);
          runs.push({
            via,
            readyMs: server.readyMs,
            cpuSeconds: server.readyCpuSeconds,
            rssMiB: rssMiB(server.nodePid),
            load,
          });
          log(`  warm start via ${via}: ready in ${server.readyMs.toFixed(0)} ms`);
        } finally {
          await server.stop();
        }
      }
    }
    return { firstStartMs: first.readyMs, firstStartCpuSeconds: first.readyCpuSeconds, runs };
  } finally {
    data.remove();
  }
}

// ---- report ---------------------------------------------------------------------------------------------------

// NaN travels as null through JSON.
const fmt = (value: number | null | undefined, digits = 1): string =>
  typeof value !== 'number' || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
const loadCell = (load: [number, number] | undefined): string =>
  load ? `${fmt(load[0], 2)} → ${fmt(load[1], 2)}` : 'n/a';
const tableOf = (rows: string[][]): string =>
  [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** A journey row's shape, with the number of api processes when more than one. */
const shapeCell = (j: JourneyResult): string => (j.apiProcesses > 1 ? `${j.shape} ×${j.apiProcesses} api` : j.shape);

interface Outcome {
  /** one run per journey shape */
  journey?: JourneyRun[];
  tracking?: TrackingResult | { error: string };
  inbox: (InboxResult | { database: string; error: string })[];
  startup?: StartupResult | { error: string };
}

interface Target {
  item: string;
  measured: string;
  target: string;
  met: boolean | undefined;
}

const failed = (value: unknown): value is { error: string } =>
  typeof value === 'object' && value !== null && 'error' in value;

function targets(outcome: Outcome): Target[] {
  const list: Target[] = [];
  for (const j of outcome.journey ?? [])
    list.push(
      failed(j)
        ? {
            item: `full dossier journey (${j.shape})`,
            measured: `failed: ${j.error.split('\n')[0]}`,
            target: '≥ 100 journeys/s',
            met: false,
          }
        : {
            item: `full dossier journey, ${shapeCell(j)} (${j.concurrency} in flight)`,
            measured:
              `${fmt(j.journeysPerSecond, 2)} journeys/s (p50 ${fmt(j.p50Ms, 0)} ms, p95 ${fmt(j.p95Ms, 0)} ms; ` +
              `${fmt(j.cpuMsPerJourney, 0)} ms server CPU per journey)`,
            target: '≥ 100 journeys/s',
            met: j.journeysPerSecond >= 100 && j.errors === 0,
          },
    );
  const t = outcome.tracking;
  if (t) {
    if (failed(t))
      list.push({ item: 'tracking lookup', measured: `failed: ${t.error.split('\n')[0]}`, target: '', met: false });
    else {
      const rated = t.latency.find((phase) => phase.target === 'tracking');
      const worstP99 = Math.max(...t.throughput.filter((p) => p.target === 'tracking').map((p) => p.p99Ms));
      list.push(
        {
          item: `tracking rate / no-op rate (${t.seed.rows} dossiers, MariaDB with a ${mib(t.bufferPool.during)} buffer pool, same run)`,
          measured: fmt(t.ratio, 2),
          target: '≥ 0.5',
          met: t.ratio >= 0.5 && t.throughput.every((phase) => phase.errors === 0),
        },
        {
          item: `tracking p99 at ${rated?.offeredRate ?? '?'} req/s`,
          measured: `${fmt(rated?.p99Ms, 1)} ms`,
          target: '< 20 ms',
          met: rated ? rated.p99Ms < 20 && rated.errors === 0 : undefined,
        },
        {
          item: 'tracking p99 at saturation (closed loop)',
          measured: `${fmt(worstP99, 1)} ms (worst round)`,
          target: '< 20 ms',
          met: worstP99 < 20,
        },
      );
    }
  }
  for (const i of outcome.inbox) {
    if (failed(i)) {
      list.push({
        item: `inbox (${i.database})`,
        measured: `failed: ${i.error.split('\n')[0]}`,
        target: '',
        met: false,
      });
      continue;
    }
    list.push(
      {
        item: `inbox p95, ${i.seed.rows} open tasks (${i.database}) at ${i.latency.offeredRate} req/s`,
        measured: `${fmt(i.latency.p95Ms, 1)} ms`,
        target: '< 50 ms',
        met: i.latency.p95Ms < 50 && i.latency.errors === 0,
      },
      {
        item: `inbox p95, ${i.seed.rows} open tasks (${i.database}) at saturation (closed loop)`,
        measured: `${fmt(i.throughput.p95Ms, 1)} ms (${fmt(i.throughput.requestsPerSecond, 0)} req/s)`,
        target: '< 50 ms',
        met: i.throughput.p95Ms < 50 && i.throughput.errors === 0,
      },
    );
  }
  const s = outcome.startup;
  if (s) {
    if (failed(s))
      list.push({ item: 'npm start', measured: `failed: ${s.error.split('\n')[0]}`, target: '', met: false });
    else
      for (const via of ['npm', 'node'] as const) {
        const runs = s.runs.filter((run) => run.via === via);
        const ready = runs.map((run) => run.readyMs).sort((a, b) => a - b);
        const rss = runs.map((run) => run.rssMiB ?? NaN);
        const label = via === 'npm' ? '`npm start`' : 'node entry point';
        list.push(
          {
            item: `${label} warm start → /api/health 200`,
            measured: `median ${fmt(percentile(ready, 50) / 1000, 2)} s, worst ${fmt(ready[ready.length - 1] / 1000, 2)} s`,
            target: '< 5 s',
            met: ready.length > 0 && ready[ready.length - 1] < 5000,
          },
          {
            item: `${label} idle RSS (node process, ${'after idle'})`,
            measured: `max ${fmt(Math.max(...rss), 0)} MiB`,
            target: '< 300 MB',
            met: rss.length > 0 && rss.every((value) => value * 1.048576 < 300),
          },
        );
      }
  }
  return list;
}

function targetTable(list: Target[]): string {
  return tableOf([
    ['benchmark', 'measured', 'target', ''],
    ...list.map((t) => [
      t.item,
      t.measured,
      t.target,
      t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT met',
    ]),
  ]);
}

function phaseRow(label: string, phase: HttpPhase): string[] {
  return [
    label,
    phase.offeredRate ? `${phase.offeredRate} req/s, open loop` : `closed loop`,
    phase.offeredRate ? '≤ 64' : String(phase.connections),
    fmt(phase.requestsPerSecond, 0),
    fmt(phase.p50Ms, 2),
    fmt(phase.p95Ms, 2),
    fmt(phase.p99Ms, 2),
    fmt(phase.maxMs, 1),
    String(phase.errors),
    fmt(phase.serverCpuSeconds),
    loadCell(phase.load),
  ];
}

const PHASE_HEADER = [
  'endpoint',
  'load',
  'connections',
  'req/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'non-200',
  'server CPU s',
  'load 1m',
];

function details(outcome: Outcome, settings: Settings): string {
  const parts: string[] = [];
  const journeys = (outcome.journey ?? []).filter((run): run is JourneyResult => !failed(run));
  if (journeys.length) {
    const j0 = journeys[0];
    parts.push(
      `**Journey** (household business registration ${HOUSEHOLD_BUSINESS}; ${j0.concurrency} journeys in flight, ` +
        `${settings.journeyWarmup} s warm-up + ${settings.journeySeconds} s measured; CPU over the measured window; ` +
        `server CPU ms/journey = all server processes' CPU / journeys completed; MariaDB CPU = the whole MariaDB ` +
        `server's, whatever else it served meanwhile):`,
      '',
      tableOf([
        [
          'shape',
          'processes',
          'journeys/s',
          'completed',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'errors',
          'HTTP requests',
          'CPU s per process',
          'server CPU s',
          'server CPU ms/journey',
          'MariaDB CPU s',
          'load 1m',
        ],
        ...journeys.map((j) => [
          shapeCell(j),
          SHAPE_LABELS[j.shape] + (j.apiProcesses > 1 ? ` (${j.apiProcesses} api processes)` : ''),
          fmt(j.journeysPerSecond, 2),
          String(j.completed),
          fmt(j.p50Ms, 0),
          fmt(j.p95Ms, 0),
          fmt(j.p99Ms, 0),
          fmt(j.maxMs, 0),
          `${j.errors}${j.timedOut ? ` (${j.timedOut} timed out)` : ''}`,
          String(j.httpRequests),
          j.processes.map((p) => `${p.name} ${fmt(p.cpuSeconds)}`).join(', '),
          fmt(j.serverCpuSeconds),
          fmt(j.cpuMsPerJourney, 0),
          fmt(j.mariadbCpuSeconds),
          loadCell(j.load),
        ]),
      ]),
      '',
      ...journeys.flatMap((j) => [
        `- ${shapeCell(j)}: median stage times (ms): submit answered ${fmt(j.stagesP50Ms.submit, 0)}; → desk receipt ` +
          `completed ${fmt(j.stagesP50Ms.toDeskDone, 0)}; → appraisal completed ` +
          `${fmt(j.stagesP50Ms.toAppraisalDone, 0)}; → approval completed ${fmt(j.stagesP50Ms.toApprovalDone, 0)}; → ` +
          `status 10 seen ${fmt(j.stagesP50Ms.toReturned, 0)}. Ready after ` +
          `${j.processes.map((p) => `${p.name} ${fmt(p.readyMs / 1000, 1)} s`).join(', ')}; reference bundles ` +
          `published by ${
            j.processes
              .filter((p) => p.published > 0)
              .map((p) => `${p.name} (${p.published})`)
              .join(', ') || 'none'
          }.` +
          (j.firstErrors.length
            ? ` First errors: ${j.firstErrors.map((e) => `\`${e.replace(/`/g, "'")}\``).join('; ')}`
            : '') +
          j.processes
            .filter((p) => p.troubleLines > 0)
            .map(
              (p) =>
                ` ${p.name} logged ${p.troubleLines} error/warning line(s), first: ` +
                p.firstTrouble.map((line) => `\`${line.replace(/`/g, "'")}\``).join('; '),
            )
            .join(''),
      ]),
      '',
    );
  }
  const t = outcome.tracking;
  if (t && !failed(t)) {
    parts.push(
      `**Tracking** (${settings.dossiers} dossiers + ${t.seed.events} timeline events inserted in ${fmt(t.seed.seconds, 0)} s; ` +
        `warm start against them ${fmt(t.warmStartMs / 1000, 2)} s; random existing codes with the right phone digits; ` +
        `MOTCUA_TRACKING_RATE_PER_MINUTE=${RUN_ENV.MOTCUA_TRACKING_RATE_PER_MINUTE}; MariaDB innodb_buffer_pool_size ` +
        `raised from ${mib(t.bufferPool.before)} to ${mib(t.bufferPool.during)} for this scenario, before seeding, ` +
        `and put back after it):`,
      '',
      tableOf([
        PHASE_HEADER,
        ...t.throughput.map((phase) =>
          phaseRow(phase.target === 'noop' ? 'GET /api/health/live (no-op)' : 'GET /api/track/:code?phone=', phase),
        ),
        ...t.latency.map((phase) =>
          phaseRow(phase.target === 'noop' ? 'GET /api/health/live (no-op)' : 'GET /api/track/:code?phone=', phase),
        ),
      ]),
      '',
    );
  }
  const inboxes = outcome.inbox.filter((i): i is InboxResult => !failed(i));
  if (inboxes.length) {
    parts.push(
      `**Inbox** (${settings.tasks} open tasks of \`${INBOX_GROUP}\`, 1 % of them claimed by the member; ` +
        `\`GET /api/inbox\` as \`${INBOX_MEMBER}\`: first page, 50 by due date, unassigned and mine):`,
      '',
      tableOf([
        ['database', 'seeded in s', ...PHASE_HEADER.slice(1)],
        ...inboxes.flatMap((i) => [
          [i.database, fmt(i.seed.seconds, 1), ...phaseRow('', i.throughput).slice(1)],
          [i.database, '', ...phaseRow('', i.latency).slice(1)],
        ]),
      ]),
      '',
    );
  }
  const s = outcome.startup;
  if (s && !failed(s)) {
    parts.push(
      `**Start** (SQLite data dir; first start ${fmt(s.firstStartMs / 1000, 2)} s (node CPU ` +
        `${fmt(s.firstStartCpuSeconds)} s) incl. keys, migrations, ` +
        `publishing and demo users; then warm starts alternating \`npm start\` (its prestart build finding nothing to ` +
        `compile, then the compiled server) and that node command alone; ` +
        `RSS = VmRSS of the node process after ${settings.idleSeconds} s idle):`,
      '',
      tableOf([
        ['start', 'spawned', 'ready s', 'node CPU s until ready', 'idle RSS MiB', 'load 1m'],
        ...s.runs.map((run, index) => [
          String(index + 1),
          run.via === 'npm' ? '`npm start`' : `\`node ${npmStartCommand().join(' ')}\``,
          fmt(run.readyMs / 1000, 2),
          fmt(run.cpuSeconds, 2),
          fmt(run.rssMiB, 0),
          fmt(run.load, 2),
        ]),
      ]),
      '',
    );
  }
  for (const [name, value] of Object.entries(outcome)) {
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) if (failed(item)) parts.push(`**${name} failed**: \`${item.error.split('\n')[0]}\``, '');
  }
  return parts.join('\n');
}

function machine(loadStart: number[], loadEnd: number[]): string {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/server/src', 'libs'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (dirty.trim()) commit += ' (with uncommitted changes under apps/server/src or libs)';
  } catch {
    // not a git checkout
  }
  let mariadb = 'unknown';
  try {
    mariadb = execFileSync(
      'mysql',
      ['-h127.0.0.1', '-uroot', '-N', '-e', 'SELECT VERSION(), @@innodb_buffer_pool_size'],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .replace(/\t/, ', innodb_buffer_pool_size ');
  } catch {
    // no mysql client
  }
  const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' / ');
  return [
    `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}, MariaDB ${mariadb}`,
    `load average (1/5/15 min) at start ${load(loadStart)}, at end ${load(loadEnd)}; commit ${commit}`,
  ].join('; ');
}

const RESULTS_HEADER = `# motcua server benchmark results

Written by \`npm run bench:server\` (apps/server/bench/server.bench.ts): each run appends a dated section.
See the end of this file for the latest run.
`;

// ---- main -----------------------------------------------------------------------------------------------------

const USAGE = `usage: npm run bench:server -- [--scenarios journey,tracking,inbox,startup] [--inbox-databases sqlite,mysql]
  [--mysql-url mysql://root@127.0.0.1:3306] [--journey-concurrency 20] [--journey-poll-ms 25] [--journey-warmup 10] [--journey-seconds 30]
  [--journey-shapes single,split] [--api-processes 1]
  [--dossiers 1000000] [--tasks 100000] [--connections 8] [--warmup 3] [--seconds 10] [--rounds 2]
  [--tracking-rate 100] [--inbox-rate 20] [--warm-starts 3] [--idle-seconds 10] [--no-results]
journey shapes: single = every role in one process on SQLite (npm start); single-mysql = the same on MariaDB;
  split = engine + workers in one process, the api in another, on MariaDB (production's shape, the embedded engine
  standing in for Zeebe); split3 = the standalone engine, the workers and the api in three processes, on MariaDB.
  --api-processes N: N api processes in the split shapes, the journey driver spreading its requests over them.
`;

function parseSettings(flags: Record<string, string>): Settings {
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] => {
    if (flags[name] === undefined) return fallback;
    const values = flags[name].split(',').map((v) => v.trim()) as T[];
    for (const value of values)
      if (!allowed.includes(value)) throw new Error(`--${name}: unknown '${value}' (one of ${allowed.join(', ')})`);
    return values;
  };
  const mysqlUrl = flags['mysql-url'] ?? 'mysql://root@127.0.0.1:3306';
  if (!/^mysql:\/\/[^/]*@?(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(mysqlUrl))
    throw new Error(
      '--mysql-url: a MariaDB/MySQL server on 127.0.0.1, without a database (mysql://root@127.0.0.1:3306)',
    );
  return {
    scenarios: list('scenarios', SCENARIOS, [...SCENARIOS]),
    inboxDatabases: list('inbox-databases', ['sqlite', 'mysql'] as const, ['sqlite', 'mysql']),
    mysqlUrl: mysqlUrl.replace(/\/$/, ''),
    journeyShapes: list('journey-shapes', JOURNEY_SHAPES, ['single', 'split']),
    apiProcesses: Math.max(1, Math.round(numberFlag(flags, 'api-processes', 1))),
    journeyConcurrency: numberFlag(flags, 'journey-concurrency', 20),
    journeyPollMs: numberFlag(flags, 'journey-poll-ms', 25),
    journeyWarmup: numberFlag(flags, 'journey-warmup', 10),
    journeySeconds: numberFlag(flags, 'journey-seconds', 30),
    dossiers: numberFlag(flags, 'dossiers', 1_000_000),
    tasks: numberFlag(flags, 'tasks', 100_000),
    connections: numberFlag(flags, 'connections', 8),
    warmup: numberFlag(flags, 'warmup', 3),
    seconds: numberFlag(flags, 'seconds', 10),
    rounds: Math.max(1, numberFlag(flags, 'rounds', 2)),
    trackingRate: numberFlag(flags, 'tracking-rate', 100),
    inboxRate: numberFlag(flags, 'inbox-rate', 20),
    warmStarts: Math.max(1, numberFlag(flags, 'warm-starts', 3)),
    idleSeconds: numberFlag(flags, 'idle-seconds', 10),
  };
}

async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    log(`${what} failed: ${(error as Error).stack ?? String(error)}`);
    return { error: (error as Error).message };
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const settings = parseSettings(flags);
  // Every scenario runs the compiled server `npm start` runs: bring it up to date first (incremental).
  buildServer();
  const started = new Date();
  const loadStart = os.loadavg();
  const outcome: Outcome = { inbox: [] };
  // The DB-bound lookups first, the CPU-bound journey and the start measurements after.
  if (settings.scenarios.includes('tracking')) outcome.tracking = await attempt('tracking', () => tracking(settings));
  if (settings.scenarios.includes('inbox'))
    for (const database of settings.inboxDatabases) {
      const result = await attempt(`inbox (${database})`, () => inbox(settings, database));
      outcome.inbox.push(failed(result) ? { database, error: result.error } : result);
    }
  if (settings.scenarios.includes('journey')) {
    outcome.journey = [];
    for (const shape of settings.journeyShapes) {
      const result = await attempt(`journey (${shape})`, () => journey(settings, shape));
      outcome.journey.push(failed(result) ? { shape, error: result.error } : result);
    }
  }
  if (settings.scenarios.includes('startup')) outcome.startup = await attempt('startup', () => startup(settings));
  const loadEnd = os.loadavg();
  const elapsed = (Date.now() - started.getTime()) / 1000;

  const section = [
    `## ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Command: \`${npmCommand('bench:server', argv)}\` (took ${elapsed.toFixed(0)} s)`,
    '',
    `Machine: ${machine(loadStart, loadEnd)}`,
    '',
    `Settings: HTTP load from its own process, ${settings.warmup} s warm-up + ${settings.seconds} s measured per ` +
      `row; "closed loop" = autocannon ${autocannonVersion()} with ${settings.connections} connections, as fast as ` +
      `the server answers; "N req/s" = open loop, N requests/s evenly spaced (node:http keep-alive, time counted from ` +
      `when each request was due); percentiles from every response's time.`,
    '',
    targetTable(targets(outcome)),
    '',
    details(outcome, settings),
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  process.stdout.write(`${JSON.stringify({ settings, outcome })}\n`);
  if (!flags['no-results']) {
    if (!existsSync(RESULTS)) writeFileSync(RESULTS, RESULTS_HEADER);
    appendFileSync(RESULTS, `\n${section}`);
    await formatResultsFile(RESULTS, log);
    log(`appended to ${RESULTS}`);
  }
}

function autocannonVersion(): string {
  try {
    const url = new URL('../../../node_modules/autocannon/package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let stopping = false;
const stop = (code: number): void => {
  if (stopping) return;
  stopping = true;
  void cleanupAll().finally(() => process.exit(code));
};
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));

main().then(
  () => stop(0),
  (error: unknown) => {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    stop(1);
  },
);
