// The JS peer: the same one-task.bpmn in paed01/bpmn-engine, in-process (run in its own child process by the
// orchestrator). Definitions are parsed once: the XML → bpmn-moddle context → serialized source context
// (moddle-context-serializer, as bpmn-engine's API docs show for `sourceContext` / `addSource`), and every instance is
// a `new Engine({ sourceContext })` that only builds its runtime objects. The service task is completed at once by a
// behaviour extension (the `extensions` option of bpmn-elements) that gives every bpmn:ServiceTask a Service whose
// execute() calls back immediately. Start → complete = `engine.execute()` → its completion callback.
//
// `node --import @swc-node/register/esm-register bpmn-engine-peer.ts [--seconds 10 --warmup 3 --rate 500
//   --concurrency 200]`; prints one `BENCH_RESULT {json}` line on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Engine, type BpmnEngineOptions } from 'bpmn-engine';
import * as bpmnModdle from 'bpmn-moddle';
import * as elements from 'bpmn-elements';
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import {
  closedLoop,
  type LatencyResult,
  type LoadTarget,
  openLoop,
  RESULT_PREFIX,
  type ThroughputResult,
} from './load.ts';
import { numberFlag, parseFlags } from '@motcua/bench-support';

const require = createRequire(import.meta.url);
const BPMN = new URL('./one-task.bpmn', import.meta.url);

const log = (message: string): void => void process.stderr.write(`[bpmn-engine] ${message}\n`);

interface Service {
  execute(message: unknown, callback: (error: Error | null, output?: unknown) => void): void;
}

/** A service that completes at once: what a job worker completing immediately amounts to in-process. */
function ImmediateService(): Service {
  return {
    execute(_message, callback) {
      callback(null, {});
    },
  };
}

/** The documented `Logger` option: a silent logger (the default `debug` logger costs an isatty() per element). */
function SilentLogger(): { debug(): void; error(): void; warn(): void } {
  const noop = (): void => {};
  return { debug: noop, error: noop, warn: noop };
}

// An extension may return nothing (bpmn-elements keeps only the extensions that return an object); it runs once per
// activity as the activity is built, and only sets the service task's behaviour.
const extensions = {
  completeServiceTasksAtOnce(activity: { type: string; behaviour: Record<string, unknown> }): void {
    if (activity.type === 'bpmn:ServiceTask') activity.behaviour.Service = ImmediateService;
  },
} as unknown as BpmnEngineOptions['extensions'];

interface ExecutionLike {
  getActivityById(id: string): { counters?: { taken: number; discarded: number } } | undefined;
}

type ModdleConstructor = new () => { fromXML(xml: string): Promise<{ warnings?: unknown[] }> };

async function loadSourceContext(): Promise<BpmnEngineOptions['sourceContext']> {
  // bpmn-moddle 10 exports { BpmnModdle }, 9 a default export; bpmn-engine accepts either (peer range >= 9).
  const exports = bpmnModdle as unknown as { BpmnModdle?: ModdleConstructor; default?: ModdleConstructor };
  const BpmnModdle = (exports.BpmnModdle ?? exports.default)!;
  const moddleContext = await new BpmnModdle().fromXML(readFileSync(BPMN, 'utf8'));
  if (moddleContext.warnings?.length) log(`moddle warnings: ${moddleContext.warnings.length}`);
  return Serializer(moddleContext as unknown as Parameters<typeof Serializer>[0], TypeResolver(elements));
}

export function bpmnEngineVersion(): string {
  const main = pathToFileURL(require.resolve('bpmn-engine')); // .../bpmn-engine/lib/index.cjs
  return JSON.parse(readFileSync(new URL('../package.json', main), 'utf8')).version;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const seconds = numberFlag(flags, 'seconds', 10);
  const warmupSeconds = numberFlag(flags, 'warmup', 3);
  const latencySeconds = numberFlag(flags, 'latency-seconds', seconds);
  const rate = numberFlag(flags, 'rate', 500);
  const concurrency = numberFlag(flags, 'concurrency', 200);

  const options: BpmnEngineOptions = { sourceContext: await loadSourceContext(), extensions, Logger: SilentLogger };
  let failures = 0;
  const target: LoadTarget = {
    start(done) {
      // The callback gets every outcome (errors included); the returned promise carries nothing more.
      void new Engine(options).execute((error: Error | null) => {
        if (error && failures++ < 3) log(`execution failed: ${error.message}`);
        done(!error);
      });
    },
  };

  // Sanity check: one instance must complete (and the service task must have run) before measuring.
  await new Promise<void>((resolve, reject) => {
    void new Engine(options).execute({}, (error: Error | null, execution?: unknown) => {
      if (error) return reject(error);
      const [task, end] = ['task', 'end'].map((id) => (execution as ExecutionLike).getActivityById(id)?.counters);
      if (task?.taken !== 1 || end?.taken !== 1) {
        return reject(new Error(`unexpected run: task ${JSON.stringify(task)}, end ${JSON.stringify(end)}`));
      }
      resolve();
    });
  });

  // --phase throughput|latency runs one of the two (the orchestrator uses a fresh process for each, so instances left
  // over from an overloaded phase cannot slow the next one down); default: both.
  const phase = flags.phase ?? 'both';
  let throughput: ThroughputResult | undefined;
  let latency: LatencyResult | undefined;
  if (phase === 'both' || phase === 'throughput') {
    log(`bpmn-engine ${bpmnEngineVersion()}: closed loop, ${concurrency} in flight`);
    throughput = await closedLoop(target, { concurrency, warmupSeconds, seconds });
    log(`${throughput.piPerSecond} PI/s`);
  }
  if (phase === 'both' || phase === 'latency') {
    log(`bpmn-engine ${bpmnEngineVersion()}: open loop at ${rate}/s`);
    latency = await openLoop(target, { rate, warmupSeconds, seconds: latencySeconds });
    log(`p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, kept up: ${latency.keptUp}`);
  }
  const result = { mode: 'in-process', version: bpmnEngineVersion(), concurrency, throughput, latency };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bpmn-engine] failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
