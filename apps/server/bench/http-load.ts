// The HTTP load generator, in its own process (never the server's): autocannon against one endpoint of the server.
//   --target noop      GET /api/health/live (200 {}, no database, no engine: the ceiling of the HTTP stack)
//   --target tracking  GET /api/track/<code>?phone=<last 4 digits>, a random one of the `--count` seeded dossiers
//   --target inbox     GET /api/inbox as `--username` (bearer token), the first page (50, by due date)
// Closed loop with `--connections` (`--rate 0`), or paced at `--rate` requests/s over all connections. A warm-up run
// of `--warmup` seconds first, then `--seconds` measured. Every response's time is kept (exact percentiles, not
// autocannon's histogram buckets); every non-200 answer counts as an error.
//
// `node --import @swc-node/register/esm-register apps/server/bench/http-load.ts --base-url http://127.0.0.1:PORT
//   --target tracking --count 1000000 [--connections 8 --rate 0 --warmup 3 --seconds 10]`
import { createRequire } from 'node:module';
import { dossierCode, dossierPhone } from './seed.ts';
import { RESULT_PREFIX, login, numberFlag, parseFlags, percentile, round } from './support.ts';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: { path: string }) => { path: string };
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
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

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const baseUrl = flags['base-url'];
  const target = flags.target;
  if (!baseUrl || !target) throw new Error('--base-url and --target are required');
  const connections = numberFlag(flags, 'connections', 8);
  const rate = numberFlag(flags, 'rate', 0);
  const warmup = numberFlag(flags, 'warmup', 3);
  const seconds = numberFlag(flags, 'seconds', 10);

  let request: AutocannonRequest;
  const headers: Record<string, string> = {};
  if (target === 'noop') request = { method: 'GET', path: '/api/health/live' };
  else if (target === 'tracking') {
    const count = numberFlag(flags, 'count', 0);
    if (count < 1) throw new Error('--count (seeded dossiers) is required for tracking');
    request = {
      method: 'GET',
      setupRequest: (req) => {
        const i = Math.floor(Math.random() * count);
        req.path = `/api/track/${encodeURIComponent(dossierCode(i))}?phone=${dossierPhone(i).slice(-4)}`;
        return req;
      },
    };
  } else if (target === 'inbox') {
    const username = flags.username;
    if (!username) throw new Error('--username is required for inbox');
    headers.authorization = `Bearer ${await login(baseUrl, username)}`;
    request = { method: 'GET', path: '/api/inbox' };
  } else throw new Error(`--target: noop, tracking or inbox, not '${target}'`);

  const options = (duration: number): AutocannonOptions => ({
    url: baseUrl,
    connections,
    duration,
    headers,
    requests: [request],
    ...(rate > 0 ? { overallRate: rate } : {}),
  });
  if (warmup > 0) await run(options(warmup), false);
  const { result, times, statuses } = await run(options(seconds), true);
  times.sort((a, b) => a - b);
  const ok = statuses['200'] ?? 0;
  const output: LoadResult = {
    target,
    connections,
    offeredRate: rate > 0 ? rate : null,
    seconds: round(result.duration, 2),
    requests: times.length,
    requestsPerSecond: round(times.length / result.duration, 1),
    errors: times.length - ok + result.errors + result.timeouts,
    statusCodes: statuses,
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    p99Ms: round(percentile(times, 99), 2),
    maxMs: round(times[times.length - 1] ?? NaN, 2),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(output)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`http load failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
