// `npm run bench:engine [-- --targets engine,noop,bpmn-engine --modes streaming,polling --seconds 10 --warmup 2
//   --rate 500 --concurrency 200 --poll-interval 10 --max-jobs 200 --no-results]`
//
// One-service-task process, started → completed, through the official client (@camunda8/sdk), side by side in one
// run: the motcua engine (its CLI, journal + fsync on), a no-op gateway (the ceiling of the client and the wire) and
// paed01/bpmn-engine in-process (the JS peer). Every server, driver and peer runs in its own child process (2 cores:
// the server and the client must not share one thread). Per gRPC target and worker mode (job streaming, polling):
// (a) closed-loop throughput with a fixed concurrency window, (b) open-loop latency at a fixed offered rate.
// Prints a table and the issue's target ratios, and appends them with the exact command to RESULTS.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatencyResult, ThroughputResult } from './load.ts';
import { RESULT_PREFIX } from './load.ts';
import {
  cpuSeconds,
  formatResultsFile,
  npmCommand,
  numberFlag,
  parseFlags,
  stopChild,
  tail,
} from '@motcua/bench-support';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const ENGINE_CLI = join(ROOT, 'libs/engine/src/cli.ts');
const RESULTS = join(BENCH_DIR, 'RESULTS.md');
const NODE_ARGS = ['--import', '@swc-node/register/esm-register'];
const READY = /listening on 127\.0\.0\.1:(\d+)/;
// bpmn-engine runs in-process, where a window of in-flight instances only adds live objects and GC work: its
// throughput is measured with the window that suited it best here (1–200 tried: within ~10 %, 20 a little ahead).
const PEER_CONCURRENCY = 20;

type TargetName = 'engine' | 'noop' | 'bpmn-engine';
type Mode = 'streaming' | 'polling' | 'in-process';

interface RunResult {
  target: TargetName;
  mode: Mode;
  pollIntervalMs?: number;
  maxJobsToActivate?: number;
  concurrency?: number;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  serverCpuSeconds?: number;
  driverCpuSeconds?: number;
  /** the machine's 1-minute load average when this run started and ended: other processes compete for the 2 cores */
  load?: [number, number];
  error?: string;
}

const LABELS: Record<TargetName, string> = {
  engine: 'motcua engine (journal + fsync)',
  noop: 'no-op gateway (ceiling)',
  'bpmn-engine': 'bpmn-engine in-process',
};

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

// ---- child processes ------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(process.execPath, [...NODE_ARGS, script, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function cleanupSync(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

/** Starts a gRPC server child and waits for its `listening on 127.0.0.1:PORT` line. */
async function startServer(
  target: 'engine' | 'noop',
): Promise<{ child: ChildProcess; port: number; stderr: () => string; dataDir?: string }> {
  let child: ChildProcess;
  let dataDir: string | undefined;
  if (target === 'engine') {
    dataDir = mkdtempSync(join(os.tmpdir(), 'motcua-bench-'));
    tempDirs.add(dataDir);
    child = spawnNode(ENGINE_CLI, ['--port', '0', '--data-dir', dataDir]);
  } else {
    child = spawnNode(join(BENCH_DIR, 'noop-gateway.ts'), ['--port', '0']);
  }
  const stderr = tail(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${target} did not print "listening on" within 60 s`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = READY.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${target} exited (${signal ?? code}) before listening:\n${stderr()}`));
    });
  });
  return { child, port, stderr, dataDir };
}

/** Runs a measuring child (driver or peer) to its end and returns its BENCH_RESULT. */
async function runMeasurer(script: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  const child = spawnNode(join(BENCH_DIR, script), args);
  const stderr = tail(child);
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error(`${script} ended (${code}) without a result:\n${stderr()}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
}

// ---- runs -----------------------------------------------------------------------------------------------------

interface Settings {
  targets: TargetName[];
  modes: ('streaming' | 'polling')[];
  seconds: number;
  warmup: number;
  rate: number;
  concurrency: number;
  pollInterval: number;
  maxJobs: number;
  peerConcurrency: number;
}

function measurerArgs(settings: Settings): string[] {
  return ['--seconds', String(settings.seconds), '--warmup', String(settings.warmup), '--rate', String(settings.rate)];
}

function measurerTimeoutMs(settings: Settings): number {
  return (2 * (settings.seconds + settings.warmup) + 60) * 1000;
}

async function runGrpc(
  target: 'engine' | 'noop',
  mode: 'streaming' | 'polling',
  settings: Settings,
): Promise<RunResult> {
  log(`${target} / ${mode}: starting server`);
  const server = await startServer(target);
  try {
    const cpuBefore = cpuSeconds(server.child.pid);
    const result = await runMeasurer(
      'driver.ts',
      [
        '--address',
        `127.0.0.1:${server.port}`,
        '--mode',
        mode,
        ...measurerArgs(settings),
        '--concurrency',
        String(settings.concurrency),
        '--poll-interval',
        String(settings.pollInterval),
        '--max-jobs',
        String(settings.maxJobs),
      ],
      measurerTimeoutMs(settings),
    );
    const cpuAfter = cpuSeconds(server.child.pid);
    if (server.child.exitCode !== null) throw new Error(`${target} exited during the run:\n${server.stderr()}`);
    return {
      target,
      mode,
      ...(result as Partial<RunResult>),
      serverCpuSeconds:
        cpuBefore !== undefined && cpuAfter !== undefined ? Number((cpuAfter - cpuBefore).toFixed(1)) : undefined,
    };
  } finally {
    await stopChild(server.child, 5000);
    if (server.dataDir) {
      rmSync(server.dataDir, { recursive: true, force: true });
      tempDirs.delete(server.dataDir);
    }
  }
}

/** The peer runs each phase in a fresh process: an overloaded open loop must not leave work behind for the next. */
async function runBpmnEngine(settings: Settings): Promise<RunResult> {
  const args = [...measurerArgs(settings), '--concurrency', String(settings.peerConcurrency)];
  log(`bpmn-engine / in-process: throughput (${settings.peerConcurrency} in flight)`);
  const throughput = await runMeasurer(
    'bpmn-engine-peer.ts',
    [...args, '--phase', 'throughput'],
    measurerTimeoutMs(settings),
  );
  log(`bpmn-engine / in-process: latency at ${settings.rate}/s`);
  const latency = await runMeasurer(
    'bpmn-engine-peer.ts',
    [...args, '--phase', 'latency'],
    measurerTimeoutMs(settings),
  );
  return {
    target: 'bpmn-engine',
    mode: 'in-process',
    concurrency: settings.peerConcurrency,
    throughput: throughput.throughput as ThroughputResult,
    latency: latency.latency as LatencyResult,
  };
}

// ---- report ---------------------------------------------------------------------------------------------------

// NaN travels as null through JSON.
const fmt = (value: number | null | undefined, digits = 1): string =>
  typeof value !== 'number' || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

function latencyCells(latency: LatencyResult | undefined): string[] {
  if (!latency) return ['n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
  const bound = latency.incomplete > 0 ? '≥ ' : ''; // incomplete instances counted with their age: lower bounds
  const keptUp = latency.keptUp
    ? 'yes'
    : `no (${latency.aborted ?? `achieved ${fmt(latency.achievedRate)}/s, backlog ${latency.backlogAtEnd}`})`;
  return [
    `${bound}${fmt(latency.p50Ms)}`,
    `${bound}${fmt(latency.p95Ms)}`,
    `${bound}${fmt(latency.p99Ms)}`,
    `${bound}${fmt(latency.maxMs)}`,
    keptUp,
  ];
}

function modeLabel(run: RunResult): string {
  if (run.mode === 'polling')
    return `polling (pollInterval ${run.pollIntervalMs} ms, maxJobs ${run.maxJobsToActivate})`;
  if (run.mode === 'in-process') return `in-process (throughput with ${run.concurrency} in flight)`;
  return run.mode;
}

function table(runs: RunResult[], settings: Settings): string {
  const header = [
    'target',
    'worker mode',
    `throughput PI/s (closed loop, ${settings.concurrency} in flight)`,
    `p50 ms @ ${settings.rate}/s`,
    'p95 ms',
    'p99 ms',
    'max ms',
    'kept up',
    'server / driver CPU s',
    'load 1m',
  ];
  const rows = runs.map((run) =>
    run.error
      ? [LABELS[run.target], modeLabel(run), `failed: ${run.error.split('\n')[0]}`, '', '', '', '', '', '', '']
      : [
          LABELS[run.target],
          modeLabel(run),
          fmt(run.throughput?.piPerSecond),
          ...latencyCells(run.latency),
          `${fmt(run.serverCpuSeconds)} / ${fmt(run.driverCpuSeconds)}`,
          run.load ? `${fmt(run.load[0], 2)} → ${fmt(run.load[1], 2)}` : 'n/a',
        ],
  );
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

interface Ratio {
  name: string;
  value: number | undefined;
  target: string;
  met: boolean | undefined;
}

function ratios(runs: RunResult[], settings: Settings): Ratio[] {
  const find = (target: TargetName, mode: Mode): RunResult | undefined =>
    runs.find((run) => run.target === target && run.mode === mode && !run.error);
  const peer = find('bpmn-engine', 'in-process');
  const result: Ratio[] = [];
  for (const mode of settings.modes) {
    const engine = find('engine', mode);
    const noop = find('noop', mode);
    const div = (a: number | undefined, b: number | undefined): number | undefined =>
      a === undefined || b === undefined || !b ? undefined : a / b;
    const throughputVsNoop = div(engine?.throughput?.piPerSecond, noop?.throughput?.piPerSecond);
    const throughputVsPeer = div(engine?.throughput?.piPerSecond, peer?.throughput?.piPerSecond);
    const p99VsNoop = div(engine?.latency?.p99Ms, noop?.latency?.p99Ms);
    result.push(
      {
        name: `${mode}: engine throughput / no-op throughput`,
        value: throughputVsNoop,
        target: '≥ 0.70',
        met: throughputVsNoop === undefined ? undefined : throughputVsNoop >= 0.7,
      },
      {
        name: `${mode}: engine throughput / bpmn-engine throughput`,
        value: throughputVsPeer,
        target: '≥ 3',
        met: throughputVsPeer === undefined ? undefined : throughputVsPeer >= 3,
      },
      {
        name: `${mode}: engine p99 / no-op p99 at ${settings.rate}/s`,
        value: p99VsNoop,
        target: '≤ 2',
        met: p99VsNoop === undefined ? undefined : p99VsNoop <= 2 && engine?.latency?.keptUp === true && !engine.error,
      },
    );
  }
  return result;
}

function ratioTable(list: Ratio[]): string {
  const rows = list.map((r) => [
    r.name,
    r.value === undefined ? 'n/a' : r.value.toFixed(2),
    r.target,
    r.met === undefined ? 'not measured' : r.met ? 'met' : 'NOT met',
  ]);
  return [['ratio', 'value', 'target', ''], ['---', '---', '---', '---'], ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

function machine(loadStart: number[], loadEnd: number[]): string {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs/engine/src'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (dirty.trim()) commit += ' (libs/engine/src with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  const load = (l: number[]): string => l.map((v) => v.toFixed(2)).join(' / ');
  return [
    `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${os.type()} ${os.release()} (${os.arch()}), Node ${process.version}, @camunda8/sdk ${sdkVersion()}`,
    `load average (1/5/15 min) at start ${load(loadStart)}, at end ${load(loadEnd)}; commit ${commit}`,
  ].join('; ');
}

function sdkVersion(): string {
  try {
    const url = new URL('../../../node_modules/@camunda8/sdk/package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const RESULTS_HEADER = `# motcua engine benchmark results

Written by \`npm run bench:engine\` (libs/engine/bench/engine.bench.ts): each run appends a dated section.
See the end of this file for the latest run.
`;

// ---- main -----------------------------------------------------------------------------------------------------

function parseSettings(flags: Record<string, string>): Settings {
  const list = <T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] => {
    if (flags[name] === undefined) return fallback;
    const values = flags[name].split(',').map((v) => v.trim()) as T[];
    for (const value of values) {
      if (!allowed.includes(value)) throw new Error(`--${name}: unknown '${value}' (one of ${allowed.join(', ')})`);
    }
    return values;
  };
  const targets = ['engine', 'noop', 'bpmn-engine'] as const;
  return {
    targets: list('targets', targets, [...targets]),
    modes: list('modes', ['streaming', 'polling'] as const, ['streaming', 'polling']),
    seconds: numberFlag(flags, 'seconds', 10),
    warmup: numberFlag(flags, 'warmup', 2),
    rate: numberFlag(flags, 'rate', 500),
    concurrency: numberFlag(flags, 'concurrency', 200),
    pollInterval: numberFlag(flags, 'poll-interval', 10),
    maxJobs: numberFlag(flags, 'max-jobs', 200),
    peerConcurrency: numberFlag(flags, 'peer-concurrency', PEER_CONCURRENCY),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(
      'usage: npm run bench:engine -- [--targets engine,noop,bpmn-engine] [--modes streaming,polling] ' +
        '[--seconds 10] [--warmup 2] [--rate 500] [--concurrency 200] [--poll-interval 10] [--max-jobs 200] ' +
        '[--no-results]\n',
    );
    return;
  }
  const settings = parseSettings(flags);
  if (settings.targets.includes('engine') && !existsSync(ENGINE_CLI)) {
    throw new Error(`${ENGINE_CLI} does not exist yet: run with --targets noop,bpmn-engine`);
  }
  const started = new Date();
  const loadStart = os.loadavg();
  const runs: RunResult[] = [];
  // Interleaved (no-op, engine) per mode, so a drift in the machine's load hits both sides of a ratio alike.
  for (const mode of settings.modes) {
    for (const target of ['noop', 'engine'] as const) {
      if (!settings.targets.includes(target)) continue;
      try {
        const load = os.loadavg()[0];
        runs.push({ ...(await runGrpc(target, mode, settings)), load: [load, os.loadavg()[0]] });
      } catch (error) {
        log(`${target} / ${mode} failed: ${(error as Error).message}`);
        runs.push({ target, mode, error: (error as Error).message });
      }
    }
  }
  if (settings.targets.includes('bpmn-engine')) {
    try {
      const load = os.loadavg()[0];
      runs.push({ ...(await runBpmnEngine(settings)), load: [load, os.loadavg()[0]] });
    } catch (error) {
      log(`bpmn-engine failed: ${(error as Error).message}`);
      runs.push({ target: 'bpmn-engine', mode: 'in-process', error: (error as Error).message });
    }
  }
  const loadEnd = os.loadavg();
  const elapsed = (Date.now() - started.getTime()) / 1000;

  const section = [
    `## ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Command: \`${npmCommand('bench:engine', argv)}\` (took ${elapsed.toFixed(0)} s)`,
    '',
    `Machine: ${machine(loadStart, loadEnd)}`,
    '',
    `Settings: throughput = closed loop, ${settings.concurrency} instances in flight, ${settings.warmup} s warm-up + ` +
      `${settings.seconds} s measured; latency = open loop at ${settings.rate} PI/s offered, ${settings.warmup} s ` +
      `warm-up + ${settings.seconds} s measured, start (CreateProcessInstance call) → complete (CompleteJob ` +
      `answered), for the gRPC targets; engine.execute() → its end callback for bpmn-engine. Streaming worker = ` +
      `zbc.streamJobs(); polling worker = zbc.createWorker() with pollInterval ${settings.pollInterval} ms and ` +
      `maxJobsToActivate ${settings.maxJobs}.`,
    '',
    table(runs, settings),
    '',
    'Target ratios (issue 2, item 5), measured in this run:',
    '',
    ratioTable(ratios(runs, settings)),
    '',
  ].join('\n');
  process.stdout.write(`\n${section}\n`);
  process.stdout.write(`${JSON.stringify({ settings, runs })}\n`);

  if (!flags['no-results']) {
    if (!existsSync(RESULTS)) writeFileSync(RESULTS, RESULTS_HEADER);
    appendFileSync(RESULTS, `\n${section}`);
    await formatResultsFile(RESULTS, log);
    log(`appended to ${RESULTS}`);
  }
}

process.on('SIGINT', () => {
  cleanupSync();
  process.exit(130);
});
process.on('SIGTERM', () => {
  cleanupSync();
  process.exit(143);
});

main().then(
  () => {
    cleanupSync();
    process.exit(0);
  },
  (error: unknown) => {
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    cleanupSync();
    process.exit(1);
  },
);
