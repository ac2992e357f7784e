/**
 * The executable form of a BPMN process: what the parser (bpmn/parse.ts) produces from the XML
 * and what the processor walks. Plain data, no moddle objects, so a snapshot can rebuild it by
 * re-parsing the stored XML.
 */

/** A value that is either static text or a FEEL expression (the text after Zeebe's leading `=`). */
export type Expression =
  { readonly kind: 'static'; readonly value: string } | { readonly kind: 'feel'; readonly source: string };

export type ElementType =
  | 'process'
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'task'
  | 'manualTask'
  | 'serviceTask'
  | 'userTask'
  | 'scriptTask'
  | 'sendTask'
  | 'receiveTask'
  | 'businessRuleTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'eventSubProcess'
  | 'callActivity'
  | 'multiInstanceBody';

export type EventDefinition =
  | { readonly kind: 'none' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'message'; readonly messageName: Expression; readonly correlationKey?: Expression }
  | { readonly kind: 'timer'; readonly timer: 'duration' | 'date' | 'cycle'; readonly value: Expression }
  /** errorCode undefined on a catch event = catch all errors. */
  | { readonly kind: 'error'; readonly errorCode?: Expression }
  | { readonly kind: 'signal'; readonly signalName: Expression };

export interface Mapping {
  /** FEEL or static source (Zeebe: `source="=a.b"`). */
  readonly source: Expression;
  /** Target variable path, e.g. `result` or `dossier.code` (dots create nested contexts). */
  readonly target: string;
}

/** A job-worker implementation (service, send, business-rule task, message throw/end with taskDefinition, user task). */
export interface JobDefinition {
  readonly type: Expression;
  /** Default static '3'. */
  readonly retries: Expression;
  /** zeebe:taskHeaders, static strings. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Job-based user task properties (zeebe:assignmentDefinition, zeebe:formDefinition, zeebe:taskSchedule). */
export interface UserTaskDefinition {
  readonly assignee?: Expression;
  readonly candidateGroups?: Expression;
  readonly candidateUsers?: Expression;
  readonly formKey?: string;
  readonly dueDate?: Expression;
  readonly followUpDate?: Expression;
}

export interface MultiInstanceDefinition {
  readonly sequential: boolean;
  readonly inputCollection: Expression;
  readonly inputElement?: string;
  readonly outputCollection?: string;
  readonly outputElement?: Expression;
  readonly completionCondition?: Expression;
}

export interface CalledElementDefinition {
  readonly processId: Expression;
  /** Default true. */
  readonly propagateAllChildVariables: boolean;
  /** Default true. */
  readonly propagateAllParentVariables: boolean;
}

export interface SequenceFlowModel {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition?: Expression;
}

export interface ElementModel {
  readonly id: string;
  readonly name?: string;
  readonly type: ElementType;
  /** Id of the enclosing scope: the process id for top-level elements, else the (event) subprocess id. Undefined for the process. */
  readonly scopeId?: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Events only; 'none' when the event has no definition. */
  readonly eventDefinition?: EventDefinition;
  /** Boundary events: cancelActivity. Event subprocess start events: isInterrupting. Default true. */
  readonly interrupting?: boolean;
  /** Boundary events: the activity they are attached to. */
  readonly attachedToId?: string;
  /** Activities: ids of the boundary events attached to them. */
  readonly boundaryEventIds: readonly string[];
  readonly job?: JobDefinition;
  readonly userTask?: UserTaskDefinition;
  readonly script?: { readonly expression: Expression; readonly resultVariable: string };
  readonly inputMappings: readonly Mapping[];
  readonly outputMappings: readonly Mapping[];
  /** Exclusive / inclusive gateways. */
  readonly defaultFlowId?: string;
  /** Scopes (process, subProcess, eventSubProcess): the ids of the elements directly inside. */
  readonly childIds: readonly string[];
  /** Scopes: the none start event (process, subProcess) that starts the scope normally. */
  readonly noneStartEventId?: string;
  /** Scopes: ids of event subprocesses directly inside. */
  readonly eventSubProcessIds: readonly string[];
  readonly calledElement?: CalledElementDefinition;
  /** Activities with loop characteristics. The element then runs inside a multi-instance body. */
  readonly multiInstance?: MultiInstanceDefinition;
}

export interface ProcessModel {
  readonly bpmnProcessId: string;
  readonly name?: string;
  /** Every element of the process, including the process itself (id = bpmnProcessId), keyed by id. */
  readonly elements: ReadonlyMap<string, ElementModel>;
  readonly flows: ReadonlyMap<string, SequenceFlowModel>;
  /** Top-level start events by kind, for creating instances and opening start subscriptions. */
  readonly noneStartEventId?: string;
  readonly messageStartEventIds: readonly string[];
  readonly timerStartEventIds: readonly string[];
  readonly signalStartEventIds: readonly string[];
}
