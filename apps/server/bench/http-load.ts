// The HTTP load generator, in its own process (never the server's), against one endpoint of the server:
//   --target noop      GET /api/health/live (200 {}, no database, no engine: the ceiling of the HTTP stack)
//   --target tracking  GET /api/track/<code>?phone=<last 4 digits>, a random one of the `--count` seeded dossiers
//   --target inbox     GET /api/inbox as `--username` (bearer token), the first page (50, by due date)
// `--rate 0`: closed loop, autocannon with `--connections` (the rate the server sustains). `--rate N`: open loop,
// N requests/s evenly spaced on node:http keep-alive sockets (the latency at that load; see `paced`). A warm-up run
// of `--warmup` seconds first, then `--seconds` measured. Every response's time is kept (exact percentiles, not
// histogram buckets); every non-200 answer counts as an error.
//
// `node --import @swc-node/register/esm-register apps/server/bench/http-load.ts --base-url http://127.0.0.1:PORT
//   --target tracking --count 1000000 [--connections 8 --rate 0 --warmup 3 --seconds 10]`
import http from 'node:http';
import { createRequire } from 'node:module';
import { dossierCode, dossierPhone } from './seed.ts';
import { RESULT_PREFIX, login, numberFlag, parseFlags, percentile, round, sleep } from './support.ts';

interface AutocannonRequest {
  method?: string;
  setupRequest?: (request: { path: string }) => { path: string };
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadResult {
  target: string;
  connections: number;
  offeredRate: number | null;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  statusCodes: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

function run(
  options: AutocannonOptions,
  record: boolean,
): Promise<{ result: AutocannonResult; times: number[]; statuses: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const statuses: Record<string, number> = {};
    const instance = autocannon(options, (error, result) =>
      error ? reject(error) : resolve({ result, times, statuses }),
    );
    if (record) {
      instance.on('response', (_client, status, _bytes, ms) => {
        times.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    }
  });
}

/**
 * Open loop at an even pace: request k goes out at start + k / rate whatever the earlier ones do (on keep-alive
 * sockets, up to `maxSockets` at once), and its time counts from when it was due, so a server falling behind shows in
 * the latencies (no coordinated omission). autocannon's own `overallRate` sends each second's quota as fast as it can
 * at the start of the second and then waits: bursts, not a steady load, so it is not used for these rows.
 */
async function paced(
  baseUrl: string,
  nextPath: () => string,
  headers: Record<string, string>,
  rate: number,
  seconds: number,
  record: boolean,
): Promise<{ times: number[]; statuses: Record<string, number>; duration: number; maxSendLagMs: number }> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const once = (path: string): Promise<number> =>
    new Promise((resolve) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path, method: 'GET', headers, agent },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', () => resolve(0));
        },
      );
      req.setTimeout(10_000, () => req.destroy());
      req.on('error', () => resolve(0));
      req.end();
    });
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let maxSendLagMs = 0;
  const pending: Promise<void>[] = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    pending.push(
      once(nextPath()).then((status) => {
        if (!record) return;
        times.push(performance.now() - due);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { times, statuses, duration: (performance.now() - start) / 1000, maxSendLagMs };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const baseUrl = flags['base-url'];
  const target = flags.target;
  if (!baseUrl || !target) throw new Error('--base-url and --target are required');
  const connections = numberFlag(flags, 'connections', 8);
  const rate = numberFlag(flags, 'rate', 0);
  const warmup = numberFlag(flags, 'warmup', 3);
  const seconds = numberFlag(flags, 'seconds', 10);

  let nextPath: () => string;
  const headers: Record<string, string> = {};
  if (target === 'noop') nextPath = () => '/api/health/live';
  else if (target === 'tracking') {
    const count = numberFlag(flags, 'count', 0);
    if (count < 1) throw new Error('--count (seeded dossiers) is required for tracking');
    nextPath = () => {
      const i = Math.floor(Math.random() * count);
      return `/api/track/${encodeURIComponent(dossierCode(i))}?phone=${dossierPhone(i).slice(-4)}`;
    };
  } else if (target === 'inbox') {
    const username = flags.username;
    if (!username) throw new Error('--username is required for inbox');
    headers.authorization = `Bearer ${await login(baseUrl, username)}`;
    nextPath = () => '/api/inbox';
  } else throw new Error(`--target: noop, tracking or inbox, not '${target}'`);

  if (rate > 0) {
    if (warmup > 0) await paced(baseUrl, nextPath, headers, rate, warmup, false);
    const { times, statuses, duration, maxSendLagMs } = await paced(baseUrl, nextPath, headers, rate, seconds, true);
    process.stdout.write(
      `${RESULT_PREFIX}${JSON.stringify({ ...summary(target, 0, rate, duration, times, statuses, 0), maxSendLagMs: round(maxSendLagMs, 1) })}\n`,
    );
    return;
  }
  const request: AutocannonRequest = {
    method: 'GET',
    setupRequest: (req) => {
      req.path = nextPath();
      return req;
    },
  };

  const options = (duration: number): AutocannonOptions => ({
    url: baseUrl,
    connections,
    duration,
    headers,
    requests: [request],
  });
  if (warmup > 0) await run(options(warmup), false);
  const { result, times, statuses } = await run(options(seconds), true);
  const output = summary(target, connections, null, result.duration, times, statuses, result.errors + result.timeouts);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(output)}\n`);
}

function summary(
  target: string,
  connections: number,
  offeredRate: number | null,
  duration: number,
  times: number[],
  statuses: Record<string, number>,
  transportErrors: number,
): LoadResult {
  times.sort((a, b) => a - b);
  const ok = statuses['200'] ?? 0;
  return {
    target,
    connections,
    offeredRate,
    seconds: round(duration, 2),
    requests: times.length,
    requestsPerSecond: round(times.length / duration, 1),
    errors: times.length - ok + transportErrors,
    statusCodes: statuses,
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    p99Ms: round(percentile(times, 99), 2),
    maxMs: round(times[times.length - 1] ?? NaN, 2),
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`http load failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
