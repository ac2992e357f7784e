import type { Clock } from './clock.ts';
import { keyOf } from './keys.ts';
import type { ElementModel, EventDefinition, Expression, ProcessModel } from './model.ts';
import type { EngineRecord, ValueType } from './records.ts';
import { DEFAULT_TENANT, NO_KEY } from './records.ts';
import type {
  BufferedMessage,
  DeployedProcess,
  ElementInstance,
  IncidentErrorType,
  Job,
  MessageSubscription,
} from './state.ts';
import { EngineState } from './state.ts';
import { evaluateExpression } from './feel.ts';
import { addDuration, nextCycleDueDate, parseCycle, parseTimeDate } from './timer-expressions.ts';

/**
 * The command processor: commands in, events out. Each public command runs as one batch: the
 * command's own events and every follow-up step (the next element activating, a scope
 * completing, ...) are applied to the state as they are emitted and returned together, so the
 * host can make the batch durable before it answers the client.
 */

export type RejectionCode = 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'ALREADY_EXISTS';

/** A command the engine refuses; nothing was written. */
export class Rejection extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly intent: string,
    readonly reason: string,
  ) {
    // Zeebe's rejection type for a command in the wrong state is INVALID_STATE; its gateway maps it to FAILED_PRECONDITION.
    super(
      `Command '${intent}' rejected with code '${code === 'FAILED_PRECONDITION' ? 'INVALID_STATE' : code}': ${reason}`,
    );
  }
}

/** A job as handed to a worker (the gateway's ActivatedJob, int64 as strings, JSON as objects). */
export interface ActivatedJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: Record<string, string>;
  worker: string;
  retries: number;
  deadline: number;
  variables: Record<string, unknown>;
  tenantId: string;
}

/** A worker waiting for jobs of a type: a job stream, or a long-polling ActivateJobs. */
export interface JobConsumer {
  readonly id: string;
  readonly worker: string;
  readonly timeout: number;
  readonly fetchVariables: readonly string[];
}

export interface JobConsumers {
  /** The consumer that should get the next job of this type now, if one is waiting. */
  claim(type: string): JobConsumer | undefined;
}

export type SideEffect =
  | { kind: 'jobPushed'; consumerId: string; job: ActivatedJob }
  | {
      kind: 'instanceEnded';
      processInstanceKey: string;
      completed: boolean;
      variables: Record<string, unknown>;
    };

export interface BatchResult<T> {
  result?: T;
  rejection?: Rejection;
  /** A bug surfaced while processing: the records up to it are still returned, they were applied. */
  failure?: Error;
  records: EngineRecord[];
  effects: SideEffect[];
}

export interface DeployResourceInput {
  name: string;
  content: string;
  checksum: string;
  models: ProcessModel[];
}

export interface DeployedProcessMetadata {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  resourceName: string;
  tenantId: string;
}

export interface CreateInstanceInput {
  processDefinitionKey?: string;
  bpmnProcessId?: string;
  version?: number;
  variables: Record<string, unknown>;
  startElementIds?: string[];
}

export interface ModifyInput {
  processInstanceKey: string;
  activate: {
    elementId: string;
    ancestorElementInstanceKey?: string;
    variables: { scopeId: string; variables: Record<string, unknown> }[];
  }[];
  terminate: string[];
}

/** Raised inside a step when an expression or mapping fails: becomes an incident on the element. */
class IncidentSignal extends Error {
  constructor(
    readonly errorType: IncidentErrorType,
    message: string,
  ) {
    super(message);
  }
}

type Step =
  | { op: 'activate'; key: string; trigger?: Record<string, unknown>; startElementIds?: string[] }
  | { op: 'complete'; key: string; variables?: Record<string, unknown>; flowIds?: string[] };

export class Processor {
  readonly state: EngineState;
  private records: EngineRecord[] = [];
  private effects: SideEffect[] = [];
  private readonly steps: Step[] = [];
  private inBatch = false;
  consumers: JobConsumers = { claim: () => undefined };

  constructor(
    readonly clock: Clock,
    modelOf: (process: DeployedProcess) => ProcessModel,
  ) {
    this.state = new EngineState(modelOf);
  }

  // ---------------------------------------------------------------- batches

  /** Runs one command as a batch. */
  run<T>(command: () => T): BatchResult<T> {
    if (this.inBatch) throw new Error('commands cannot nest');
    this.inBatch = true;
    this.records = [];
    this.effects = [];
    const outcome: BatchResult<T> = { records: this.records, effects: this.effects };
    try {
      outcome.result = command();
      this.drain();
    } catch (error) {
      if (error instanceof Rejection && this.records.length === 0) outcome.rejection = error;
      else outcome.failure = error as Error;
    } finally {
      this.steps.length = 0;
      this.inBatch = false;
    }
    return outcome;
  }

  private drain(): void {
    for (let step = this.steps.shift(); step; step = this.steps.shift()) {
      const instance = this.state.elementInstances.get(step.key);
      if (!instance || instance.state === 'TERMINATING') continue;
      try {
        if (step.op === 'activate') this.activateStep(instance, step);
        else this.completeStep(instance, step);
      } catch (error) {
        if (!(error instanceof IncidentSignal)) throw error;
        this.raiseIncident(error.errorType, error.message, instance, NO_KEY);
      }
    }
  }

  private emit(valueType: ValueType, intent: string, key: string, value: Record<string, unknown>): EngineRecord {
    const record: EngineRecord = {
      position: this.state.position + 1,
      key,
      timestamp: this.clock.now(),
      recordType: 'EVENT',
      valueType,
      intent,
      value,
    };
    this.state.apply(record);
    this.records.push(record);
    return record;
  }

  private nextKey(): string {
    // The state learns the highest key from the records; reserve it now for records that follow.
    this.state.keySequence++;
    return keyOf(this.state.keySequence);
  }

  // ---------------------------------------------------------------- deployment

  deploy(resources: DeployResourceInput[]): { deploymentKey: string; processes: DeployedProcessMetadata[] } {
    const deploymentKey = this.nextKey();
    const processes: DeployedProcessMetadata[] = [];
    const created: DeployedProcess[] = [];
    for (const resource of resources) {
      for (const model of resource.models) {
        const latest = this.state.latestProcess(model.bpmnProcessId);
        if (latest && latest.checksum === resource.checksum && latest.resourceName === resource.name) {
          processes.push(this.metadataOf(latest));
          continue;
        }
        // Zeebe never reuses a version number, not even one whose definition was deleted.
        const lastVersion = this.state.highestVersions.get(model.bpmnProcessId) ?? 0;
        const process: DeployedProcess = {
          key: this.nextKey(),
          bpmnProcessId: model.bpmnProcessId,
          version: lastVersion + 1,
          resourceName: resource.name,
          checksum: resource.checksum,
          deploymentKey,
          resource: resource.content,
        };
        this.state.models.set(process.key, model);
        created.push(process);
        processes.push(this.metadataOf(process));
      }
    }
    // Start timers are computed before anything is written: a bad one rejects the whole deployment.
    for (const process of created) {
      const model = this.state.models.get(process.key)!;
      for (const id of model.timerStartEventIds) {
        const definition = model.elements.get(id)!.eventDefinition;
        if (definition?.kind !== 'timer') continue;
        try {
          this.timerSchedule(definition, undefined, this.clock.now());
        } catch (error) {
          for (const rejected of created) this.state.models.delete(rejected.key);
          throw new Rejection(
            'INVALID_ARGUMENT',
            'CREATE',
            `'${process.resourceName}': - Element: ${id}: ${(error as Error).message}`,
          );
        }
      }
    }
    for (const process of created) {
      const previous = this.state.latestProcess(process.bpmnProcessId);
      this.emit('PROCESS', 'CREATED', process.key, { ...process, tenantId: DEFAULT_TENANT });
      if (previous) this.cancelStartTimers(previous.key);
      this.openStartTimers(process);
    }
    this.emit('DEPLOYMENT', 'CREATED', deploymentKey, { processesMetadata: processes, tenantId: DEFAULT_TENANT });
    return { deploymentKey, processes };
  }

  private metadataOf(process: DeployedProcess): DeployedProcessMetadata {
    return {
      bpmnProcessId: process.bpmnProcessId,
      version: process.version,
      processDefinitionKey: process.key,
      resourceName: process.resourceName,
      tenantId: DEFAULT_TENANT,
    };
  }

  deleteResource(resourceKey: string): void {
    const process = this.state.processes.get(resourceKey);
    if (!process) {
      throw new Rejection(
        'NOT_FOUND',
        'DELETE',
        `Expected to delete resource but no resource found with key \`${resourceKey}\``,
      );
    }
    for (const instance of this.state.elementInstances.values()) {
      if (instance.processDefinitionKey === resourceKey) {
        throw new Rejection(
          'FAILED_PRECONDITION',
          'DELETE',
          `Expected to delete resource with key \`${resourceKey}\` but there are still running instances of process '${process.bpmnProcessId}' version ${process.version}`,
        );
      }
    }
    const wasLatest = this.state.latestProcess(process.bpmnProcessId)?.key === resourceKey;
    this.cancelStartTimers(resourceKey);
    this.emit('PROCESS', 'DELETED', resourceKey, { ...process, tenantId: DEFAULT_TENANT });
    this.emit('RESOURCE_DELETION', 'DELETED', resourceKey, { resourceKey, tenantId: DEFAULT_TENANT });
    const newLatest = this.state.latestProcess(process.bpmnProcessId);
    if (wasLatest && newLatest) this.openStartTimers(newLatest);
  }

  // ---------------------------------------------------------------- process instances

  createProcessInstance(input: CreateInstanceInput): {
    processDefinitionKey: string;
    bpmnProcessId: string;
    version: number;
    processInstanceKey: string;
  } {
    const process = this.findProcess(input);
    const model = this.state.model(process.key);
    if (!input.startElementIds?.length && !model.noneStartEventId) {
      throw new Rejection(
        'INVALID_ARGUMENT',
        'CREATE',
        `Expected to create instance of process with none start event, but there is no such event`,
      );
    }
    for (const elementId of input.startElementIds ?? []) {
      const element = model.elements.get(elementId);
      if (!element || element.type === 'process') {
        throw new Rejection(
          'INVALID_ARGUMENT',
          'CREATE',
          `Expected to create instance of process with start instructions but no element found with id '${elementId}'.`,
        );
      }
      if (element.scopeId !== model.bpmnProcessId && element.type !== 'boundaryEvent') {
        // Zeebe supports elements inside subprocesses only through ModifyProcessInstance.
        throw new Rejection(
          'INVALID_ARGUMENT',
          'CREATE',
          `Expected to create instance of process with start instructions but the element with id '${elementId}' is inside a subprocess; use ModifyProcessInstance for that.`,
        );
      }
    }
    const key = this.startInstance(process, input.variables, { startElementIds: input.startElementIds });
    return {
      processDefinitionKey: process.key,
      bpmnProcessId: process.bpmnProcessId,
      version: process.version,
      processInstanceKey: key,
    };
  }

  private findProcess(input: CreateInstanceInput): DeployedProcess {
    if (input.processDefinitionKey && input.processDefinitionKey !== '0') {
      const process = this.state.processes.get(input.processDefinitionKey);
      if (!process) {
        throw new Rejection(
          'NOT_FOUND',
          'CREATE',
          `Expected to find process definition with key '${input.processDefinitionKey}', but none found`,
        );
      }
      return process;
    }
    const id = input.bpmnProcessId ?? '';
    if (input.version !== undefined && input.version >= 0) {
      const key = (this.state.processVersions.get(id) ?? []).find(
        (k) => this.state.processes.get(k)!.version === input.version,
      );
      if (!key) {
        throw new Rejection(
          'NOT_FOUND',
          'CREATE',
          `Expected to find process definition with process ID '${id}' and version '${input.version}', but none found`,
        );
      }
      return this.state.processes.get(key)!;
    }
    const latest = this.state.latestProcess(id);
    if (!latest) {
      throw new Rejection(
        'NOT_FOUND',
        'CREATE',
        `Expected to find process definition with process ID '${id}', but none found`,
      );
    }
    return latest;
  }

  private startInstance(
    process: DeployedProcess,
    variables: Record<string, unknown>,
    options: {
      startElementIds?: string[];
      parentElementInstanceKey?: string;
      parentProcessInstanceKey?: string;
      startCorrelationKey?: string;
      trigger?: Record<string, unknown>;
    },
  ): string {
    const key = this.nextKey();
    const value: Record<string, unknown> = {
      bpmnProcessId: process.bpmnProcessId,
      version: process.version,
      processDefinitionKey: process.key,
      processInstanceKey: key,
      elementId: process.bpmnProcessId,
      flowScopeKey: NO_KEY,
      bpmnElementType: 'process',
      parentProcessInstanceKey: options.parentProcessInstanceKey ?? NO_KEY,
      parentElementInstanceKey: options.parentElementInstanceKey ?? NO_KEY,
      tenantId: DEFAULT_TENANT,
    };
    this.emit('PROCESS_INSTANCE_CREATION', 'CREATED', key, {
      bpmnProcessId: process.bpmnProcessId,
      processDefinitionKey: process.key,
      version: process.version,
      processInstanceKey: key,
      tenantId: DEFAULT_TENANT,
    });
    this.emitElement('ELEMENT_ACTIVATING', key, value, {
      startCorrelationKey: options.startCorrelationKey,
    });
    for (const [name, variableValue] of Object.entries(variables)) this.setVariable(key, key, name, variableValue);
    this.steps.push({ op: 'activate', key, startElementIds: options.startElementIds, trigger: options.trigger });
    return key;
  }

  cancelProcessInstance(processInstanceKey: string): void {
    const instance = this.state.elementInstances.get(processInstanceKey);
    if (!instance || instance.flowScopeKey || instance.key !== instance.processInstanceKey) {
      throw new Rejection(
        'NOT_FOUND',
        'CANCEL',
        `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
      );
    }
    if (instance.parentProcessInstanceKey) {
      throw new Rejection(
        'FAILED_PRECONDITION',
        'CANCEL',
        `Expected to cancel a process instance with key '${processInstanceKey}', but it is created by a parent process instance. Cancel the root process instance '${this.rootOf(instance)}' instead.`,
      );
    }
    this.terminate(instance);
  }

  private rootOf(instance: ElementInstance): string {
    let current = this.state.elementInstances.get(instance.processInstanceKey);
    while (current?.parentProcessInstanceKey) {
      const parent = this.state.elementInstances.get(current.parentProcessInstanceKey);
      if (!parent) break;
      current = parent;
    }
    return current?.key ?? instance.processInstanceKey;
  }

  // ---------------------------------------------------------------- element lifecycle

  private elementOf(instance: ElementInstance): ElementModel {
    const element = this.state.model(instance.processDefinitionKey).elements.get(instance.elementId);
    if (!element) throw new Error(`element ${instance.elementId} not in process ${instance.processDefinitionKey}`);
    return element;
  }

  private recordValue(instance: ElementInstance): Record<string, unknown> {
    return {
      bpmnProcessId: instance.bpmnProcessId,
      version: instance.version,
      processDefinitionKey: instance.processDefinitionKey,
      processInstanceKey: instance.processInstanceKey,
      elementId: instance.elementId,
      flowScopeKey: instance.flowScopeKey ?? NO_KEY,
      bpmnElementType: instance.bpmnElementType,
      parentProcessInstanceKey: instance.parentProcessInstanceKey ?? NO_KEY,
      parentElementInstanceKey: instance.parentElementInstanceKey ?? NO_KEY,
      tenantId: DEFAULT_TENANT,
    };
  }

  private emitElement(
    intent: string,
    key: string,
    value: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): void {
    const full: Record<string, unknown> = { ...value };
    for (const [name, extraValue] of Object.entries(extra)) if (extraValue !== undefined) full[name] = extraValue;
    this.emit('PROCESS_INSTANCE', intent, key, full);
  }

  private transition(instance: ElementInstance, intent: string, extra: Record<string, unknown> = {}): void {
    this.emitElement(intent, instance.key, this.recordValue(instance), extra);
  }

  /** Emits ELEMENT_ACTIVATING for an element in a scope and queues its activation. */
  private activateIn(
    scope: ElementInstance,
    element: ElementModel,
    options: {
      consumedFlowIds?: string[];
      trigger?: Record<string, unknown>;
      loopCounter?: number;
      innerOfBody?: boolean;
      localVariables?: Record<string, unknown>;
    } = {},
  ): string {
    const key = this.nextKey();
    const asBody = element.multiInstance !== undefined && !options.innerOfBody;
    this.emitElement(
      'ELEMENT_ACTIVATING',
      key,
      {
        bpmnProcessId: scope.bpmnProcessId,
        version: scope.version,
        processDefinitionKey: scope.processDefinitionKey,
        processInstanceKey: scope.processInstanceKey,
        elementId: element.id,
        flowScopeKey: scope.key,
        bpmnElementType: asBody ? 'multiInstanceBody' : element.type,
        parentProcessInstanceKey: NO_KEY,
        parentElementInstanceKey: NO_KEY,
        tenantId: DEFAULT_TENANT,
      },
      { consumedFlowIds: options.consumedFlowIds, loopCounter: options.loopCounter },
    );
    for (const [name, value] of Object.entries(options.localVariables ?? {})) {
      this.setVariable(key, scope.processInstanceKey, name, value);
    }
    this.steps.push({ op: 'activate', key, trigger: options.trigger });
    return key;
  }

  private activateStep(instance: ElementInstance, step: Extract<Step, { op: 'activate' }>): void {
    if (instance.state === 'COMPLETING') return this.completeStep(instance, { op: 'complete', key: instance.key });
    const element = this.elementOf(instance);
    if (instance.bpmnElementType === 'multiInstanceBody') return this.activateBody(instance, element);
    if (instance.state === 'ACTIVATING') {
      this.applyInputMappings(instance, element);
      this.transition(instance, 'ELEMENT_ACTIVATED');
      this.openBoundaryEvents(instance, element);
      // A buffered message may already have interrupted the element through a boundary event.
      if (this.state.elementInstances.get(instance.key)?.state !== 'ACTIVATED') return;
    }
    switch (element.type) {
      case 'process':
      case 'subProcess': {
        this.openEventSubProcessStarts(instance, element);
        const model = this.state.model(instance.processDefinitionKey);
        const startIds = step.startElementIds?.length
          ? step.startElementIds
          : element.noneStartEventId
            ? [element.noneStartEventId]
            : [];
        for (const id of startIds) {
          this.activateIn(instance, model.elements.get(id)!, { trigger: step.trigger });
        }
        if (startIds.length === 0) this.checkScopeCompletion(instance);
        return;
      }
      case 'eventSubProcess': {
        const model = this.state.model(instance.processDefinitionKey);
        const start = element.childIds
          .map((id) => model.elements.get(id)!)
          .find((child) => child.type === 'startEvent');
        if (start) this.activateIn(instance, start, { trigger: step.trigger ?? {} });
        return;
      }
      case 'serviceTask':
      case 'sendTask':
      case 'businessRuleTask':
      case 'userTask':
        if (element.job) return this.createJob(instance, element);
        return this.complete(instance);
      case 'scriptTask': {
        if (!element.script) return this.complete(instance);
        const result = this.evaluate(element.script.expression, instance.key, 'EXTRACT_VALUE_ERROR');
        return this.complete(instance, { [element.script.resultVariable]: result });
      }
      case 'intermediateThrowEvent':
      case 'endEvent':
        return this.activateThrowEvent(instance, element);
      case 'intermediateCatchEvent':
      case 'receiveTask':
        if (step.trigger) return this.complete(instance, step.trigger);
        return this.openCatchEvent(instance, element, element);
      case 'startEvent':
      case 'boundaryEvent':
        return this.complete(instance, step.trigger);
      case 'exclusiveGateway':
      case 'inclusiveGateway':
        return this.complete(instance, undefined, this.chooseFlows(instance, element));
      case 'eventBasedGateway': {
        const model = this.state.model(instance.processDefinitionKey);
        for (const flowId of element.outgoing) {
          // A buffered message may complete the gateway while its subscriptions are being opened.
          if (this.state.elementInstances.get(instance.key)?.state !== 'ACTIVATED') return;
          const target = model.elements.get(model.flows.get(flowId)!.targetId)!;
          this.openCatchEvent(instance, target, target);
        }
        return;
      }
      case 'callActivity':
        return this.startCalledProcess(instance, element);
      default:
        return this.complete(instance);
    }
  }

  private complete(instance: ElementInstance, variables?: Record<string, unknown>, flowIds?: string[]): void {
    this.steps.push({ op: 'complete', key: instance.key, variables, flowIds });
  }

  private completeStep(instance: ElementInstance, step: Extract<Step, { op: 'complete' }>): void {
    const element = this.elementOf(instance);
    if (instance.state !== 'COMPLETING') {
      if (step.variables && Object.keys(step.variables).length > 0) {
        if (element.outputMappings.length > 0 && instance.bpmnElementType !== 'multiInstanceBody') {
          for (const [name, value] of Object.entries(step.variables)) {
            this.setVariable(instance.key, instance.processInstanceKey, name, value);
          }
        } else this.mergeVariables(instance.key, step.variables);
      }
      this.transition(instance, 'ELEMENT_COMPLETING');
    }
    if (instance.bpmnElementType === 'multiInstanceBody') {
      const output = element.multiInstance?.outputCollection;
      if (output && instance.flowScopeKey) {
        this.mergeVariables(instance.flowScopeKey, { [output]: this.localVariable(instance.key, output) ?? [] });
      }
    } else {
      this.applyOutputMappings(instance, element);
    }
    const inner = this.innerLoopInfo(instance, element);
    this.closeOwnedEvents(instance.key);
    const variablesAtEnd = instance.flowScopeKey ? undefined : this.localVariables(instance.key);
    this.transition(instance, 'ELEMENT_COMPLETED');
    this.afterCompleted(instance, element, step.flowIds, variablesAtEnd, inner);
  }

  /** For an inner instance of a multi-instance body: collect its output element before its scope goes away. */
  private innerLoopInfo(
    instance: ElementInstance,
    element: ElementModel,
  ): { completionConditionMet: boolean } | undefined {
    const body = instance.flowScopeKey ? this.state.elementInstances.get(instance.flowScopeKey) : undefined;
    if (!body || body.bpmnElementType !== 'multiInstanceBody' || instance.loopCounter === undefined) return undefined;
    const mi = element.multiInstance!;
    if (mi.outputCollection && mi.outputElement) {
      const item = this.evaluate(mi.outputElement, instance.key, 'EXTRACT_VALUE_ERROR');
      const collection = [...((this.localVariable(body.key, mi.outputCollection) as unknown[] | undefined) ?? [])];
      collection[instance.loopCounter - 1] = item;
      this.setVariable(body.key, body.processInstanceKey, mi.outputCollection, collection);
    }
    let completionConditionMet = false;
    if (mi.completionCondition !== undefined) {
      // Zeebe offers the body's numberOf* properties to the condition (not as variables); they shadow variables of that name.
      // Evaluated before this instance's ELEMENT_COMPLETED is applied: it counts as completed, no longer active.
      const properties = {
        numberOfInstances: body.loopStarted ?? 0,
        numberOfActiveInstances: body.activeChildren - 1,
        numberOfCompletedInstances: (body.loopCompleted ?? 0) + 1,
        numberOfTerminatedInstances: body.loopTerminated ?? 0,
      };
      const context = { ...this.visibleVariables(instance.key), ...properties };
      completionConditionMet = this.evaluateConditionWith(mi.completionCondition, context);
    }
    return { completionConditionMet };
  }

  private afterCompleted(
    instance: ElementInstance,
    element: ElementModel,
    flowIds: string[] | undefined,
    rootVariables: Record<string, unknown> | undefined,
    inner: { completionConditionMet: boolean } | undefined,
  ): void {
    if (!instance.flowScopeKey) return this.processInstanceEnded(instance, true, rootVariables ?? {});
    const scope = this.state.elementInstances.get(instance.flowScopeKey);
    if (!scope) return;
    if (inner) return this.innerCompleted(scope, element, inner.completionConditionMet);
    if (element.type === 'endEvent' && element.eventDefinition?.kind === 'terminate') {
      for (const sibling of this.state.childrenOf(scope.key)) {
        const child = this.state.elementInstances.get(sibling);
        if (child) this.terminate(child);
      }
      return this.checkScopeCompletion(scope);
    }
    const model = this.state.model(instance.processDefinitionKey);
    const outgoing = flowIds ?? element.outgoing;
    for (const flowId of outgoing) this.takeFlow(scope, model, flowId);
    this.checkScopeCompletion(scope);
  }

  private takeFlow(
    scope: ElementInstance,
    model: ProcessModel,
    flowId: string,
    trigger?: Record<string, unknown>,
  ): void {
    const flow = model.flows.get(flowId)!;
    this.emitElement('SEQUENCE_FLOW_TAKEN', this.nextKey(), {
      ...this.recordValue(scope),
      elementId: flowId,
      flowScopeKey: scope.key,
      bpmnElementType: 'SEQUENCE_FLOW',
    });
    const target = model.elements.get(flow.targetId)!;
    if (target.type === 'parallelGateway' && target.incoming.length > 1) {
      const live = this.state.elementInstances.get(scope.key)!;
      if (!target.incoming.every((id) => (live.takenFlows[id] ?? 0) > 0)) return;
      this.activateIn(scope, target, { consumedFlowIds: [...target.incoming] });
      return;
    }
    this.activateIn(scope, target, { consumedFlowIds: [flowId], trigger });
  }

  private checkScopeCompletion(scope: ElementInstance): void {
    if (scope.state !== 'ACTIVATED' || scope.activeChildren > 0 || scope.activeFlows > 0) return;
    if (scope.bpmnElementType === 'multiInstanceBody') return;
    const type = scope.bpmnElementType;
    if (type === 'process' || type === 'subProcess' || type === 'eventSubProcess') this.complete(scope);
  }

  private processInstanceEnded(
    instance: ElementInstance,
    completed: boolean,
    variables: Record<string, unknown>,
  ): void {
    this.effects.push({ kind: 'instanceEnded', processInstanceKey: instance.key, completed, variables });
    if (instance.startCorrelationKey !== undefined) {
      this.correlateBufferedStartMessage(instance.bpmnProcessId, instance.startCorrelationKey);
    }
    if (!completed || !instance.parentElementInstanceKey) return;
    const caller = this.state.elementInstances.get(instance.parentElementInstanceKey);
    if (!caller || caller.state !== 'ACTIVATED') return;
    const element = this.elementOf(caller);
    const propagate = element.calledElement?.propagateAllChildVariables !== false || element.outputMappings.length > 0;
    this.complete(caller, propagate ? variables : undefined);
  }

  /** Terminates an element instance and everything inside it, at once. */
  private terminate(instance: ElementInstance): void {
    if (instance.state === 'TERMINATING') return;
    this.transition(instance, 'ELEMENT_TERMINATING');
    for (const childKey of this.state.childrenOf(instance.key)) {
      const child = this.state.elementInstances.get(childKey);
      if (child) this.terminate(child);
    }
    if (instance.calledProcessInstanceKey) {
      const called = this.state.elementInstances.get(instance.calledProcessInstanceKey);
      if (called) this.terminate(called);
    }
    if (instance.jobKey) {
      const job = this.state.jobs.get(instance.jobKey);
      if (job) this.emit('JOB', 'CANCELED', job.key, this.jobValue(job));
    }
    this.closeOwnedEvents(instance.key);
    for (const incident of [...this.state.incidents.values()]) {
      if (incident.elementInstanceKey === instance.key)
        this.emit('INCIDENT', 'RESOLVED', incident.key, { ...incident });
    }
    this.transition(instance, 'ELEMENT_TERMINATED');
    if (!instance.flowScopeKey) this.processInstanceEnded(instance, false, {});
  }

  // ---------------------------------------------------------------- multi-instance

  private activateBody(body: ElementInstance, element: ElementModel): void {
    const mi = element.multiInstance!;
    const collection = this.inputCollection(body, mi.inputCollection);
    if (body.state === 'ACTIVATING') {
      this.transition(body, 'ELEMENT_ACTIVATED', { loopTotal: collection.length });
      if (mi.outputCollection) {
        this.setVariable(
          body.key,
          body.processInstanceKey,
          mi.outputCollection,
          collection.map(() => null),
        );
      }
      this.openBoundaryEvents(body, element);
      if (this.state.elementInstances.get(body.key)?.state !== 'ACTIVATED') return;
    }
    if (collection.length === 0) return this.complete(body);
    const count = mi.sequential ? 1 : collection.length;
    for (let index = 0; index < count; index++) this.activateInner(body, element, collection, index + 1);
  }

  private inputCollection(body: ElementInstance, expression: Expression): unknown[] {
    const value = this.evaluate(expression, body.flowScopeKey ?? body.key, 'EXTRACT_VALUE_ERROR');
    if (!Array.isArray(value)) {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${expressionText(expression)}' to be 'ARRAY', but was '${typeName(value)}'.`,
      );
    }
    return value;
  }

  private activateInner(
    body: ElementInstance,
    element: ElementModel,
    collection: unknown[],
    loopCounter: number,
  ): void {
    const mi = element.multiInstance!;
    const locals: Record<string, unknown> = { loopCounter };
    if (mi.inputElement) locals[mi.inputElement] = collection[loopCounter - 1] ?? null;
    // Zeebe: an output element that is just a variable (or a nested property of one) starts as a local null,
    // so what a worker sets under that name stays in this instance (no race between parallel instances).
    const outputVariable = outputElementVariable(mi.outputElement);
    if (outputVariable !== undefined && !(outputVariable in locals)) locals[outputVariable] = null;
    this.activateIn(body, element, { innerOfBody: true, loopCounter, localVariables: locals });
  }

  private innerCompleted(body: ElementInstance, element: ElementModel, completionConditionMet: boolean): void {
    if (body.state !== 'ACTIVATED') return;
    if (completionConditionMet) {
      for (const childKey of this.state.childrenOf(body.key)) {
        const child = this.state.elementInstances.get(childKey);
        if (child) this.terminate(child);
      }
      return this.complete(body);
    }
    const mi = element.multiInstance!;
    const started = body.loopStarted ?? 0;
    if (mi.sequential && started < (body.loopTotal ?? 0)) {
      const collection = this.inputCollection(body, mi.inputCollection);
      return this.activateInner(body, element, collection, started + 1);
    }
    if (body.activeChildren === 0) this.complete(body);
  }

  // ---------------------------------------------------------------- gateways

  private chooseFlows(instance: ElementInstance, element: ElementModel): string[] {
    const model = this.state.model(instance.processDefinitionKey);
    const chosen: string[] = [];
    for (const flowId of element.outgoing) {
      if (flowId === element.defaultFlowId) continue;
      const flow = model.flows.get(flowId)!;
      if (!flow.condition) {
        chosen.push(flowId);
      } else if (this.evaluateCondition(flow.condition, instance.key) === true) {
        chosen.push(flowId);
      }
      if (chosen.length > 0 && element.type === 'exclusiveGateway') break;
    }
    if (chosen.length > 0) return chosen;
    if (element.defaultFlowId) return [element.defaultFlowId];
    throw new IncidentSignal(
      'CONDITION_ERROR',
      `Expected at least one condition to evaluate to true, or to have a default flow`,
    );
  }

  /** As Zeebe's evaluateBooleanExpression: a failed or non-boolean result is an EXTRACT_VALUE_ERROR (CONDITION_ERROR is only "no flow taken"). */
  private evaluateCondition(expression: Expression, scopeKey: string): boolean {
    return this.evaluateConditionWith(expression, this.visibleVariables(scopeKey));
  }

  private evaluateConditionWith(expression: Expression, context: Record<string, unknown>): boolean {
    const value =
      expression.kind === 'static' ? expression.value : this.evaluateWith(expression, context, 'EXTRACT_VALUE_ERROR');
    if (typeof value !== 'boolean') {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${expressionText(expression)}' to be 'BOOLEAN', but was '${typeName(value)}'.`,
      );
    }
    return value;
  }

  // ---------------------------------------------------------------- events

  private activateThrowEvent(instance: ElementInstance, element: ElementModel): void {
    const definition = element.eventDefinition ?? { kind: 'none' };
    if (element.job) return this.createJob(instance, element);
    switch (definition.kind) {
      case 'signal': {
        const name = this.evaluateString(definition.signalName, instance.key, 'signal name');
        // As Zeebe's BpmnSignalBehavior: the throw event's local variables (its input mappings) travel with the signal.
        this.broadcastSignalInternal(name, this.localVariables(instance.key));
        return this.complete(instance);
      }
      case 'error': {
        const code = definition.errorCode ? this.evaluateString(definition.errorCode, instance.key, 'error code') : '';
        if (!this.throwErrorFrom(instance, code, {})) {
          throw new IncidentSignal(
            'UNHANDLED_ERROR_EVENT',
            `Expected to throw an error event with the code '${code}', but it was not caught. No error events are available in the scope.`,
          );
        }
        return;
      }
      default:
        return this.complete(instance);
    }
  }

  /**
   * Opens what waits for `target`'s event on behalf of `owner`: the catch event itself, an
   * event-based gateway for its target, an activity for its boundary event, a scope for its
   * event subprocess.
   */
  private openCatchEvent(owner: ElementInstance, target: ElementModel, definitionSource: ElementModel): void {
    const definition: EventDefinition =
      target.type === 'receiveTask' && definitionSource.eventDefinition === undefined
        ? { kind: 'none' }
        : (definitionSource.eventDefinition ?? { kind: 'none' });
    const interrupting = target.interrupting !== false;
    switch (definition.kind) {
      case 'message': {
        const messageName = this.evaluateString(definition.messageName, owner.key, 'message name');
        const correlationKey = this.correlationKeyOf(definition.correlationKey, owner.key);
        const key = this.nextKey();
        this.emit('MESSAGE_SUBSCRIPTION', 'CREATED', key, {
          elementInstanceKey: owner.key,
          processInstanceKey: owner.processInstanceKey,
          bpmnProcessId: owner.bpmnProcessId,
          targetElementId: target.id,
          messageName,
          correlationKey,
          interrupting,
          tenantId: DEFAULT_TENANT,
        });
        this.correlateBufferedMessages(this.state.messageSubscriptions.get(key)!);
        return;
      }
      case 'timer': {
        const { dueDate, repetitions } = this.timerSchedule(definition, owner.key, this.clock.now());
        this.emit('TIMER', 'CREATED', this.nextKey(), {
          elementInstanceKey: owner.key,
          processInstanceKey: owner.processInstanceKey,
          processDefinitionKey: owner.processDefinitionKey,
          targetElementId: target.id,
          dueDate,
          repetitions,
          tenantId: DEFAULT_TENANT,
        });
        return;
      }
      case 'signal': {
        const signalName = this.evaluateString(definition.signalName, owner.key, 'signal name');
        this.emit('SIGNAL_SUBSCRIPTION', 'CREATED', this.nextKey(), {
          elementInstanceKey: owner.key,
          processInstanceKey: owner.processInstanceKey,
          targetElementId: target.id,
          signalName,
          tenantId: DEFAULT_TENANT,
        });
        return;
      }
      default:
        return;
    }
  }

  private correlationKeyOf(expression: Expression | undefined, scopeKey: string): string {
    if (!expression) return '';
    const value = this.evaluate(expression, scopeKey, 'EXTRACT_VALUE_ERROR');
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new IncidentSignal(
      'EXTRACT_VALUE_ERROR',
      `Failed to extract the correlation key for '${expressionText(expression)}': The value must be either a string or a number, but was '${typeName(value)}'.`,
    );
  }

  private timerSchedule(
    definition: Extract<EventDefinition, { kind: 'timer' }>,
    scopeKey: string | undefined,
    now: number,
  ): { dueDate: number; repetitions: number } {
    const value = scopeKey
      ? this.evaluate(definition.value, scopeKey, 'EXTRACT_VALUE_ERROR')
      : this.evaluateWith(definition.value, {}, 'EXTRACT_VALUE_ERROR');
    const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    if (text === undefined) {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${expressionText(definition.value)}' to be 'STRING', but was '${typeName(value)}'.`,
      );
    }
    try {
      if (definition.timer === 'duration') return { dueDate: addDuration(now, text), repetitions: 1 };
      if (definition.timer === 'date') return { dueDate: parseTimeDate(text), repetitions: 1 };
      const cycle = parseCycle(text);
      return { dueDate: nextCycleDueDate(cycle, now), repetitions: cycle.repetitions };
    } catch (error) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `Invalid timer '${text}': ${(error as Error).message}`);
    }
  }

  private openBoundaryEvents(instance: ElementInstance, element: ElementModel): void {
    if (element.multiInstance && instance.bpmnElementType !== 'multiInstanceBody') return;
    const model = this.state.model(instance.processDefinitionKey);
    for (const id of element.boundaryEventIds) {
      const boundary = model.elements.get(id)!;
      if (boundary.eventDefinition?.kind !== 'error') this.openCatchEvent(instance, boundary, boundary);
    }
  }

  private openEventSubProcessStarts(scope: ElementInstance, element: ElementModel): void {
    const model = this.state.model(scope.processDefinitionKey);
    for (const id of element.eventSubProcessIds) {
      const start = this.eventSubProcessStart(model, id);
      if (start && start.eventDefinition?.kind !== 'error') this.openCatchEvent(scope, start, start);
    }
  }

  private eventSubProcessStart(model: ProcessModel, eventSubProcessId: string): ElementModel | undefined {
    const esp = model.elements.get(eventSubProcessId)!;
    return esp.childIds.map((id) => model.elements.get(id)!).find((child) => child.type === 'startEvent');
  }

  private closeOwnedEvents(ownerKey: string): void {
    const owned = this.state.ownedEvents.get(ownerKey);
    if (!owned) return;
    for (const key of [...owned]) {
      const timer = this.state.timers.get(key);
      if (timer) {
        this.emit('TIMER', 'CANCELED', key, { ...timer, tenantId: DEFAULT_TENANT });
        continue;
      }
      const subscription = this.state.messageSubscriptions.get(key);
      if (subscription) {
        this.emit('MESSAGE_SUBSCRIPTION', 'DELETED', key, { ...subscription, tenantId: DEFAULT_TENANT });
        continue;
      }
      const signal = this.state.signalSubscriptions.get(key);
      if (signal) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', key, { ...signal, tenantId: DEFAULT_TENANT });
    }
  }

  /**
   * An event arrived for `targetElementId` waiting on behalf of `owner`. Returns false when
   * the owner no longer waits (it is being completed or terminated).
   */
  private triggerEvent(owner: ElementInstance, targetElementId: string, variables: Record<string, unknown>): void {
    const model = this.state.model(owner.processDefinitionKey);
    const target = model.elements.get(targetElementId)!;
    if (owner.elementId === target.id) {
      // The catch event or receive task itself.
      this.closeOwnedEvents(owner.key);
      return this.complete(owner, variables);
    }
    if (owner.bpmnElementType === 'eventBasedGateway') {
      this.closeOwnedEvents(owner.key);
      const flowId = this.elementOf(owner).outgoing.find((id) => model.flows.get(id)!.targetId === target.id)!;
      this.transition(owner, 'ELEMENT_COMPLETING');
      this.transition(owner, 'ELEMENT_COMPLETED');
      const scope = this.state.elementInstances.get(owner.flowScopeKey!)!;
      this.takeFlow(scope, model, flowId, variables);
      return;
    }
    if (target.type === 'boundaryEvent') {
      const scope = this.state.elementInstances.get(owner.flowScopeKey!)!;
      if (target.interrupting !== false) this.terminate(owner);
      this.activateIn(scope, target, { trigger: variables });
      return;
    }
    // The start event of an event subprocess; the owner is the enclosing scope.
    const eventSubProcess = model.elements.get(target.scopeId!)!;
    if (target.interrupting !== false) {
      this.closeOwnedEvents(owner.key);
      for (const childKey of this.state.childrenOf(owner.key)) {
        const child = this.state.elementInstances.get(childKey);
        if (child) this.terminate(child);
      }
    }
    this.activateIn(owner, eventSubProcess, { trigger: variables });
  }

  // ---------------------------------------------------------------- errors

  /** Finds the catch event for an error thrown at `from`, walking up scopes and call activities. */
  private throwErrorFrom(from: ElementInstance, errorCode: string, variables: Record<string, unknown>): boolean {
    let current: ElementInstance | undefined = from;
    while (current) {
      const model = this.state.model(current.processDefinitionKey);
      const element = model.elements.get(current.elementId)!;
      // Boundary events of a multi-instance activity belong to its body, not to the inner instances.
      const ownsBoundaries = !element.multiInstance || current.bpmnElementType === 'multiInstanceBody';
      const boundary = ownsBoundaries
        ? this.matchError(
            element.boundaryEventIds.map((id) => model.elements.get(id)!),
            errorCode,
          )
        : undefined;
      if (boundary) {
        const scope = this.state.elementInstances.get(current.flowScopeKey!)!;
        this.terminate(current);
        this.activateIn(scope, boundary, { trigger: variables });
        return true;
      }
      if (element.type === 'process' || element.type === 'subProcess' || element.type === 'eventSubProcess') {
        const start = this.matchError(
          element.eventSubProcessIds.map((id) => this.eventSubProcessStart(model, id)!).filter(Boolean),
          errorCode,
        );
        if (start) {
          this.triggerEvent(current, start.id, variables);
          return true;
        }
      }
      if (current.flowScopeKey) current = this.state.elementInstances.get(current.flowScopeKey);
      else if (current.parentElementInstanceKey)
        current = this.state.elementInstances.get(current.parentElementInstanceKey);
      else current = undefined;
    }
    return false;
  }

  private matchError(candidates: ElementModel[], errorCode: string): ElementModel | undefined {
    let catchAll: ElementModel | undefined;
    for (const candidate of candidates) {
      const definition = candidate.eventDefinition;
      if (definition?.kind !== 'error') continue;
      if (!definition.errorCode) catchAll ??= candidate;
      else if (staticValue(definition.errorCode) === errorCode) return candidate;
    }
    return catchAll;
  }

  // ---------------------------------------------------------------- call activities

  private startCalledProcess(instance: ElementInstance, element: ElementModel): void {
    const called = element.calledElement!;
    const processId = this.evaluateString(called.processId, instance.key, 'process id', 'CALLED_ELEMENT_ERROR');
    const process = this.state.latestProcess(processId);
    if (!process) {
      throw new IncidentSignal(
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId}' to be deployed, but not found.`,
      );
    }
    if (!this.state.model(process.key).noneStartEventId) {
      throw new IncidentSignal(
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId}' to have a none start event, but not found.`,
      );
    }
    const variables = called.propagateAllParentVariables
      ? this.visibleVariables(instance.key)
      : this.localVariables(instance.key);
    this.startInstance(process, variables, {
      parentElementInstanceKey: instance.key,
      parentProcessInstanceKey: instance.processInstanceKey,
    });
  }

  // ---------------------------------------------------------------- jobs

  private createJob(instance: ElementInstance, element: ElementModel): void {
    const definition = element.job!;
    const type = this.evaluateString(definition.type, instance.key, 'job type');
    const retriesValue = this.evaluate(definition.retries, instance.key, 'EXTRACT_VALUE_ERROR');
    const retries = Number(retriesValue);
    if (!Number.isInteger(retries)) {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${expressionText(definition.retries)}' to be 'NUMBER', but was '${typeName(retriesValue)}'.`,
      );
    }
    const customHeaders: Record<string, string> = { ...definition.headers };
    if (element.userTask) Object.assign(customHeaders, this.userTaskHeaders(instance, element));
    const key = this.nextKey();
    this.emit('JOB', 'CREATED', key, {
      type,
      retries,
      customHeaders,
      elementInstanceKey: instance.key,
      elementId: instance.elementId,
      processInstanceKey: instance.processInstanceKey,
      processDefinitionKey: instance.processDefinitionKey,
      bpmnProcessId: instance.bpmnProcessId,
      processDefinitionVersion: instance.version,
      deadline: -1,
      worker: '',
      tenantId: DEFAULT_TENANT,
    });
    this.offerJob(this.state.jobs.get(key)!);
  }

  private userTaskHeaders(instance: ElementInstance, element: ElementModel): Record<string, string> {
    const task = element.userTask!;
    const headers: Record<string, string> = {};
    const text = (expression: Expression | undefined, what: string): string | undefined =>
      expression ? this.evaluateString(expression, instance.key, what) : undefined;
    const list = (expression: Expression | undefined, what: string): string | undefined => {
      if (!expression) return undefined;
      const value =
        expression.kind === 'static'
          ? expression.value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean)
          : this.evaluate(expression, instance.key, 'EXTRACT_VALUE_ERROR');
      // A FEEL expression must give a list, as on Zeebe 8.5 (a single string is an incident there too).
      const items = value;
      if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
        throw new IncidentSignal(
          'EXTRACT_VALUE_ERROR',
          `Expected result of the expression '${expressionText(expression)}' used for '${what}' to be 'ARRAY' of strings, but was '${typeName(value)}'.`,
        );
      }
      return JSON.stringify(items);
    };
    const assignee = text(task.assignee, 'assignee');
    if (assignee) headers['io.camunda.zeebe:assignee'] = assignee;
    const groups = list(task.candidateGroups, 'candidateGroups');
    if (groups) headers['io.camunda.zeebe:candidateGroups'] = groups;
    const users = list(task.candidateUsers, 'candidateUsers');
    if (users) headers['io.camunda.zeebe:candidateUsers'] = users;
    if (task.formKey) headers['io.camunda.zeebe:formKey'] = task.formKey;
    const dueDate = this.userTaskDate(instance, task.dueDate);
    if (dueDate) headers['io.camunda.zeebe:dueDate'] = dueDate;
    const followUpDate = this.userTaskDate(instance, task.followUpDate);
    if (followUpDate) headers['io.camunda.zeebe:followUpDate'] = followUpDate;
    return headers;
  }

  /** Zeebe: null or '' → no header; else parsed as a ZonedDateTime and written back in Java's form. */
  private userTaskDate(instance: ElementInstance, expression: Expression | undefined): string | undefined {
    if (!expression) return undefined;
    const value = this.evaluate(expression, instance.key, 'EXTRACT_VALUE_ERROR');
    if (value === null || value === undefined || value === '') return undefined;
    const formatted = typeof value === 'string' ? javaZonedDateTime(value) : undefined;
    if (formatted === undefined) {
      throw new IncidentSignal(
        'EXTRACT_VALUE_ERROR',
        `Invalid date-time format '${typeof value === 'string' ? value : JSON.stringify(value)}' for expression '${expressionText(expression)}'.`,
      );
    }
    return formatted;
  }

  private jobValue(job: Job): Record<string, unknown> {
    return {
      type: job.type,
      retries: job.retries,
      worker: job.worker,
      deadline: job.deadline,
      customHeaders: job.customHeaders,
      elementInstanceKey: job.elementInstanceKey,
      elementId: job.elementId,
      processInstanceKey: job.processInstanceKey,
      processDefinitionKey: job.processDefinitionKey,
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion,
      errorMessage: job.errorMessage,
      tenantId: DEFAULT_TENANT,
    };
  }

  /** Hands a job that just became activatable to a waiting stream or long poll, if any. */
  private offerJob(job: Job): void {
    const consumer = this.consumers.claim(job.type);
    if (!consumer) return;
    const activated = this.activate(job, consumer.worker, consumer.timeout, consumer.fetchVariables);
    this.effects.push({ kind: 'jobPushed', consumerId: consumer.id, job: activated });
  }

  private activate(job: Job, worker: string, timeout: number, fetchVariables: readonly string[]): ActivatedJob {
    const deadline = this.clock.now() + timeout;
    this.emit('JOB', 'ACTIVATED', job.key, { ...this.jobValue(job), worker, deadline });
    const visible = this.visibleVariables(job.elementInstanceKey);
    let variables = visible;
    if (fetchVariables.length > 0) {
      variables = {};
      for (const name of fetchVariables) if (name in visible) variables[name] = visible[name];
    }
    return {
      key: job.key,
      type: job.type,
      processInstanceKey: job.processInstanceKey,
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion,
      processDefinitionKey: job.processDefinitionKey,
      elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey,
      customHeaders: job.customHeaders,
      worker,
      retries: job.retries,
      deadline,
      variables,
      tenantId: DEFAULT_TENANT,
    };
  }

  activateJobs(input: {
    type: string;
    worker: string;
    timeout: number;
    maxJobsToActivate: number;
    fetchVariables: readonly string[];
  }): ActivatedJob[] {
    const keys = this.state.activatable.get(input.type);
    if (!keys) return [];
    // Take the keys first: activating removes them from the set being read.
    const taken: string[] = [];
    for (const key of keys) {
      if (taken.length >= input.maxJobsToActivate) break;
      taken.push(key);
    }
    return taken.map((key) =>
      this.activate(this.state.jobs.get(key)!, input.worker, input.timeout, input.fetchVariables),
    );
  }

  private jobFor(intent: string, jobKey: string, allowed: Job['state'][]): Job {
    const job = this.state.jobs.get(jobKey);
    if (!job) {
      throw new Rejection(
        'NOT_FOUND',
        intent,
        `Expected to ${intent.toLowerCase().replace('_', ' ')} job with key '${jobKey}', but no such job was found`,
      );
    }
    if (!allowed.includes(job.state)) {
      throw new Rejection(
        'FAILED_PRECONDITION',
        intent,
        `Expected to ${intent.toLowerCase().replace('_', ' ')} job with key '${jobKey}', but it is in state '${job.state}'`,
      );
    }
    return job;
  }

  completeJob(jobKey: string, variables: Record<string, unknown>): void {
    const job = this.jobFor('COMPLETE', jobKey, ['ACTIVATABLE', 'ACTIVATED']);
    this.emit('JOB', 'COMPLETED', job.key, { ...this.jobValue(job), variables });
    const instance = this.state.elementInstances.get(job.elementInstanceKey);
    if (instance && instance.state === 'ACTIVATED') this.complete(instance, variables);
  }

  failJob(
    jobKey: string,
    retries: number,
    errorMessage: string,
    retryBackoff: number,
    variables: Record<string, unknown>,
  ): void {
    const job = this.jobFor('FAIL', jobKey, ['ACTIVATABLE', 'ACTIVATED']);
    const instance = this.state.elementInstances.get(job.elementInstanceKey);
    if (instance) {
      for (const [name, value] of Object.entries(variables))
        this.setVariable(instance.key, instance.processInstanceKey, name, value);
    }
    const recurAt = retries > 0 && retryBackoff > 0 ? this.clock.now() + retryBackoff : -1;
    this.emit('JOB', 'FAILED', job.key, { ...this.jobValue(job), retries, errorMessage, retryBackoff, recurAt });
    if (retries > 0) {
      if (!(retryBackoff > 0)) this.offerJob(this.state.jobs.get(jobKey)!);
      return;
    }
    if (instance) {
      const message = errorMessage || 'No more retries left.';
      this.raiseIncident('JOB_NO_RETRIES', message, instance, job.key);
    }
  }

  throwError(jobKey: string, errorCode: string, errorMessage: string, variables: Record<string, unknown>): void {
    const job = this.jobFor('THROW_ERROR', jobKey, ['ACTIVATABLE', 'ACTIVATED']);
    this.emit('JOB', 'ERROR_THROWN', job.key, { ...this.jobValue(job), errorCode, errorMessage, variables });
    const instance = this.state.elementInstances.get(job.elementInstanceKey);
    if (!instance) return;
    if (!this.throwErrorFrom(instance, errorCode, variables)) {
      this.raiseIncident(
        'UNHANDLED_ERROR_EVENT',
        `Expected to throw an error event with the code '${errorCode}'${errorMessage ? ` with message '${errorMessage}'` : ''}, but it was not caught. No error events are available in the scope.`,
        instance,
        job.key,
      );
    }
  }

  updateJobRetries(jobKey: string, retries: number): void {
    if (retries < 1) {
      throw new Rejection(
        'INVALID_ARGUMENT',
        'UPDATE_RETRIES',
        `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${retries}'`,
      );
    }
    const job = this.jobFor('UPDATE_RETRIES', jobKey, ['ACTIVATABLE', 'ACTIVATED', 'FAILED', 'ERROR_THROWN']);
    this.emit('JOB', 'RETRIES_UPDATED', job.key, { ...this.jobValue(job), retries });
  }

  updateJobTimeout(jobKey: string, timeout: number): void {
    const job = this.state.jobs.get(jobKey);
    if (!job) {
      throw new Rejection(
        'NOT_FOUND',
        'UPDATE_TIMEOUT',
        `Expected to update job deadline with key '${jobKey}', but no such job was found`,
      );
    }
    if (job.state !== 'ACTIVATED') {
      // Zeebe: INVALID_STATE (no deadline to move), which its gateway answers as FAILED_PRECONDITION.
      throw new Rejection(
        'FAILED_PRECONDITION',
        'UPDATE_TIMEOUT',
        `Expected to update the timeout of job with key '${jobKey}', but it is not active`,
      );
    }
    this.emit('JOB', 'TIMEOUT_UPDATED', job.key, { ...this.jobValue(job), deadline: this.clock.now() + timeout });
  }

  /** A pushed job could not be delivered (the stream went away): make it activatable again. */
  yieldJob(jobKey: string): void {
    const job = this.state.jobs.get(jobKey);
    if (!job || job.state !== 'ACTIVATED') return;
    this.emit('JOB', 'YIELDED', job.key, this.jobValue(job));
    this.offerJob(job);
  }

  // ---------------------------------------------------------------- incidents

  private raiseIncident(
    errorType: IncidentErrorType,
    errorMessage: string,
    instance: ElementInstance,
    jobKey: string,
  ): void {
    this.emit('INCIDENT', 'CREATED', this.nextKey(), {
      errorType,
      errorMessage,
      elementInstanceKey: instance.key,
      elementId: instance.elementId,
      processInstanceKey: instance.processInstanceKey,
      processDefinitionKey: instance.processDefinitionKey,
      bpmnProcessId: instance.bpmnProcessId,
      jobKey,
      variableScopeKey: instance.key,
      tenantId: DEFAULT_TENANT,
    });
  }

  resolveIncident(incidentKey: string): void {
    const incident = this.state.incidents.get(incidentKey);
    if (!incident) {
      throw new Rejection(
        'NOT_FOUND',
        'RESOLVE',
        `Expected to resolve incident with key '${incidentKey}', but no such incident was found`,
      );
    }
    const incidentJob = incident.jobKey === NO_KEY ? undefined : this.state.jobs.get(incident.jobKey);
    if (incidentJob && incidentJob.retries <= 0) {
      // Zeebe (8.3.x/8.4.x/8.5.x backports of camunda/camunda#17504): INVALID_STATE, answered as FAILED_PRECONDITION.
      throw new Rejection(
        'FAILED_PRECONDITION',
        'RESOLVE',
        `Expected to resolve incident with key '${incidentKey}', but job with key '${incidentJob.key}' has no retries left. Please update the job retries and retry resolving the incident`,
      );
    }
    this.emit('INCIDENT', 'RESOLVED', incident.key, { ...incident, tenantId: DEFAULT_TENANT });
    const instance = this.state.elementInstances.get(incident.elementInstanceKey);
    if (incident.jobKey !== NO_KEY) {
      const job = this.state.jobs.get(incident.jobKey);
      if (job && job.state === 'ACTIVATABLE') this.offerJob(job);
      return;
    }
    if (!instance) return;
    if (instance.state === 'COMPLETING') this.steps.push({ op: 'complete', key: instance.key });
    else this.steps.push({ op: 'activate', key: instance.key });
  }

  // ---------------------------------------------------------------- messages

  publishMessage(input: {
    name: string;
    correlationKey: string;
    timeToLive: number;
    messageId: string;
    variables: Record<string, unknown>;
  }): { key: string } {
    if (input.messageId) {
      const duplicate = this.state
        .bufferedMessages(input.name, input.correlationKey)
        .find((message) => message.messageId === input.messageId);
      if (duplicate) {
        throw new Rejection(
          'ALREADY_EXISTS',
          'PUBLISH',
          `Expected to publish a new message with id '${input.messageId}', but a message with that id was already published`,
        );
      }
    }
    const key = this.nextKey();
    const now = this.clock.now();
    const correlatedProcessIds: string[] = [];
    // Subscriptions of running instances: at most one per process id.
    for (const subscription of this.state.subscriptionsFor(input.name, input.correlationKey)) {
      if (correlatedProcessIds.includes(subscription.bpmnProcessId)) continue;
      if (!this.state.messageSubscriptions.has(subscription.key)) continue;
      correlatedProcessIds.push(subscription.bpmnProcessId);
      this.correlate(subscription, key, input.variables);
    }
    // Message start events of the latest versions.
    for (const { process, startEvent } of this.messageStartEvents(input.name)) {
      if (correlatedProcessIds.includes(process.bpmnProcessId)) continue;
      if (
        input.correlationKey &&
        this.state.messageStartedInstances.has(this.state.messageStartKey(process.bpmnProcessId, input.correlationKey))
      ) {
        continue;
      }
      correlatedProcessIds.push(process.bpmnProcessId);
      this.startInstance(process, input.variables, {
        startElementIds: [startEvent.id],
        startCorrelationKey: input.correlationKey || undefined,
      });
    }
    this.emit('MESSAGE', 'PUBLISHED', key, {
      name: input.name,
      correlationKey: input.correlationKey,
      messageId: input.messageId,
      timeToLive: input.timeToLive,
      variables: input.variables,
      deadline: now + input.timeToLive,
      buffered: input.timeToLive > 0,
      correlatedProcessIds,
      tenantId: DEFAULT_TENANT,
    });
    return { key };
  }

  private messageStartEvents(messageName: string): { process: DeployedProcess; startEvent: ElementModel }[] {
    const found: { process: DeployedProcess; startEvent: ElementModel }[] = [];
    for (const bpmnProcessId of this.state.processVersions.keys()) {
      const process = this.state.latestProcess(bpmnProcessId)!;
      const model = this.state.model(process.key);
      for (const id of model.messageStartEventIds) {
        const startEvent = model.elements.get(id)!;
        const definition = startEvent.eventDefinition;
        if (definition?.kind === 'message' && staticValue(definition.messageName) === messageName) {
          found.push({ process, startEvent });
          break;
        }
      }
    }
    return found;
  }

  /**
   * An instance started by a message with this correlation key ended: as in Zeebe, the first
   * buffered message with that key for one of the latest version's message start events starts
   * the next instance.
   */
  private correlateBufferedStartMessage(bpmnProcessId: string, correlationKey: string): void {
    const process = this.state.latestProcess(bpmnProcessId);
    if (!process) return;
    const model = this.state.model(process.key);
    let chosen: { message: BufferedMessage; startEventId: string } | undefined;
    for (const id of model.messageStartEventIds) {
      const definition = model.elements.get(id)!.eventDefinition;
      if (definition?.kind !== 'message') continue;
      const message = this.state
        .bufferedMessages(staticValue(definition.messageName), correlationKey)
        .find(
          (candidate) =>
            candidate.deadline > this.clock.now() && !candidate.correlatedProcessIds.includes(bpmnProcessId),
        );
      if (message && (!chosen || BigInt(message.key) < BigInt(chosen.message.key))) {
        chosen = { message, startEventId: id };
      }
    }
    if (!chosen) return;
    this.emit('MESSAGE', 'CORRELATED_TO_PROCESS', chosen.message.key, {
      bpmnProcessId,
      name: chosen.message.name,
      correlationKey,
      tenantId: DEFAULT_TENANT,
    });
    this.startInstance(process, chosen.message.variables, {
      startElementIds: [chosen.startEventId],
      startCorrelationKey: correlationKey,
    });
  }

  private correlate(subscription: MessageSubscription, messageKey: string, variables: Record<string, unknown>): void {
    const owner = this.state.elementInstances.get(subscription.elementInstanceKey);
    const target = owner
      ? this.state.model(owner.processDefinitionKey).elements.get(subscription.targetElementId)
      : undefined;
    const keepOpen = target !== undefined && target.interrupting === false && owner?.elementId !== target.id;
    this.emit('MESSAGE_SUBSCRIPTION', 'CORRELATED', subscription.key, {
      ...subscription,
      messageKey,
      variables,
      keepOpen,
      tenantId: DEFAULT_TENANT,
    });
    if (owner && owner.state === 'ACTIVATED') this.triggerEvent(owner, subscription.targetElementId, variables);
  }

  private correlateBufferedMessages(subscription: MessageSubscription): void {
    for (const message of this.state.bufferedMessages(subscription.messageName, subscription.correlationKey)) {
      if (message.deadline <= this.clock.now()) continue;
      if (message.correlatedProcessIds.includes(subscription.bpmnProcessId)) continue;
      this.emit('MESSAGE', 'CORRELATED_TO_PROCESS', message.key, {
        bpmnProcessId: subscription.bpmnProcessId,
        name: message.name,
        correlationKey: message.correlationKey,
        tenantId: DEFAULT_TENANT,
      });
      const owner = this.state.elementInstances.get(subscription.elementInstanceKey);
      const target = owner
        ? this.state.model(owner.processDefinitionKey).elements.get(subscription.targetElementId)
        : undefined;
      const keepOpen = target !== undefined && target.interrupting === false && owner?.elementId !== target.id;
      this.emit('MESSAGE_SUBSCRIPTION', 'CORRELATED', subscription.key, {
        ...subscription,
        messageKey: message.key,
        variables: message.variables,
        keepOpen,
        tenantId: DEFAULT_TENANT,
      });
      if (owner && owner.state === 'ACTIVATED')
        this.triggerEvent(owner, subscription.targetElementId, message.variables);
      if (!keepOpen) return;
    }
  }

  // ---------------------------------------------------------------- signals

  broadcastSignal(signalName: string, variables: Record<string, unknown>): { key: string } {
    const key = this.nextKey();
    this.emit('SIGNAL', 'BROADCASTED', key, { signalName, variables, tenantId: DEFAULT_TENANT });
    this.broadcastSignalInternal(signalName, variables);
    return { key };
  }

  private broadcastSignalInternal(signalName: string, variables: Record<string, unknown>): void {
    const keys = [...(this.state.signalSubscriptionsByName.get(signalName) ?? [])];
    for (const key of keys) {
      const subscription = this.state.signalSubscriptions.get(key);
      if (!subscription) continue;
      const owner = this.state.elementInstances.get(subscription.elementInstanceKey);
      if (!owner || owner.state !== 'ACTIVATED') continue;
      const target = this.state.model(owner.processDefinitionKey).elements.get(subscription.targetElementId)!;
      const keepOpen = target.interrupting === false && owner.elementId !== target.id;
      if (!keepOpen) this.emit('SIGNAL_SUBSCRIPTION', 'DELETED', key, { ...subscription, tenantId: DEFAULT_TENANT });
      this.triggerEvent(owner, subscription.targetElementId, variables);
    }
    for (const bpmnProcessId of [...this.state.processVersions.keys()]) {
      const process = this.state.latestProcess(bpmnProcessId)!;
      const model = this.state.model(process.key);
      for (const id of model.signalStartEventIds) {
        const definition = model.elements.get(id)!.eventDefinition;
        if (definition?.kind === 'signal' && staticValue(definition.signalName) === signalName) {
          this.startInstance(process, variables, { startElementIds: [id] });
        }
      }
    }
  }

  // ---------------------------------------------------------------- timers and time

  private openStartTimers(process: DeployedProcess): void {
    const model = this.state.model(process.key);
    for (const id of model.timerStartEventIds) {
      const definition = model.elements.get(id)!.eventDefinition;
      if (definition?.kind !== 'timer') continue;
      const { dueDate, repetitions } = this.timerSchedule(definition, undefined, this.clock.now());
      this.emit('TIMER', 'CREATED', this.nextKey(), {
        elementInstanceKey: NO_KEY,
        processInstanceKey: NO_KEY,
        processDefinitionKey: process.key,
        targetElementId: id,
        dueDate,
        repetitions,
        tenantId: DEFAULT_TENANT,
      });
    }
  }

  private cancelStartTimers(processDefinitionKey: string): void {
    for (const timer of [...this.state.timers.values()]) {
      if (!timer.elementInstanceKey && timer.processDefinitionKey === processDefinitionKey) {
        this.emit('TIMER', 'CANCELED', timer.key, { ...timer, tenantId: DEFAULT_TENANT });
      }
    }
  }

  /** The earliest time something falls due, if anything does. */
  nextDueDate(): number | undefined {
    return this.state.dueDates.peek()?.due;
  }

  /** Fires everything due at the clock's now: timers, job time-outs, back-offs, message TTLs. */
  tick(): void {
    const now = this.clock.now();
    for (let item = this.state.dueDates.peek(); item && item.due <= now; item = this.state.dueDates.peek()) {
      this.state.dueDates.pop();
      switch (item.kind) {
        case 'timer': {
          const ownerKey = this.state.timers.get(item.key)?.elementInstanceKey;
          try {
            this.fireTimer(item.key, item.due);
          } catch (error) {
            // A cycle whose next due date cannot be computed any more.
            if (!(error instanceof IncidentSignal)) throw error;
            const owner = ownerKey ? this.state.elementInstances.get(ownerKey) : undefined;
            if (owner) this.raiseIncident(error.errorType, error.message, owner, NO_KEY);
          }
          break;
        }
        case 'jobDeadline': {
          const job = this.state.jobs.get(item.key);
          if (job && job.state === 'ACTIVATED' && job.deadline === item.due) {
            this.emit('JOB', 'TIMED_OUT', job.key, this.jobValue(job));
            this.offerJob(job);
          }
          break;
        }
        case 'jobRecur': {
          const job = this.state.jobs.get(item.key);
          if (job && job.state === 'FAILED' && job.recurAt === item.due && job.retries > 0) {
            this.emit('JOB', 'RECURRED_AFTER_BACKOFF', job.key, this.jobValue(job));
            this.offerJob(job);
          }
          break;
        }
        case 'messageExpiry': {
          const message = this.state.messages.get(item.key);
          if (message && message.deadline === item.due)
            this.emit('MESSAGE', 'EXPIRED', message.key, { ...message, tenantId: DEFAULT_TENANT });
          break;
        }
      }
      this.drain();
    }
  }

  private fireTimer(timerKey: string, due: number): void {
    const timer = this.state.timers.get(timerKey);
    if (!timer || timer.dueDate !== due) return;
    this.emit('TIMER', 'TRIGGERED', timer.key, { ...timer, tenantId: DEFAULT_TENANT });
    const model = this.state.model(timer.processDefinitionKey);
    const target = model.elements.get(timer.targetElementId)!;
    const definition = target.eventDefinition as Extract<EventDefinition, { kind: 'timer' }>;
    const repeat = definition.timer === 'cycle' && timer.repetitions !== 1;
    const reschedule = (owner: ElementInstance | undefined): void => {
      if (!repeat) return;
      const cycle = parseCycle(
        String(
          owner ? this.evaluate(definition.value, owner.key, 'EXTRACT_VALUE_ERROR') : staticValue(definition.value),
        ),
      );
      this.emit('TIMER', 'CREATED', this.nextKey(), {
        elementInstanceKey: timer.elementInstanceKey ?? NO_KEY,
        processInstanceKey: timer.processInstanceKey ?? NO_KEY,
        processDefinitionKey: timer.processDefinitionKey,
        targetElementId: timer.targetElementId,
        dueDate: nextCycleDueDate({ ...cycle, start: undefined }, due),
        repetitions: timer.repetitions < 0 ? -1 : timer.repetitions - 1,
        tenantId: DEFAULT_TENANT,
      });
    };
    if (!timer.elementInstanceKey) {
      const process = this.state.processes.get(timer.processDefinitionKey);
      if (!process) return;
      this.startInstance(process, {}, { startElementIds: [timer.targetElementId] });
      reschedule(undefined);
      return;
    }
    const owner = this.state.elementInstances.get(timer.elementInstanceKey);
    if (!owner || owner.state !== 'ACTIVATED') return;
    const keepsRunning = target.interrupting === false && owner.elementId !== target.id;
    this.triggerEvent(owner, timer.targetElementId, {});
    if (keepsRunning) reschedule(owner);
  }

  // ---------------------------------------------------------------- variables

  /** Variables visible at a scope: its own and every enclosing scope's, inner ones shadowing outer. */
  visibleVariables(scopeKey: string): Record<string, unknown> {
    const chain: string[] = [];
    for (let key: string | undefined = scopeKey; key; key = this.state.elementInstances.get(key)?.flowScopeKey)
      chain.push(key);
    const result: Record<string, unknown> = {};
    for (let index = chain.length - 1; index >= 0; index--) {
      const scope = this.state.variables.get(chain[index]);
      if (scope) for (const [name, value] of scope) result[name] = value;
    }
    return result;
  }

  localVariables(scopeKey: string): Record<string, unknown> {
    return Object.fromEntries(this.state.variables.get(scopeKey) ?? []);
  }

  private localVariable(scopeKey: string, name: string): unknown {
    return this.state.variables.get(scopeKey)?.get(name);
  }

  private setVariable(scopeKey: string, processInstanceKey: string, name: string, value: unknown): void {
    const scope = this.state.variables.get(scopeKey);
    const exists = scope?.has(name) ?? false;
    if (exists && sameValue(scope!.get(name), value)) return;
    this.emit('VARIABLE', exists ? 'UPDATED' : 'CREATED', this.nextKey(), {
      name,
      value,
      scopeKey,
      processInstanceKey,
      tenantId: DEFAULT_TENANT,
    });
  }

  /** Zeebe's propagation: each variable goes to the nearest scope (from `scopeKey` up) that has it, else to the root. */
  private mergeVariables(scopeKey: string, variables: Record<string, unknown>): void {
    const start = this.state.elementInstances.get(scopeKey);
    if (!start) return;
    for (const [name, value] of Object.entries(variables)) {
      let target = start.processInstanceKey;
      for (let key: string | undefined = scopeKey; key; key = this.state.elementInstances.get(key)?.flowScopeKey) {
        if (this.state.variables.get(key)?.has(name)) {
          target = key;
          break;
        }
      }
      this.setVariable(target, start.processInstanceKey, name, value);
    }
  }

  setVariables(elementInstanceKey: string, variables: Record<string, unknown>, local: boolean): { key: string } {
    const instance = this.state.elementInstances.get(elementInstanceKey);
    if (!instance) {
      throw new Rejection(
        'NOT_FOUND',
        'UPDATE',
        `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
      );
    }
    const key = this.nextKey();
    this.emit('VARIABLE_DOCUMENT', 'UPDATED', key, {
      scopeKey: elementInstanceKey,
      updateSemantics: local ? 'LOCAL' : 'PROPAGATE',
      variables,
      tenantId: DEFAULT_TENANT,
    });
    if (local) {
      for (const [name, value] of Object.entries(variables))
        this.setVariable(instance.key, instance.processInstanceKey, name, value);
    } else this.mergeVariables(instance.key, variables);
    return { key };
  }

  private applyInputMappings(instance: ElementInstance, element: ElementModel): void {
    if (element.inputMappings.length === 0) return;
    const context = instance.flowScopeKey ? this.visibleVariables(instance.flowScopeKey) : {};
    Object.assign(context, this.localVariables(instance.key));
    const results: Record<string, unknown> = {};
    for (const mapping of element.inputMappings) {
      const value = this.evaluateWith(mapping.source, context, 'IO_MAPPING_ERROR');
      // Zeebe builds the input context from the mappings alone: a nested target starts a new object
      // (shadowing a variable of that name), it is not merged into the existing variable as outputs are.
      assignPath(results, mapping.target, value, {});
      context[mapping.target.split('.')[0]] = results[mapping.target.split('.')[0]];
    }
    for (const [name, value] of Object.entries(results))
      this.setVariable(instance.key, instance.processInstanceKey, name, value);
  }

  private applyOutputMappings(instance: ElementInstance, element: ElementModel): void {
    if (element.outputMappings.length === 0 || !instance.flowScopeKey) return;
    const context = this.visibleVariables(instance.key);
    const results: Record<string, unknown> = {};
    for (const mapping of element.outputMappings) {
      const value = this.evaluateWith(mapping.source, context, 'IO_MAPPING_ERROR');
      assignPath(results, mapping.target, value, this.visibleVariables(instance.flowScopeKey));
    }
    this.mergeVariables(instance.flowScopeKey, results);
  }

  // ---------------------------------------------------------------- modification

  modifyProcessInstance(input: ModifyInput): void {
    const root = this.state.elementInstances.get(input.processInstanceKey);
    if (!root || root.key !== root.processInstanceKey) {
      throw new Rejection(
        'NOT_FOUND',
        'MODIFY',
        `Expected to modify process instance but no process instance found with key '${input.processInstanceKey}'`,
      );
    }
    const model = this.state.model(root.processDefinitionKey);
    for (const instruction of input.activate) {
      const element = model.elements.get(instruction.elementId);
      if (!element || element.type === 'process') {
        throw new Rejection(
          'INVALID_ARGUMENT',
          'MODIFY',
          `Expected to modify instance of process '${root.bpmnProcessId}' but it contains one or more activate instructions with an element that could not be found: '${instruction.elementId}'`,
        );
      }
      if (element.type === 'startEvent' || element.type === 'boundaryEvent' || element.type === 'eventSubProcess') {
        if (element.type !== 'eventSubProcess') {
          throw new Rejection(
            'INVALID_ARGUMENT',
            'MODIFY',
            `Expected to modify instance of process '${root.bpmnProcessId}' but it contains one or more activate instructions for elements that are unsupported: '${instruction.elementId}'. The activation of events of type 'START_EVENT' and 'BOUNDARY_EVENT' is not supported.`,
          );
        }
      }
      if (
        instruction.ancestorElementInstanceKey &&
        !this.state.elementInstances.has(instruction.ancestorElementInstanceKey)
      ) {
        throw new Rejection(
          'INVALID_ARGUMENT',
          'MODIFY',
          `Expected to modify instance of process '${root.bpmnProcessId}' but it contains one or more activate instructions with an ancestor scope key that does not exist, or is not in an active state: '${instruction.ancestorElementInstanceKey}'`,
        );
      }
    }
    for (const key of input.terminate) {
      const instance = this.state.elementInstances.get(key);
      if (!instance || instance.processInstanceKey !== root.key || instance.key === root.key) {
        throw new Rejection(
          'INVALID_ARGUMENT',
          'MODIFY',
          `Expected to modify instance of process '${root.bpmnProcessId}' but it contains one or more terminate instructions with an element instance that could not be found: '${key}'`,
        );
      }
    }
    this.emit('PROCESS_INSTANCE_MODIFICATION', 'MODIFIED', root.key, {
      processInstanceKey: root.key,
      activateInstructions: input.activate,
      terminateInstructions: input.terminate.map((key) => ({ elementInstanceKey: key })),
      tenantId: DEFAULT_TENANT,
    });
    for (const instruction of input.activate) {
      const element = model.elements.get(instruction.elementId)!;
      const scope = this.scopeFor(root, model, element, instruction.ancestorElementInstanceKey);
      for (const variableInstruction of instruction.variables) {
        const target = variableInstruction.scopeId
          ? (this.findActiveInstance(root.key, variableInstruction.scopeId) ?? scope)
          : root;
        for (const [name, value] of Object.entries(variableInstruction.variables)) {
          this.setVariable(target.key, root.key, name, value);
        }
      }
      this.activateIn(scope, element);
    }
    const touched = new Set<string>();
    for (const key of input.terminate) {
      const instance = this.state.elementInstances.get(key);
      if (!instance) continue;
      if (instance.flowScopeKey) touched.add(instance.flowScopeKey);
      this.terminate(instance);
    }
    // A scope left with nothing to do after termination ends, as in Zeebe.
    for (const scopeKey of touched) this.terminateEmptyScopes(scopeKey);
  }

  private terminateEmptyScopes(scopeKey: string): void {
    const scope = this.state.elementInstances.get(scopeKey);
    if (!scope || scope.state !== 'ACTIVATED' || scope.activeChildren > 0 || scope.activeFlows > 0) return;
    if (
      this.steps.some(
        (step) => step.op === 'activate' && this.state.elementInstances.get(step.key)?.flowScopeKey === scopeKey,
      )
    )
      return;
    const parent = scope.flowScopeKey;
    this.terminate(scope);
    if (parent) this.terminateEmptyScopes(parent);
  }

  private findActiveInstance(processInstanceKey: string, elementId: string): ElementInstance | undefined {
    for (const instance of this.state.elementInstances.values()) {
      if (
        instance.processInstanceKey === processInstanceKey &&
        instance.elementId === elementId &&
        instance.state === 'ACTIVATED'
      ) {
        return instance;
      }
    }
    return undefined;
  }

  /** The scope instance in which to activate `element`, creating missing enclosing subprocess instances. */
  private scopeFor(
    root: ElementInstance,
    model: ProcessModel,
    element: ElementModel,
    ancestorKey?: string,
  ): ElementInstance {
    const scopeIds: string[] = [];
    for (let id = element.scopeId; id && id !== model.bpmnProcessId; id = model.elements.get(id)!.scopeId)
      scopeIds.unshift(id);
    let scope = root;
    if (ancestorKey) {
      const ancestor = this.state.elementInstances.get(ancestorKey)!;
      const index = scopeIds.indexOf(ancestor.elementId);
      if (index >= 0) {
        scope = ancestor;
        scopeIds.splice(0, index + 1);
      }
    }
    for (const id of scopeIds) {
      const existing = [...this.state.childrenOf(scope.key)]
        .map((key) => this.state.elementInstances.get(key)!)
        .find((child) => child.elementId === id && child.state === 'ACTIVATED');
      if (existing) {
        scope = existing;
        continue;
      }
      const key = this.activateIn(scope, model.elements.get(id)!);
      // Activate the scope without its start event: the instruction says what runs inside.
      this.steps.pop();
      const created = this.state.elementInstances.get(key)!;
      this.transition(created, 'ELEMENT_ACTIVATED');
      this.openEventSubProcessStarts(created, model.elements.get(id)!);
      scope = created;
    }
    return scope;
  }

  // ---------------------------------------------------------------- expressions

  private evaluateWith(
    expression: Expression,
    context: Record<string, unknown>,
    errorType: IncidentErrorType,
  ): unknown {
    const result = evaluateExpression(expression, context, this.clock.now());
    if (!result.ok)
      throw new IncidentSignal(
        errorType,
        `Expected to evaluate expression '${expressionText(expression)}': ${result.message}`,
      );
    return result.value;
  }

  private evaluate(expression: Expression, scopeKey: string, errorType: IncidentErrorType): unknown {
    if (expression.kind === 'static') return expression.value;
    return this.evaluateWith(expression, this.visibleVariables(scopeKey), errorType);
  }

  private evaluateString(
    expression: Expression,
    scopeKey: string,
    what: string,
    errorType: IncidentErrorType = 'EXTRACT_VALUE_ERROR',
  ): string {
    const value = this.evaluate(expression, scopeKey, errorType);
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    throw new IncidentSignal(
      errorType,
      `Expected result of the expression '${expressionText(expression)}' used for the ${what} to be 'STRING', but was '${typeName(value)}'.`,
    );
  }
}

function expressionText(expression: Expression): string {
  return expression.kind === 'static' ? expression.value : expression.source;
}

/**
 * What Java's `ZonedDateTime.parse(text).toString()` gives, as Zeebe writes user task dates into job
 * headers: minutes always, seconds only when seconds or fraction are not zero, the fraction in groups
 * of three digits, 'Z' for a zero offset, a zone id in brackets kept. Undefined when Java would not
 * parse it (an offset is required).
 */
function javaZonedDateTime(text: string): string | undefined {
  const match =
    /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}(?::\d{2})?)(\[[^\]]+\])?$/i.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, date, hour, minute, second = '00', fraction = '', offset, zone = ''] = match;
  const nanos = fraction.padEnd(9, '0');
  const hasNanos = /[1-9]/.test(nanos);
  let time = `${hour}:${minute}`;
  if (second !== '00' || hasNanos) time += `:${second}`;
  if (hasNanos) {
    time += `.${nanos.endsWith('000000') ? nanos.slice(0, 3) : nanos.endsWith('000') ? nanos.slice(0, 6) : nanos}`;
  }
  let zoneOffset = offset.toUpperCase();
  if (/^(Z|[+-]00:00(:00)?)$/.test(zoneOffset)) zoneOffset = 'Z';
  else if (zoneOffset.length === 9 && zoneOffset.endsWith(':00')) zoneOffset = zoneOffset.slice(0, 6);
  return `${date}T${time}${zoneOffset}${zone}`;
}

function staticValue(expression: Expression): string {
  return expression.kind === 'static' ? expression.value : expression.source;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  if (typeof value === 'object') return 'OBJECT';
  return typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The variable an output element expression merely reads (`=result` or `=result.status` → `result`), if that is all it does. */
function outputElementVariable(expression: Expression | undefined): string | undefined {
  if (expression?.kind !== 'feel') return undefined;
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*\s*$/.exec(expression.source);
  return match && !['null', 'true', 'false'].includes(match[1]) ? match[1] : undefined;
}

/** Sets `a.b.c` in `target`, starting nested objects from the existing variable where there is one. */
function assignPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
  existing: Record<string, unknown>,
): void {
  const parts = path.split('.');
  if (parts.length === 1) {
    target[path] = value;
    return;
  }
  const rootName = parts[0];
  const base = target[rootName] ?? existing[rootName];
  const root: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? structuredClone(base as Record<string, unknown>) : {};
  let cursor = root;
  for (const part of parts.slice(1, -1)) {
    const next = cursor[part];
    cursor = cursor[part] =
      next && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
  }
  cursor[parts[parts.length - 1]] = value;
  target[rootName] = root;
}
