import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ActivatedJob } from '../core/processor.ts';
import { Rejection } from '../core/processor.ts';
import { sequenceOf } from '../core/keys.ts';
import { DEFAULT_TENANT } from '../core/records.ts';
import { DeploymentRejection, parseBpmn } from '../bpmn/parse.ts';
import type { DeployResourceInput } from '../core/processor.ts';
import { Engine, EngineClosedError } from '../engine.ts';

/** The Zeebe release whose gateway behaviour this engine follows. */
export const GATEWAY_VERSION = '8.5.0';
const DEFAULT_LONG_POLL_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const require = createRequire(import.meta.url);
const PROTO_PATH = require.resolve('@camunda8/sdk/dist/proto/zeebe.proto');

type Json = Record<string, unknown>;
type Unary = (call: grpc.ServerUnaryCall<Json, Json>, callback: grpc.sendUnaryData<Json>) => void;

/** A request the gateway refuses before it reaches the engine. */
class InvalidRequest extends Error {}

/** An answer with a specific gRPC status that is not a command rejection (e.g. an awaited result timing out). */
class StatusError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

const REJECTION_STATUS: Record<Rejection['code'], grpc.status> = {
  NOT_FOUND: grpc.status.NOT_FOUND,
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
};

function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  if (error instanceof Rejection) return { code: REJECTION_STATUS[error.code], details: error.message };
  if (error instanceof InvalidRequest || error instanceof DeploymentRejection) {
    return { code: grpc.status.INVALID_ARGUMENT, details: error.message };
  }
  if (error instanceof StatusError) return { code: error.code, details: error.details };
  if (error instanceof EngineClosedError) return { code: grpc.status.UNAVAILABLE, details: error.message };
  return { code: grpc.status.INTERNAL, details: `Unexpected error: ${(error as Error)?.message ?? String(error)}` };
}

function variablesOf(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequest(
      `Expected to parse the ${what} as a JSON document, but failed: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequest(`Expected the ${what} to be a JSON object, but it was '${text.slice(0, 100)}'`);
  }
  return parsed as Record<string, unknown>;
}

/** Keys arrive as decimal strings; one that cannot be ours is simply not found, as on Zeebe. */
function keyOf(value: unknown): string {
  const text = String(value ?? '');
  return sequenceOf(text) === undefined ? text || '0' : text;
}

function numberOf(value: unknown): number {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? number : 0;
}

function activatedJobMessage(job: ActivatedJob): Json {
  return {
    key: job.key,
    type: job.type,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: job.processDefinitionKey,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    customHeaders: JSON.stringify(job.customHeaders),
    worker: job.worker,
    retries: job.retries,
    deadline: String(job.deadline),
    variables: JSON.stringify(job.variables),
    tenantId: job.tenantId,
  };
}

export interface GatewayOptions {
  host?: string;
  port: number;
}

/** Serves Zeebe's gateway protocol (gateway_protocol.Gateway) over gRPC for an engine. */
export class Gateway {
  private readonly server = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  private readonly openCalls = new Set<grpc.ServerWritableStream<Json, Json>>();
  private boundPort = 0;
  private host = '127.0.0.1';

  constructor(private readonly engine: Engine) {
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
    this.server.addService(proto.gateway_protocol.Gateway.service, this.handlers());
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(options: GatewayOptions): Promise<number> {
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${this.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    return this.boundPort;
  }

  /** Stops accepting calls, ends open job streams and long polls, waits for in-flight unary calls. */
  async close(): Promise<void> {
    for (const call of this.openCalls) call.end();
    this.openCalls.clear();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.forceShutdown(), 5_000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private unary(handler: (request: Json, call: grpc.ServerUnaryCall<Json, Json>) => Promise<Json>): Unary {
    return (call, callback) => {
      handler(call.request, call).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(error)),
      );
    };
  }

  private handlers(): grpc.UntypedServiceImplementation {
    const engine = this.engine;
    return {
      Topology: this.unary(async () => ({
        brokers: [
          {
            nodeId: 0,
            host: this.host,
            port: this.boundPort,
            partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }],
            version: GATEWAY_VERSION,
          },
        ],
        clusterSize: 1,
        partitionsCount: 1,
        replicationFactor: 1,
        gatewayVersion: GATEWAY_VERSION,
      })),

      DeployResource: this.unary(async (request) => {
        const resources = (request.resources as { name: string; content: Buffer }[]) ?? [];
        if (resources.length === 0)
          throw new InvalidRequest('Expected to deploy at least one resource, but none given');
        const inputs: DeployResourceInput[] = [];
        for (const resource of resources) {
          const content = Buffer.from(resource.content ?? []).toString('utf8');
          const lower = resource.name.toLowerCase();
          if (lower.endsWith('.dmn') || lower.endsWith('.form')) {
            throw new InvalidRequest(
              `Expected to deploy new resources, but encountered the following errors:\n'${resource.name}': ${lower.endsWith('.dmn') ? 'DMN decisions' : 'forms'} are not supported by the motcua engine yet`,
            );
          }
          if (!lower.endsWith('.bpmn') && !lower.endsWith('.xml')) {
            throw new InvalidRequest(
              `Expected to deploy new resources, but encountered the following errors:\n'${resource.name}': Expected the resource to be a BPMN file ('.bpmn' or '.xml')`,
            );
          }
          const models = await parseBpmn(content, resource.name);
          inputs.push({ name: resource.name, content, checksum: Engine.checksum(content), models });
        }
        const deployment = await engine.execute((processor) => processor.deploy(inputs));
        return {
          key: deployment.deploymentKey,
          deployments: deployment.processes.map((process) => ({ process })),
          tenantId: DEFAULT_TENANT,
        };
      }),

      DeleteResource: this.unary(async (request) => {
        await engine.execute((processor) => processor.deleteResource(keyOf(request.resourceKey)));
        return {};
      }),

      CreateProcessInstance: this.unary(async (request) => {
        const input = this.creationInput(request);
        const created = await engine.execute((processor) => processor.createProcessInstance(input));
        return { ...created, tenantId: DEFAULT_TENANT };
      }),

      CreateProcessInstanceWithResult: this.unary(async (request) => {
        const input = this.creationInput((request.request as Json) ?? {});
        const fetch = (request.fetchVariables as string[]) ?? [];
        const timeout =
          numberOf(request.requestTimeout) > 0 ? numberOf(request.requestTimeout) : DEFAULT_REQUEST_TIMEOUT_MS;
        let ended: ((value: { completed: boolean; variables: Record<string, unknown> }) => void) | undefined;
        const end = new Promise<{ completed: boolean; variables: Record<string, unknown> }>(
          (resolve) => (ended = resolve),
        );
        let unsubscribe: () => void = () => undefined;
        const created = await engine.execute((processor) => {
          const result = processor.createProcessInstance(input);
          unsubscribe = engine.awaitInstanceEnd(result.processInstanceKey, (effect) => ended!(effect));
          return result;
        });
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout)));
        const outcome = await Promise.race([end, timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          unsubscribe();
          throw new StatusError(
            grpc.status.DEADLINE_EXCEEDED,
            `Expected to complete process instance '${created.processInstanceKey}' within ${timeout} ms, but it did not`,
          );
        }
        if (!outcome.completed) {
          throw new Rejection(
            'FAILED_PRECONDITION',
            'CREATE_WITH_AWAITING_RESULT',
            `Expected to receive the result of process instance '${created.processInstanceKey}', but it was terminated`,
          );
        }
        const variables =
          fetch.length === 0
            ? outcome.variables
            : Object.fromEntries(
                fetch.filter((name) => name in outcome.variables).map((name) => [name, outcome.variables[name]]),
              );
        return { ...created, variables: JSON.stringify(variables), tenantId: DEFAULT_TENANT };
      }),

      CancelProcessInstance: this.unary(async (request) => {
        await engine.execute((processor) => processor.cancelProcessInstance(keyOf(request.processInstanceKey)));
        return {};
      }),

      ModifyProcessInstance: this.unary(async (request) => {
        const activate = ((request.activateInstructions as Json[]) ?? []).map((instruction) => {
          const ancestor = String(instruction.ancestorElementInstanceKey ?? '0');
          return {
            elementId: String(instruction.elementId ?? ''),
            ancestorElementInstanceKey: ancestor === '0' || ancestor === '-1' ? undefined : ancestor,
            variables: ((instruction.variableInstructions as Json[]) ?? []).map((variableInstruction) => ({
              scopeId: String(variableInstruction.scopeId ?? ''),
              variables: variablesOf(variableInstruction.variables, 'variables of a variable instruction'),
            })),
          };
        });
        const terminate = ((request.terminateInstructions as Json[]) ?? []).map((instruction) =>
          keyOf(instruction.elementInstanceKey),
        );
        await engine.execute((processor) =>
          processor.modifyProcessInstance({
            processInstanceKey: keyOf(request.processInstanceKey),
            activate,
            terminate,
          }),
        );
        return {};
      }),

      ActivateJobs: (call: grpc.ServerWritableStream<Json, Json>) => this.activateJobs(call),
      StreamActivatedJobs: (call: grpc.ServerWritableStream<Json, Json>) => this.streamJobs(call),

      CompleteJob: this.unary(async (request) => {
        const variables = variablesOf(request.variables, 'variables');
        await engine.execute((processor) => processor.completeJob(keyOf(request.jobKey), variables));
        return {};
      }),

      FailJob: this.unary(async (request) => {
        const variables = variablesOf(request.variables, 'variables');
        await engine.execute((processor) =>
          processor.failJob(
            keyOf(request.jobKey),
            numberOf(request.retries),
            String(request.errorMessage ?? ''),
            numberOf(request.retryBackOff),
            variables,
          ),
        );
        return {};
      }),

      ThrowError: this.unary(async (request) => {
        const variables = variablesOf(request.variables, 'variables');
        const errorCode = String(request.errorCode ?? '');
        if (errorCode === '') throw new InvalidRequest('Expected argument errorCode to be a non-empty string');
        await engine.execute((processor) =>
          processor.throwError(keyOf(request.jobKey), errorCode, String(request.errorMessage ?? ''), variables),
        );
        return {};
      }),

      UpdateJobRetries: this.unary(async (request) => {
        await engine.execute((processor) =>
          processor.updateJobRetries(keyOf(request.jobKey), numberOf(request.retries)),
        );
        return {};
      }),

      UpdateJobTimeout: this.unary(async (request) => {
        await engine.execute((processor) =>
          processor.updateJobTimeout(keyOf(request.jobKey), numberOf(request.timeout)),
        );
        return {};
      }),

      PublishMessage: this.unary(async (request) => {
        const name = String(request.name ?? '');
        if (name === '') throw new InvalidRequest('Expected argument name to be a non-empty string');
        const variables = variablesOf(request.variables, 'variables');
        const published = await engine.execute((processor) =>
          processor.publishMessage({
            name,
            correlationKey: String(request.correlationKey ?? ''),
            timeToLive: Math.max(0, numberOf(request.timeToLive)),
            messageId: String(request.messageId ?? ''),
            variables,
          }),
        );
        return { key: published.key, tenantId: DEFAULT_TENANT };
      }),

      SetVariables: this.unary(async (request) => {
        const variables = variablesOf(request.variables, 'variables');
        const result = await engine.execute((processor) =>
          processor.setVariables(keyOf(request.elementInstanceKey), variables, request.local === true),
        );
        return { key: result.key };
      }),

      ResolveIncident: this.unary(async (request) => {
        await engine.execute((processor) => processor.resolveIncident(keyOf(request.incidentKey)));
        return {};
      }),

      BroadcastSignal: this.unary(async (request) => {
        const signalName = String(request.signalName ?? '');
        if (signalName === '') throw new InvalidRequest('Expected argument signalName to be a non-empty string');
        const variables = variablesOf(request.variables, 'variables');
        const result = await engine.execute((processor) => processor.broadcastSignal(signalName, variables));
        return { key: result.key, tenantId: DEFAULT_TENANT };
      }),
    };
  }

  private creationInput(request: Json): {
    processDefinitionKey?: string;
    bpmnProcessId?: string;
    version?: number;
    variables: Record<string, unknown>;
    startElementIds: string[];
  } {
    const processDefinitionKey = String(request.processDefinitionKey ?? '0');
    const bpmnProcessId = String(request.bpmnProcessId ?? '');
    if (processDefinitionKey === '0' && bpmnProcessId === '') {
      throw new InvalidRequest('Expected either a processDefinitionKey or a bpmnProcessId, but none given');
    }
    return {
      processDefinitionKey: processDefinitionKey === '0' ? undefined : keyOf(processDefinitionKey),
      bpmnProcessId: bpmnProcessId || undefined,
      version: numberOf(request.version),
      variables: variablesOf(request.variables, 'variables'),
      startElementIds: ((request.startInstructions as Json[]) ?? []).map((instruction) =>
        String(instruction.elementId ?? ''),
      ),
    };
  }

  private validateJobRequest(request: Json): {
    type: string;
    worker: string;
    timeout: number;
    fetchVariables: string[];
  } {
    const type = String(request.type ?? '');
    if (type === '') throw new InvalidRequest('Expected argument type to be a non-empty string');
    const timeout = numberOf(request.timeout);
    if (timeout < 1) throw new InvalidRequest(`Expected argument timeout to be greater than 0, but was ${timeout}`);
    return {
      type,
      worker: String(request.worker ?? ''),
      timeout,
      fetchVariables: (request.fetchVariable as string[]) ?? [],
    };
  }

  private fail(call: grpc.ServerWritableStream<Json, Json>, error: unknown): void {
    const serviceError = toServiceError(error);
    call.emit('error', { code: serviceError.code, details: serviceError.details });
  }

  private activateJobs(call: grpc.ServerWritableStream<Json, Json>): void {
    let input: ReturnType<Gateway['validateJobRequest']> & { maxJobsToActivate: number };
    try {
      const maxJobsToActivate = numberOf(call.request.maxJobsToActivate);
      if (maxJobsToActivate < 1) {
        throw new InvalidRequest(
          `Expected argument maxJobsToActivate to be greater than 0, but was ${maxJobsToActivate}`,
        );
      }
      input = { ...this.validateJobRequest(call.request), maxJobsToActivate };
    } catch (error) {
      return this.fail(call, error);
    }
    const requestTimeout = numberOf(call.request.requestTimeout);
    const longPoll = requestTimeout >= 0;
    const consumerId = `poll-${randomUUID()}`;
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      answered = true;
      if (timer) clearTimeout(timer);
      this.engine.jobConsumers.remove(consumerId);
      this.openCalls.delete(call);
      call.end();
    };
    this.engine
      .execute(
        (processor) => {
          const jobs = processor.activateJobs(input);
          // Registered in the same batch as the empty activation, so no job created after it is missed.
          if (jobs.length === 0 && longPoll) {
            this.engine.jobConsumers.add({
              id: consumerId,
              type: input.type,
              worker: input.worker,
              timeout: input.timeout,
              fetchVariables: input.fetchVariables,
              maxJobs: input.maxJobsToActivate,
              deliver: (pushed) => {
                if (answered || call.cancelled) return false;
                call.write({ jobs: pushed.map(activatedJobMessage) });
                finish();
                return true;
              },
            });
          }
          return jobs;
          // Answered before the activation is on disk: an activation lost in a crash only makes the job
          // activatable again (at-least-once), and the journal is sequential, so any later durable
          // command (a completion) makes the activation before it durable too. Saves a sync per poll.
        },
        { awaitDurability: false },
      )
      .then(
        (jobs) => {
          if (jobs.length > 0 || !longPoll) {
            if (call.cancelled) return this.yieldUndelivered(jobs);
            if (jobs.length > 0) call.write({ jobs: jobs.map(activatedJobMessage) });
            return finish();
          }
          if (answered) return;
          this.openCalls.add(call);
          timer = setTimeout(finish, requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : requestTimeout);
          call.on('cancelled', () => {
            if (!answered) finish();
          });
        },
        (error: unknown) => this.fail(call, error),
      );
  }

  private streamJobs(call: grpc.ServerWritableStream<Json, Json>): void {
    let input: ReturnType<Gateway['validateJobRequest']>;
    try {
      input = this.validateJobRequest(call.request);
    } catch (error) {
      return this.fail(call, error);
    }
    const consumerId = `stream-${randomUUID()}`;
    this.openCalls.add(call);
    const close = (): void => {
      this.engine.jobConsumers.remove(consumerId);
      this.openCalls.delete(call);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    this.engine.jobConsumers.add({
      id: consumerId,
      type: input.type,
      worker: input.worker,
      timeout: input.timeout,
      fetchVariables: input.fetchVariables,
      maxJobs: Infinity,
      deliver: (jobs) => {
        if (call.cancelled || call.destroyed) {
          close();
          return false;
        }
        for (const job of jobs) call.write(activatedJobMessage(job));
        return true;
      },
    });
  }

  private yieldUndelivered(jobs: ActivatedJob[]): void {
    if (jobs.length === 0) return;
    void this.engine
      .execute((processor) => {
        for (const job of jobs) processor.yieldJob(job.key);
      })
      .catch(() => undefined);
  }
}

/** Starts an engine on a data dir with a gateway in front of it. */
export async function startEngineServer(options: {
  dataDir: string;
  port: number;
  host?: string;
  log?: (message: string) => void;
  fsync?: boolean;
}): Promise<{ engine: Engine; gateway: Gateway; port: number; close: () => Promise<void> }> {
  const engine = await Engine.open({ dataDir: options.dataDir, log: options.log, fsync: options.fsync });
  const gateway = new Gateway(engine);
  const port = await gateway.listen({ port: options.port, host: options.host });
  return {
    engine,
    gateway,
    port,
    close: async () => {
      await gateway.close();
      await engine.close();
    },
  };
}
