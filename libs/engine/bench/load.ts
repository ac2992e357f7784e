// Load shapes shared by the gRPC driver and the bpmn-engine peer: a closed loop (fixed concurrency window →
// throughput) and an open loop (fixed offered rate, starts on a schedule regardless of completions → latency).
// A target starts one process instance and calls `done` when that instance has completed.
import { performance } from 'node:perf_hooks';
import { percentile, round } from '@motcua/bench-support';

/** Called once per instance: ok=false when starting or completing failed; `at` = completion time if known earlier. */
export type Done = (ok: boolean, at?: number) => void;

export interface LoadTarget {
  start(done: Done): void;
}

export interface ThroughputResult {
  warmupSeconds: number;
  seconds: number;
  concurrency: number;
  completed: number;
  errors: number;
  piPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LatencyResult {
  warmupSeconds: number;
  seconds: number;
  offeredRate: number;
  started: number;
  completed: number;
  /** measured instances not completed by the end of the drain: counted with their age, percentiles are lower bounds */
  incomplete: number;
  errors: number;
  achievedRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  maxScheduleLagMs: number;
  backlogAtEnd: number;
  keptUp: boolean;
  aborted?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until nothing is in flight, or `timeoutMs` passes. */
async function drain(inFlight: () => number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (inFlight() > 0 && performance.now() < deadline) await sleep(5);
}

/**
 * Closed loop: keeps `concurrency` instances in flight (a completion starts the next one) for warm-up + measured
 * seconds; throughput = instances completed inside the measured window / its length.
 */
export async function closedLoop(
  target: LoadTarget,
  options: { concurrency: number; warmupSeconds: number; seconds: number; drainMs?: number },
): Promise<ThroughputResult> {
  const { concurrency, warmupSeconds, seconds } = options;
  let inFlight = 0;
  let running = true;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let completed = 0;
  let errors = 0;
  const latencies: number[] = [];
  let refillScheduled = false;

  const launch = (): void => {
    inFlight++;
    const startedAt = performance.now();
    let finished = false;
    target.start((ok, at) => {
      if (finished) return;
      finished = true;
      const now = at ?? performance.now();
      inFlight--;
      if (now >= windowStart && now <= windowEnd) {
        if (ok) {
          completed++;
          latencies.push(now - startedAt);
        } else errors++;
      }
      // Refill on a later turn of the event loop: an in-process target may complete synchronously.
      if (running && !refillScheduled) {
        refillScheduled = true;
        setImmediate(refill);
      }
    });
  };
  const refill = (): void => {
    refillScheduled = false;
    while (running && inFlight < concurrency) launch();
  };

  refill();
  await sleep(warmupSeconds * 1000);
  windowStart = performance.now();
  await sleep(seconds * 1000);
  windowEnd = performance.now();
  running = false;
  await drain(() => inFlight, options.drainMs ?? 5000);
  const elapsed = (windowEnd - windowStart) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    warmupSeconds,
    seconds: round(elapsed),
    concurrency,
    completed,
    errors,
    piPerSecond: round(completed / elapsed, 1),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

/**
 * Open loop: starts instances on a fixed schedule (`rate` per second) whatever the completions do, for warm-up +
 * measured seconds. Latency = start call → completion, for instances started inside the measured window. The target
 * kept up when the driver started every scheduled instance on time (lag < 100 ms), the backlog at the end of the
 * window was under 0.5 s of work and everything started completed within the drain time without errors.
 * Bounded: when the backlog exceeds 2 s of offered work (or the schedule lags 2 s) the run stops early (`aborted`);
 * instances still incomplete at the end count with their age so far, and the percentiles are then lower bounds.
 */
export async function openLoop(
  target: LoadTarget,
  options: { rate: number; warmupSeconds: number; seconds: number; drainMs?: number },
): Promise<LatencyResult> {
  const { rate, warmupSeconds, seconds } = options;
  const total = Math.round(rate * (warmupSeconds + seconds));
  const firstMeasured = Math.round(rate * warmupSeconds);
  const maxBacklog = Math.max(100, rate * 2);
  const latencies: number[] = [];
  const open = new Set<number>(); // start times of measured instances not yet completed
  let inFlight = 0;
  let started = 0;
  let measuredStarted = 0;
  let errors = 0;
  let maxLag = 0;
  let aborted: string | undefined;

  const launch = (index: number, scheduledAt: number): void => {
    inFlight++;
    const startedAt = performance.now();
    const measured = index >= firstMeasured;
    if (measured) {
      measuredStarted++;
      maxLag = Math.max(maxLag, startedAt - scheduledAt);
      open.add(startedAt);
    }
    let finished = false;
    target.start((ok, at) => {
      if (finished) return;
      finished = true;
      inFlight--;
      if (!measured) return;
      open.delete(startedAt);
      if (ok) latencies.push((at ?? performance.now()) - startedAt);
      else errors++;
    });
  };

  const t0 = performance.now();
  const interval = 1000 / rate;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      if (due - started > rate * 2) aborted = `schedule lagged ${Math.round((due - started) * interval)} ms`;
      else if (inFlight > maxBacklog) aborted = `backlog of ${inFlight} instances (over 2 s of offered load)`;
      if (aborted) return resolve();
      while (started < due) {
        launch(started, t0 + started * interval);
        started++;
      }
      if (started >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, t0 + started * interval - performance.now())));
    };
    tick();
  });
  const windowEnd = performance.now();
  const backlogAtEnd = inFlight;
  await drain(() => inFlight, options.drainMs ?? 5000);
  const end = performance.now();
  const completed = latencies.length;
  const incomplete = open.size;
  for (const startedAt of open) latencies.push(end - startedAt);
  latencies.sort((a, b) => a - b);
  const measuredSeconds = Math.max(0.001, (windowEnd - t0) / 1000 - warmupSeconds);
  const keptUp =
    !aborted &&
    errors === 0 &&
    incomplete === 0 &&
    completed === measuredStarted &&
    maxLag < 100 &&
    backlogAtEnd <= Math.max(1, rate * 0.5);
  return {
    warmupSeconds,
    seconds,
    offeredRate: rate,
    started: measuredStarted,
    completed,
    incomplete,
    errors,
    achievedRate: round(measuredStarted / measuredSeconds, 1),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.length ? latencies[latencies.length - 1] : NaN),
    maxScheduleLagMs: round(maxLag),
    backlogAtEnd,
    keptUp,
    aborted,
  };
}

/** The line a measuring child prints on stdout; the orchestrator looks for it. */
export const RESULT_PREFIX = 'BENCH_RESULT ';
