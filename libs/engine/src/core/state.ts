import type { ElementType, ProcessModel } from './model.ts';
import type { EngineRecord } from './records.ts';
import { NO_KEY } from './records.ts';
import { sequenceOf } from './keys.ts';
import { DueDates } from './due-dates.ts';

/**
 * The engine's state. It changes only by applying event records (`apply`), live and on replay
 * alike, so a journal of events rebuilds it exactly.
 */

export interface DeployedProcess {
  key: string;
  bpmnProcessId: string;
  version: number;
  resourceName: string;
  checksum: string;
  deploymentKey: string;
  resource: string;
}

export type ElementState = 'ACTIVATING' | 'ACTIVATED' | 'COMPLETING' | 'TERMINATING';

export interface ElementInstance {
  key: string;
  elementId: string;
  bpmnElementType: ElementType;
  flowScopeKey?: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
  parentProcessInstanceKey?: string;
  parentElementInstanceKey?: string;
  state: ElementState;
  activeChildren: number;
  activeFlows: number;
  /** Sequence flows taken into this scope whose targets have not consumed them yet (parallel joins). */
  takenFlows: Record<string, number>;
  jobKey?: string;
  calledProcessInstanceKey?: string;
  /** Inner instance of a multi-instance body: 1-based. */
  loopCounter?: number;
  /** Multi-instance body: how many inner instances in all, and how many have been started. */
  loopTotal?: number;
  loopStarted?: number;
  /** Multi-instance body: inner instances completed and terminated so far (the completion condition's numberOf* properties). */
  loopCompleted?: number;
  loopTerminated?: number;
  /** Message start events with a correlation key: that key, to refuse a second instance while this one runs. */
  startCorrelationKey?: string;
  /** Set when an interrupting event subprocess took over this scope. */
  interrupted?: boolean;
}

export type JobState = 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'ERROR_THROWN';

export interface Job {
  key: string;
  type: string;
  state: JobState;
  retries: number;
  worker: string;
  deadline: number;
  /** Failed with a back-off: activatable again at this time. */
  recurAt: number;
  errorMessage: string;
  errorCode: string;
  customHeaders: Record<string, string>;
  elementInstanceKey: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
}

export type IncidentErrorType =
  | 'JOB_NO_RETRIES'
  | 'EXTRACT_VALUE_ERROR'
  | 'CONDITION_ERROR'
  | 'IO_MAPPING_ERROR'
  | 'UNHANDLED_ERROR_EVENT'
  | 'CALLED_ELEMENT_ERROR'
  | 'UNKNOWN';

export interface Incident {
  key: string;
  errorType: IncidentErrorType;
  errorMessage: string;
  elementInstanceKey: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  jobKey: string;
  variableScopeKey: string;
}

export interface Timer {
  key: string;
  /** The element instance that owns the timer (catch event, activity of a boundary, scope of an event subprocess, event-based gateway); absent for start events. */
  elementInstanceKey?: string;
  processInstanceKey?: string;
  processDefinitionKey: string;
  /** The timer event's element id. */
  targetElementId: string;
  dueDate: number;
  /** Remaining repetitions for cycles; -1 = infinite; 1 for single timers. */
  repetitions: number;
}

export interface MessageSubscription {
  key: string;
  elementInstanceKey: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  /** The catching event's element id. */
  targetElementId: string;
  messageName: string;
  correlationKey: string;
  interrupting: boolean;
}

export interface BufferedMessage {
  key: string;
  name: string;
  correlationKey: string;
  messageId: string;
  variables: Record<string, unknown>;
  deadline: number;
  correlatedProcessIds: string[];
}

export interface SignalSubscription {
  key: string;
  elementInstanceKey: string;
  processInstanceKey: string;
  targetElementId: string;
  signalName: string;
}

const nameKey = (name: string, correlationKey: string): string => `${name}\u0000${correlationKey}`;

function addToIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFromIndex<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

const orUndefined = (key: unknown): string | undefined =>
  key === undefined || key === NO_KEY ? undefined : (key as string);

/** A versioned, JSON-serialisable copy of the state, for snapshots. */
export interface StateSnapshot {
  version: 1;
  keySequence: number;
  position: number;
  processes: DeployedProcess[];
  elementInstances: ElementInstance[];
  variables: [string, [string, unknown][]][];
  jobs: Job[];
  incidents: Incident[];
  timers: Timer[];
  messageSubscriptions: MessageSubscription[];
  messages: BufferedMessage[];
  signalSubscriptions: SignalSubscription[];
  /** bpmnProcessId → highest version ever deployed (deleted ones included). Absent in older snapshots. */
  highestVersions?: [string, number][];
}

export class EngineState {
  keySequence = 0;
  position = 0;
  readonly processes = new Map<string, DeployedProcess>();
  readonly models = new Map<string, ProcessModel>();
  /** bpmnProcessId → deployed versions' keys, oldest first. */
  readonly processVersions = new Map<string, string[]>();
  /** bpmnProcessId → highest version ever deployed: Zeebe never reuses a version, not even a deleted one. */
  readonly highestVersions = new Map<string, number>();
  readonly elementInstances = new Map<string, ElementInstance>();
  readonly children = new Map<string, Set<string>>();
  readonly variables = new Map<string, Map<string, unknown>>();
  readonly jobs = new Map<string, Job>();
  /** Activatable jobs per type in creation order. */
  readonly activatable = new Map<string, Set<string>>();
  readonly incidents = new Map<string, Incident>();
  readonly timers = new Map<string, Timer>();
  readonly messageSubscriptions = new Map<string, MessageSubscription>();
  readonly subscriptionsByMessage = new Map<string, Set<string>>();
  readonly messages = new Map<string, BufferedMessage>();
  readonly messagesByNameKey = new Map<string, Set<string>>();
  readonly signalSubscriptions = new Map<string, SignalSubscription>();
  readonly signalSubscriptionsByName = new Map<string, Set<string>>();
  /** Element instance key → keys of timers, message and signal subscriptions it owns. */
  readonly ownedEvents = new Map<string, Set<string>>();
  /** `${bpmnProcessId}\0${correlationKey}` → instance started by a message with that key, while it runs. */
  readonly messageStartedInstances = new Map<string, string>();
  /** Derived index of everything that falls due; rebuilt from the rest on snapshot load. */
  readonly dueDates = new DueDates();

  constructor(private readonly modelOf: (process: DeployedProcess) => ProcessModel) {}

  latestProcess(bpmnProcessId: string): DeployedProcess | undefined {
    const versions = this.processVersions.get(bpmnProcessId);
    return versions && versions.length > 0 ? this.processes.get(versions[versions.length - 1]) : undefined;
  }

  model(processDefinitionKey: string): ProcessModel {
    const model = this.models.get(processDefinitionKey);
    if (!model) throw new Error(`no model for process definition ${processDefinitionKey}`);
    return model;
  }

  childrenOf(key: string): string[] {
    return [...(this.children.get(key) ?? [])];
  }

  subscriptionsFor(messageName: string, correlationKey: string): MessageSubscription[] {
    const keys = this.subscriptionsByMessage.get(nameKey(messageName, correlationKey));
    return keys ? [...keys].map((key) => this.messageSubscriptions.get(key)!) : [];
  }

  bufferedMessages(messageName: string, correlationKey: string): BufferedMessage[] {
    const keys = this.messagesByNameKey.get(nameKey(messageName, correlationKey));
    return keys ? [...keys].map((key) => this.messages.get(key)!) : [];
  }

  messageStartKey(bpmnProcessId: string, correlationKey: string): string {
    return nameKey(bpmnProcessId, correlationKey);
  }

  apply(record: EngineRecord): void {
    this.position = record.position;
    const sequence = sequenceOf(record.key);
    if (sequence !== undefined && sequence > this.keySequence) this.keySequence = sequence;
    const value = record.value as Record<string, unknown> & Record<string, never>;
    switch (record.valueType) {
      case 'PROCESS':
        if (record.intent === 'CREATED') this.addProcess(value as unknown as DeployedProcess);
        else if (record.intent === 'DELETED') this.removeProcess(record.key);
        return;
      case 'PROCESS_INSTANCE':
        return this.applyElement(record.key, record.intent, value);
      case 'VARIABLE':
        return this.applyVariable(record.intent, value);
      case 'JOB':
        return this.applyJob(record.key, record.intent, value);
      case 'INCIDENT':
        if (record.intent === 'CREATED')
          this.incidents.set(record.key, { ...(value as unknown as Incident), key: record.key });
        else if (record.intent === 'RESOLVED') this.resolveIncident(record.key);
        return;
      case 'TIMER':
        return this.applyTimer(record.key, record.intent, value);
      case 'MESSAGE':
        return this.applyMessage(record.key, record.intent, value);
      case 'MESSAGE_SUBSCRIPTION':
        return this.applyMessageSubscription(record.key, record.intent, value);
      case 'SIGNAL_SUBSCRIPTION':
        return this.applySignalSubscription(record.key, record.intent, value);
      default:
        return;
    }
  }

  private addProcess(process: DeployedProcess): void {
    const stored: DeployedProcess = {
      key: process.key,
      bpmnProcessId: process.bpmnProcessId,
      version: process.version,
      resourceName: process.resourceName,
      checksum: process.checksum,
      deploymentKey: process.deploymentKey,
      resource: process.resource,
    };
    this.processes.set(stored.key, stored);
    const highest = Math.max(this.highestVersions.get(stored.bpmnProcessId) ?? 0, stored.version);
    this.highestVersions.set(stored.bpmnProcessId, highest);
    if (!this.models.has(stored.key)) this.models.set(stored.key, this.modelOf(stored));
    const versions = this.processVersions.get(stored.bpmnProcessId) ?? [];
    versions.push(stored.key);
    versions.sort((a, b) => this.processes.get(a)!.version - this.processes.get(b)!.version);
    this.processVersions.set(stored.bpmnProcessId, versions);
  }

  private removeProcess(key: string): void {
    const process = this.processes.get(key);
    if (!process) return;
    this.processes.delete(key);
    this.models.delete(key);
    const versions = (this.processVersions.get(process.bpmnProcessId) ?? []).filter((k) => k !== key);
    if (versions.length > 0) this.processVersions.set(process.bpmnProcessId, versions);
    else this.processVersions.delete(process.bpmnProcessId);
  }

  private applyElement(key: string, intent: string, value: Record<string, unknown>): void {
    switch (intent) {
      case 'ELEMENT_ACTIVATING': {
        const flowScopeKey = orUndefined(value.flowScopeKey);
        const instance: ElementInstance = {
          key,
          elementId: value.elementId as string,
          bpmnElementType: value.bpmnElementType as ElementType,
          flowScopeKey,
          processInstanceKey: value.processInstanceKey as string,
          processDefinitionKey: value.processDefinitionKey as string,
          bpmnProcessId: value.bpmnProcessId as string,
          version: value.version as number,
          parentProcessInstanceKey: orUndefined(value.parentProcessInstanceKey),
          parentElementInstanceKey: orUndefined(value.parentElementInstanceKey),
          state: 'ACTIVATING',
          activeChildren: 0,
          activeFlows: 0,
          takenFlows: {},
        };
        if (value.loopCounter !== undefined) instance.loopCounter = value.loopCounter as number;
        if (value.startCorrelationKey !== undefined) {
          instance.startCorrelationKey = value.startCorrelationKey as string;
          this.messageStartedInstances.set(nameKey(instance.bpmnProcessId, instance.startCorrelationKey), key);
        }
        this.elementInstances.set(key, instance);
        if (flowScopeKey) {
          const scope = this.elementInstances.get(flowScopeKey);
          if (scope) {
            scope.activeChildren++;
            for (const flowId of (value.consumedFlowIds as string[] | undefined) ?? []) {
              const remaining = (scope.takenFlows[flowId] ?? 0) - 1;
              if (remaining > 0) scope.takenFlows[flowId] = remaining;
              else delete scope.takenFlows[flowId];
              scope.activeFlows--;
            }
            if (scope.loopTotal !== undefined && instance.loopCounter !== undefined)
              scope.loopStarted = instance.loopCounter;
          }
          addToIndex(this.children, flowScopeKey, key);
        }
        if (
          value.parentElementInstanceKey !== undefined &&
          value.parentElementInstanceKey !== NO_KEY &&
          !flowScopeKey
        ) {
          const caller = this.elementInstances.get(value.parentElementInstanceKey as string);
          if (caller) caller.calledProcessInstanceKey = key;
        }
        return;
      }
      case 'ELEMENT_ACTIVATED':
      case 'ELEMENT_COMPLETING':
      case 'ELEMENT_TERMINATING': {
        const instance = this.elementInstances.get(key);
        if (!instance) return;
        instance.state = intent.slice('ELEMENT_'.length) as ElementState;
        if (value.loopTotal !== undefined) {
          instance.loopTotal = value.loopTotal as number;
          instance.loopStarted = 0;
        }
        if (value.interrupted === true) instance.interrupted = true;
        return;
      }
      case 'ELEMENT_COMPLETED':
      case 'ELEMENT_TERMINATED': {
        const instance = this.elementInstances.get(key);
        if (!instance) return;
        this.elementInstances.delete(key);
        this.variables.delete(key);
        this.children.delete(key);
        if (instance.startCorrelationKey !== undefined) {
          this.messageStartedInstances.delete(nameKey(instance.bpmnProcessId, instance.startCorrelationKey));
        }
        if (instance.flowScopeKey) {
          removeFromIndex(this.children, instance.flowScopeKey, key);
          const scope = this.elementInstances.get(instance.flowScopeKey);
          if (scope) scope.activeChildren--;
          if (scope?.bpmnElementType === 'multiInstanceBody' && instance.loopCounter !== undefined) {
            if (intent === 'ELEMENT_COMPLETED') scope.loopCompleted = (scope.loopCompleted ?? 0) + 1;
            else scope.loopTerminated = (scope.loopTerminated ?? 0) + 1;
          }
        } else if (instance.parentElementInstanceKey) {
          const caller = this.elementInstances.get(instance.parentElementInstanceKey);
          if (caller && caller.calledProcessInstanceKey === key) delete caller.calledProcessInstanceKey;
        }
        return;
      }
      case 'SEQUENCE_FLOW_TAKEN': {
        const scope = this.elementInstances.get(value.flowScopeKey as string);
        if (!scope) return;
        const flowId = value.elementId as string;
        scope.takenFlows[flowId] = (scope.takenFlows[flowId] ?? 0) + 1;
        scope.activeFlows++;
        return;
      }
      default:
        return;
    }
  }

  private applyVariable(intent: string, value: Record<string, unknown>): void {
    if (intent !== 'CREATED' && intent !== 'UPDATED') return;
    const scopeKey = value.scopeKey as string;
    let scope = this.variables.get(scopeKey);
    if (!scope) this.variables.set(scopeKey, (scope = new Map()));
    scope.set(value.name as string, value.value);
  }

  private applyJob(key: string, intent: string, value: Record<string, unknown>): void {
    if (intent === 'CREATED') {
      const job: Job = {
        key,
        type: value.type as string,
        state: 'ACTIVATABLE',
        retries: value.retries as number,
        worker: '',
        deadline: -1,
        recurAt: -1,
        errorMessage: '',
        errorCode: '',
        customHeaders: value.customHeaders as Record<string, string>,
        elementInstanceKey: value.elementInstanceKey as string,
        elementId: value.elementId as string,
        processInstanceKey: value.processInstanceKey as string,
        processDefinitionKey: value.processDefinitionKey as string,
        bpmnProcessId: value.bpmnProcessId as string,
        processDefinitionVersion: value.processDefinitionVersion as number,
      };
      this.jobs.set(key, job);
      addToIndex(this.activatable, job.type, key);
      const instance = this.elementInstances.get(job.elementInstanceKey);
      if (instance) instance.jobKey = key;
      return;
    }
    const job = this.jobs.get(key);
    if (!job) return;
    switch (intent) {
      case 'ACTIVATED':
        job.state = 'ACTIVATED';
        job.worker = value.worker as string;
        job.deadline = value.deadline as number;
        removeFromIndex(this.activatable, job.type, key);
        this.dueDates.push({ due: job.deadline, kind: 'jobDeadline', key });
        return;
      case 'TIMED_OUT':
      case 'YIELDED':
      case 'RECURRED_AFTER_BACKOFF':
        this.makeActivatable(job);
        return;
      case 'FAILED':
        job.retries = value.retries as number;
        job.errorMessage = value.errorMessage as string;
        removeFromIndex(this.activatable, job.type, key);
        if (job.retries > 0 && !((value.retryBackoff as number) > 0)) this.makeActivatable(job);
        else {
          job.state = 'FAILED';
          job.deadline = -1;
          job.recurAt = job.retries > 0 ? (value.recurAt as number) : -1;
          if (job.recurAt >= 0) this.dueDates.push({ due: job.recurAt, kind: 'jobRecur', key });
        }
        return;
      case 'ERROR_THROWN':
        removeFromIndex(this.activatable, job.type, key);
        job.state = 'ERROR_THROWN';
        job.deadline = -1;
        job.errorCode = value.errorCode as string;
        job.errorMessage = value.errorMessage as string;
        return;
      case 'RETRIES_UPDATED':
        job.retries = value.retries as number;
        return;
      case 'TIMEOUT_UPDATED':
        job.deadline = value.deadline as number;
        this.dueDates.push({ due: job.deadline, kind: 'jobDeadline', key });
        return;
      case 'COMPLETED':
      case 'CANCELED':
        this.jobs.delete(key);
        removeFromIndex(this.activatable, job.type, key);
        {
          const instance = this.elementInstances.get(job.elementInstanceKey);
          if (instance && instance.jobKey === key) delete instance.jobKey;
        }
        return;
      default:
        return;
    }
  }

  private makeActivatable(job: Job): void {
    job.state = 'ACTIVATABLE';
    job.worker = '';
    job.deadline = -1;
    job.recurAt = -1;
    addToIndex(this.activatable, job.type, job.key);
  }

  /** Resolving a job's incident puts the job back in line when it has retries (Zeebe writes no separate job event). */
  private resolveIncident(key: string): void {
    const incident = this.incidents.get(key);
    if (!incident) return;
    this.incidents.delete(key);
    const job = incident.jobKey === NO_KEY ? undefined : this.jobs.get(incident.jobKey);
    if (job && job.retries > 0 && (job.state === 'FAILED' || job.state === 'ERROR_THROWN')) this.makeActivatable(job);
  }

  private applyTimer(key: string, intent: string, value: Record<string, unknown>): void {
    if (intent === 'CREATED') {
      const timer: Timer = {
        key,
        elementInstanceKey: orUndefined(value.elementInstanceKey),
        processInstanceKey: orUndefined(value.processInstanceKey),
        processDefinitionKey: value.processDefinitionKey as string,
        targetElementId: value.targetElementId as string,
        dueDate: value.dueDate as number,
        repetitions: value.repetitions as number,
      };
      this.timers.set(key, timer);
      if (timer.elementInstanceKey) addToIndex(this.ownedEvents, timer.elementInstanceKey, key);
      this.dueDates.push({ due: timer.dueDate, kind: 'timer', key });
    } else if (intent === 'TRIGGERED' || intent === 'CANCELED') {
      const timer = this.timers.get(key);
      if (!timer) return;
      this.timers.delete(key);
      if (timer.elementInstanceKey) removeFromIndex(this.ownedEvents, timer.elementInstanceKey, key);
    }
  }

  private applyMessage(key: string, intent: string, value: Record<string, unknown>): void {
    if (intent === 'PUBLISHED') {
      if (value.buffered !== true) return;
      const message: BufferedMessage = {
        key,
        name: value.name as string,
        correlationKey: value.correlationKey as string,
        messageId: value.messageId as string,
        variables: value.variables as Record<string, unknown>,
        deadline: value.deadline as number,
        correlatedProcessIds: [...((value.correlatedProcessIds as string[] | undefined) ?? [])],
      };
      this.messages.set(key, message);
      addToIndex(this.messagesByNameKey, nameKey(message.name, message.correlationKey), key);
      this.dueDates.push({ due: message.deadline, kind: 'messageExpiry', key });
    } else if (intent === 'EXPIRED') {
      const message = this.messages.get(key);
      if (!message) return;
      this.messages.delete(key);
      removeFromIndex(this.messagesByNameKey, nameKey(message.name, message.correlationKey), key);
    } else if (intent === 'CORRELATED_TO_PROCESS') {
      this.messages.get(key)?.correlatedProcessIds.push(value.bpmnProcessId as string);
    }
  }

  private applyMessageSubscription(key: string, intent: string, value: Record<string, unknown>): void {
    if (intent === 'CREATED') {
      const subscription: MessageSubscription = {
        key,
        elementInstanceKey: value.elementInstanceKey as string,
        processInstanceKey: value.processInstanceKey as string,
        bpmnProcessId: value.bpmnProcessId as string,
        targetElementId: value.targetElementId as string,
        messageName: value.messageName as string,
        correlationKey: value.correlationKey as string,
        interrupting: value.interrupting as boolean,
      };
      this.messageSubscriptions.set(key, subscription);
      addToIndex(this.subscriptionsByMessage, nameKey(subscription.messageName, subscription.correlationKey), key);
      addToIndex(this.ownedEvents, subscription.elementInstanceKey, key);
    } else if (intent === 'DELETED' || (intent === 'CORRELATED' && value.keepOpen !== true)) {
      const subscription = this.messageSubscriptions.get(key);
      if (!subscription) return;
      this.messageSubscriptions.delete(key);
      removeFromIndex(this.subscriptionsByMessage, nameKey(subscription.messageName, subscription.correlationKey), key);
      removeFromIndex(this.ownedEvents, subscription.elementInstanceKey, key);
    }
  }

  private applySignalSubscription(key: string, intent: string, value: Record<string, unknown>): void {
    if (intent === 'CREATED') {
      const subscription: SignalSubscription = {
        key,
        elementInstanceKey: value.elementInstanceKey as string,
        processInstanceKey: value.processInstanceKey as string,
        targetElementId: value.targetElementId as string,
        signalName: value.signalName as string,
      };
      this.signalSubscriptions.set(key, subscription);
      addToIndex(this.signalSubscriptionsByName, subscription.signalName, key);
      addToIndex(this.ownedEvents, subscription.elementInstanceKey, key);
    } else if (intent === 'DELETED') {
      const subscription = this.signalSubscriptions.get(key);
      if (!subscription) return;
      this.signalSubscriptions.delete(key);
      removeFromIndex(this.signalSubscriptionsByName, subscription.signalName, key);
      removeFromIndex(this.ownedEvents, subscription.elementInstanceKey, key);
    }
  }

  toSnapshot(): StateSnapshot {
    return {
      version: 1,
      keySequence: this.keySequence,
      position: this.position,
      processes: [...this.processes.values()],
      elementInstances: [...this.elementInstances.values()],
      variables: [...this.variables].map(([scope, vars]) => [scope, [...vars]]),
      jobs: [...this.jobs.values()],
      incidents: [...this.incidents.values()],
      timers: [...this.timers.values()],
      messageSubscriptions: [...this.messageSubscriptions.values()],
      messages: [...this.messages.values()],
      signalSubscriptions: [...this.signalSubscriptions.values()],
      highestVersions: [...this.highestVersions],
    };
  }

  /** Loads a snapshot into this (empty) state; models must already be in `models` or derivable by `modelOf`. */
  loadSnapshot(snapshot: StateSnapshot): void {
    if (snapshot.version !== 1)
      throw new Error(`unsupported engine state snapshot version ${String(snapshot.version)}`);
    this.keySequence = snapshot.keySequence;
    this.position = snapshot.position;
    for (const [processId, version] of snapshot.highestVersions ?? []) this.highestVersions.set(processId, version);
    for (const process of snapshot.processes) this.addProcess(process);
    for (const instance of snapshot.elementInstances) {
      this.elementInstances.set(instance.key, instance);
      if (instance.flowScopeKey) addToIndex(this.children, instance.flowScopeKey, instance.key);
      if (instance.startCorrelationKey !== undefined) {
        this.messageStartedInstances.set(nameKey(instance.bpmnProcessId, instance.startCorrelationKey), instance.key);
      }
    }
    for (const [scope, vars] of snapshot.variables) this.variables.set(scope, new Map(vars));
    for (const job of snapshot.jobs) {
      this.jobs.set(job.key, job);
      if (job.state === 'ACTIVATABLE') addToIndex(this.activatable, job.type, job.key);
      if (job.state === 'ACTIVATED') this.dueDates.push({ due: job.deadline, kind: 'jobDeadline', key: job.key });
      if (job.state === 'FAILED' && job.recurAt >= 0)
        this.dueDates.push({ due: job.recurAt, kind: 'jobRecur', key: job.key });
    }
    for (const incident of snapshot.incidents) this.incidents.set(incident.key, incident);
    for (const timer of snapshot.timers) {
      this.timers.set(timer.key, timer);
      if (timer.elementInstanceKey) addToIndex(this.ownedEvents, timer.elementInstanceKey, timer.key);
      this.dueDates.push({ due: timer.dueDate, kind: 'timer', key: timer.key });
    }
    for (const subscription of snapshot.messageSubscriptions) {
      this.messageSubscriptions.set(subscription.key, subscription);
      addToIndex(
        this.subscriptionsByMessage,
        nameKey(subscription.messageName, subscription.correlationKey),
        subscription.key,
      );
      addToIndex(this.ownedEvents, subscription.elementInstanceKey, subscription.key);
    }
    for (const message of snapshot.messages) {
      this.messages.set(message.key, message);
      addToIndex(this.messagesByNameKey, nameKey(message.name, message.correlationKey), message.key);
      this.dueDates.push({ due: message.deadline, kind: 'messageExpiry', key: message.key });
    }
    for (const subscription of snapshot.signalSubscriptions) {
      this.signalSubscriptions.set(subscription.key, subscription);
      addToIndex(this.signalSubscriptionsByName, subscription.signalName, subscription.key);
      addToIndex(this.ownedEvents, subscription.elementInstanceKey, subscription.key);
    }
  }
}
