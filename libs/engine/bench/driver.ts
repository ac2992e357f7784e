// Load driver: the official client (@camunda8/sdk's ZeebeGrpcClient) against a Zeebe-compatible gateway. Deploys
// one-task.bpmn, works its `bench-task` jobs with a worker that completes at once — on job streaming
// (StreamActivatedJobs) or on polling (ActivateJobs every pollInterval) — and measures start → complete: from the
// CreateProcessInstance call to the CompleteJob response for that instance's job (the job carries the process instance
// key; completing the only task completes the instance).
//
// Run as a child process (the orchestrator does): `node --import @swc-node/register/esm-register driver.ts
//   --address 127.0.0.1:PORT --mode streaming|polling [--seconds 10 --warmup 3 --rate 500 --concurrency 200
//   --poll-interval 10 --max-jobs 200]`; prints one `BENCH_RESULT {json}` line on stdout.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { ZBWorkerTaskHandler } from '@camunda8/sdk/dist/zeebe/lib/interfaces-1.0.js';
import {
  closedLoop,
  type Done,
  type LatencyResult,
  type LoadTarget,
  openLoop,
  RESULT_PREFIX,
  type ThroughputResult,
} from './load.ts';
import { numberFlag, parseFlags } from '@motcua/bench-support';

const BPMN = fileURLToPath(new URL('./one-task.bpmn', import.meta.url));
const PROCESS_ID = 'bench-one-task';
const JOB_TYPE = 'bench-task';

const log = (message: string): void => void process.stderr.write(`[driver] ${message}\n`);

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const address = flags.address;
  const mode = flags.mode;
  if (!address || (mode !== 'streaming' && mode !== 'polling')) {
    throw new Error('usage: driver.ts --address HOST:PORT --mode streaming|polling');
  }
  const seconds = numberFlag(flags, 'seconds', 10);
  const warmupSeconds = numberFlag(flags, 'warmup', 3);
  const latencySeconds = numberFlag(flags, 'latency-seconds', seconds);
  const rate = numberFlag(flags, 'rate', 500);
  const concurrency = numberFlag(flags, 'concurrency', 200);
  const pollInterval = numberFlag(flags, 'poll-interval', 10);
  const maxJobs = numberFlag(flags, 'max-jobs', 200);

  const zbc = new ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: `grpc://${address}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    },
  });

  const deployment = await zbc.deployResource({ processFilename: BPMN });
  log(`deployed ${JSON.stringify(deployment.deployments[0])}`);

  // Completion bookkeeping, by process instance key. A pushed job (and its CompleteJob answer) can come back before
  // the CreateProcessInstance answer does: such early completions wait in `early` for their instance's key.
  const pending = new Map<string, Done>();
  const early = new Map<string, number>();
  const onCompleted = (processInstanceKey: string, ok: boolean): void => {
    const at = performance.now();
    const done = pending.get(processInstanceKey);
    if (done) {
      pending.delete(processInstanceKey);
      done(ok, at);
    } else early.set(processInstanceKey, ok ? at : -at);
  };
  const taskHandler: ZBWorkerTaskHandler = (job) =>
    job.complete().then(
      (ack) => {
        onCompleted(String(job.processInstanceKey), true);
        return ack;
      },
      (error: unknown) => {
        onCompleted(String(job.processInstanceKey), false);
        throw error;
      },
    );

  let closeWorker: () => Promise<unknown>;
  if (mode === 'streaming') {
    const stream = await zbc.streamJobs({
      type: JOB_TYPE,
      worker: 'bench-driver',
      timeout: 30_000,
      tenantIds: ['<default>'],
      taskHandler,
    });
    closeWorker = async () => stream.close();
  } else {
    const worker = zbc.createWorker({
      taskType: JOB_TYPE,
      taskHandler,
      maxJobsToActivate: maxJobs,
      pollInterval,
      timeout: 30_000,
    });
    closeWorker = () => worker.close(1000);
  }

  let startErrors = 0;
  const target: LoadTarget = {
    start(done) {
      zbc.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: {} }).then(
        (response) => {
          const key = String(response.processInstanceKey);
          const at = early.get(key);
          if (at === undefined) pending.set(key, done);
          else {
            early.delete(key);
            done(at > 0, Math.abs(at));
          }
        },
        (error: Error) => {
          if (startErrors++ < 3) log(`CreateProcessInstance failed: ${error.message}`);
          done(false);
        },
      );
    },
  };

  // A short settle so the worker's first Topology/ActivateJobs (or the stream) are in place before load starts.
  await new Promise((resolve) => setTimeout(resolve, 300));
  // --phase throughput|latency runs only one of the two (for experiments); default: both, throughput first.
  const phase = flags.phase ?? 'both';
  let throughput: ThroughputResult | undefined;
  let latency: LatencyResult | undefined;
  if (phase === 'both' || phase === 'throughput') {
    log(`${mode}: closed loop, ${concurrency} in flight, ${warmupSeconds} s warm-up + ${seconds} s`);
    throughput = await closedLoop(target, { concurrency, warmupSeconds, seconds });
    log(`${mode}: ${throughput.piPerSecond} PI/s`);
  }
  if (phase === 'both' || phase === 'latency') {
    log(`${mode}: open loop at ${rate}/s, ${warmupSeconds} s warm-up + ${latencySeconds} s`);
    latency = await openLoop(target, { rate, warmupSeconds, seconds: latencySeconds });
    log(`${mode}: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, kept up: ${latency.keptUp}`);
  }
  const cpu = process.cpuUsage();

  const result = {
    mode,
    pollIntervalMs: mode === 'polling' ? pollInterval : undefined,
    maxJobsToActivate: mode === 'polling' ? maxJobs : undefined,
    throughput,
    latency,
    driverCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
    unmatchedCompletions: early.size,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  await Promise.race([
    (async () => {
      await closeWorker();
      await zbc.close();
    })(),
    new Promise((resolve) => setTimeout(resolve, 3000)),
  ]);
}

main().then(
  // The client keeps a timer alive after close(): exit explicitly.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[driver] failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
