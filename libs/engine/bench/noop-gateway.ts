// A no-op Zeebe gateway for the benchmark: the same gRPC service (gateway_protocol.Gateway from the proto that
// @camunda8/sdk ships), no BPMN, no journal. CreateProcessInstance answers at once with a made-up key and creates one
// job per instance; the job is pushed to a StreamActivatedJobs stream or handed to an ActivateJobs long poll;
// CompleteJob acknowledges it. It measures the ceiling of the official client and the wire on this machine.
//
// Run as a child process: `node --import @swc-node/register/esm-register noop-gateway.ts [--port 0]`; prints
// `noop gateway listening on 127.0.0.1:PORT` when ready; SIGTERM/SIGINT shut it down.
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const PROTO_PATH = require.resolve('@camunda8/sdk/dist/proto/zeebe.proto');

const TENANT = '<default>';
const VERSION = '8.5.0';
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

interface Job {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: string;
  worker: string;
  retries: number;
  deadline: string;
  variables: string;
  tenantId: string;
}

interface Process {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  jobType: string;
  elementId: string;
}

interface PendingPoll {
  call: grpc.ServerWritableStream<ActivateJobsRequest, unknown>;
  request: ActivateJobsRequest;
  timer: NodeJS.Timeout | undefined;
}

interface JobStream {
  call: grpc.ServerWritableStream<StreamRequest, unknown>;
  request: StreamRequest;
}

interface ActivateJobsRequest {
  type: string;
  worker: string;
  timeout: string;
  maxJobsToActivate: number;
  requestTimeout: string;
}

interface StreamRequest {
  type: string;
  worker: string;
  timeout: string;
}

// Keys as Zeebe builds them: partition 1 in the top bits, a sequence below (beyond 2^53, hence BigInt).
let sequence = 0n;
const nextKey = (): string => ((1n << 51n) + ++sequence).toString();

const processesById = new Map<string, Process>();
const processesByKey = new Map<string, Process>();
const queued: Job[] = []; // created, not yet activated
const activated = new Set<string>(); // activated, not yet completed
const polls: PendingPoll[] = [];
const streams: JobStream[] = [];
let streamCursor = 0;

function activate(job: Job, worker: string, timeout: string): Job {
  activated.add(job.key);
  return { ...job, worker, deadline: String(Date.now() + Number(timeout)) };
}

function takeQueued(type: string, max: number): Job[] {
  const taken: Job[] = [];
  for (let i = 0; i < queued.length && taken.length < max;) {
    if (queued[i].type === type) taken.push(...queued.splice(i, 1));
    else i++;
  }
  return taken;
}

function finishPoll(poll: PendingPoll, jobs: Job[]): void {
  if (poll.timer) clearTimeout(poll.timer);
  const index = polls.indexOf(poll);
  if (index >= 0) polls.splice(index, 1);
  if (jobs.length > 0) {
    poll.call.write({ jobs: jobs.map((job) => activate(job, poll.request.worker, poll.request.timeout)) });
  }
  poll.call.end();
}

// A new job goes to an open stream first (round robin), else to a waiting long poll, else to the queue.
function dispatch(job: Job): void {
  const candidates = streams.filter((s) => s.request.type === job.type && !s.call.cancelled);
  if (candidates.length > 0) {
    const stream = candidates[streamCursor++ % candidates.length];
    stream.call.write(activate(job, stream.request.worker, stream.request.timeout));
    return;
  }
  const poll = polls.find((p) => p.request.type === job.type);
  if (poll) {
    finishPoll(poll, [job]);
    return;
  }
  queued.push(job);
}

function extractProcess(xml: string): { bpmnProcessId: string; jobType: string; elementId: string } {
  const processId = /<(?:\w+:)?process\b[^>]*\bid="([^"]+)"/.exec(xml)?.[1];
  const jobType = /<zeebe:taskDefinition\b[^>]*\btype="([^"]+)"/.exec(xml)?.[1] ?? 'bench-task';
  const elementId = /<(?:\w+:)?serviceTask\b[^>]*\bid="([^"]+)"/.exec(xml)?.[1] ?? 'task';
  if (!processId) throw new Error('no bpmn:process id in resource');
  return { bpmnProcessId: processId, jobType, elementId };
}

// Messages as @grpc/proto-loader decodes them (keepCase, longs as strings): plain objects.
type Message = Record<string, unknown>;
type Unary = (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => void;

const notFound = (message: string): Partial<grpc.StatusObject> => ({ code: grpc.status.NOT_FOUND, details: message });

let boundPort = 0;

const topology: Unary = (_call, callback) =>
  callback(null, {
    brokers: [
      {
        nodeId: 0,
        host: '127.0.0.1',
        port: boundPort,
        partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }],
        version: VERSION,
      },
    ],
    clusterSize: 1,
    partitionsCount: 1,
    replicationFactor: 1,
    gatewayVersion: VERSION,
  });

const deployResource: Unary = (call, callback) => {
  try {
    const deployments = (call.request.resources as { name: string; content: Buffer }[]).map((resource) => {
      const parsed = extractProcess(resource.content.toString('utf8'));
      const previous = processesById.get(parsed.bpmnProcessId);
      const process: Process = { ...parsed, version: (previous?.version ?? 0) + 1, processDefinitionKey: nextKey() };
      processesById.set(process.bpmnProcessId, process);
      processesByKey.set(process.processDefinitionKey, process);
      return {
        process: {
          bpmnProcessId: process.bpmnProcessId,
          version: process.version,
          processDefinitionKey: process.processDefinitionKey,
          resourceName: resource.name,
          tenantId: TENANT,
        },
      };
    });
    callback(null, { key: nextKey(), deployments, tenantId: TENANT });
  } catch (error) {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
  }
};

const createProcessInstance: Unary = (call, callback) => {
  const { bpmnProcessId, processDefinitionKey } = call.request as {
    bpmnProcessId: string;
    processDefinitionKey: string;
  };
  const process =
    processDefinitionKey && processDefinitionKey !== '0'
      ? processesByKey.get(processDefinitionKey)
      : processesById.get(bpmnProcessId);
  if (!process) {
    callback(
      notFound(`Expected to find process definition '${bpmnProcessId || processDefinitionKey}', but none found`),
    );
    return;
  }
  const processInstanceKey = nextKey();
  callback(null, {
    processDefinitionKey: process.processDefinitionKey,
    bpmnProcessId: process.bpmnProcessId,
    version: process.version,
    processInstanceKey,
    tenantId: TENANT,
  });
  dispatch({
    key: nextKey(),
    type: process.jobType,
    processInstanceKey,
    bpmnProcessId: process.bpmnProcessId,
    processDefinitionVersion: process.version,
    processDefinitionKey: process.processDefinitionKey,
    elementId: process.elementId,
    elementInstanceKey: nextKey(),
    customHeaders: '{}',
    worker: '',
    retries: 3,
    deadline: '0',
    variables: '{}',
    tenantId: TENANT,
  });
};

const completeJob: Unary = (call, callback) => {
  const jobKey = String(call.request.jobKey);
  if (!activated.delete(jobKey)) {
    callback(
      notFound(
        `Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '${jobKey}', but no such job was found`,
      ),
    );
    return;
  }
  callback(null, {});
};

function activateJobs(call: grpc.ServerWritableStream<ActivateJobsRequest, unknown>): void {
  const request = call.request;
  const poll: PendingPoll = { call, request, timer: undefined };
  const jobs = takeQueued(request.type, Math.max(1, request.maxJobsToActivate));
  const requestTimeout = Number(request.requestTimeout);
  if (jobs.length > 0 || requestTimeout < 0) {
    finishPoll(poll, jobs);
    return;
  }
  polls.push(poll);
  poll.timer = setTimeout(() => finishPoll(poll, []), requestTimeout || DEFAULT_REQUEST_TIMEOUT_MS);
  call.on('cancelled', () => {
    if (poll.timer) clearTimeout(poll.timer);
    const index = polls.indexOf(poll);
    if (index >= 0) polls.splice(index, 1);
  });
}

function streamActivatedJobs(call: grpc.ServerWritableStream<StreamRequest, unknown>): void {
  const stream: JobStream = { call, request: call.request };
  streams.push(stream);
  const remove = (): void => {
    const index = streams.indexOf(stream);
    if (index >= 0) streams.splice(index, 1);
  };
  call.on('cancelled', remove);
  call.on('close', remove);
  call.on('error', remove);
}

function parsePort(argv: string[]): number {
  const index = argv.indexOf('--port');
  return index >= 0 ? Number(argv[index + 1]) : 0;
}

async function main(): Promise<void> {
  const definition = protoLoader.loadSync(PROTO_PATH, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } };
  };
  const server = new grpc.Server({ 'grpc.max_concurrent_streams': 10_000 });
  server.addService(proto.gateway_protocol.Gateway.service, {
    Topology: topology,
    DeployResource: deployResource,
    CreateProcessInstance: createProcessInstance,
    CompleteJob: completeJob,
    ActivateJobs: activateJobs,
    StreamActivatedJobs: streamActivatedJobs,
  });
  boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${parsePort(process.argv)}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const poll of [...polls]) finishPoll(poll, []);
    for (const stream of streams) stream.call.end();
    server.tryShutdown(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`noop gateway listening on 127.0.0.1:${boundPort}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`noop gateway failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
