/**
 * The BPMN parser: turns one BPMN resource into the engine's ProcessModels (core/model.ts) and validates it the way
 * Zeebe 8.5 validates a deployment. Every problem is collected; a resource with any problem is rejected as a whole,
 * with a message in Zeebe's format. Pure (no I/O); async only because bpmn-moddle is. Linear in the size of the XML.
 */
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

import { checkFeelSyntax, expressionOf } from '../core/feel.ts';
import type {
  CalledElementDefinition,
  ElementModel,
  ElementType,
  EventDefinition,
  Expression,
  JobDefinition,
  Mapping,
  MultiInstanceDefinition,
  ProcessModel,
  SequenceFlowModel,
  UserTaskDefinition,
} from '../core/model.ts';
import { addDuration, parseCycle, parseTimeDate } from '../core/timer-expressions.ts';

/** One validation problem; `elementId` undefined for problems of the resource as a whole (e.g. malformed XML). */
export interface DeploymentProblem {
  readonly elementId?: string;
  readonly text: string;
}

const REJECTION_PREFIX = "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': ";
const REASON_PREFIX = 'Expected to deploy new resources, but encountered the following errors:';

/** A resource that cannot be deployed. `message` is what Zeebe's gateway answers (INVALID_ARGUMENT). */
export class DeploymentRejection extends Error {
  /** Every problem, each as `Element '<id>': <text>` (or just `<text>` for the resource as a whole). */
  readonly problems: string[];
  /** The same problems as data, for callers that report them per element (the server's bundle validator). */
  readonly details: readonly DeploymentProblem[];
  /** The rejection reason without the `Command 'CREATE' rejected ...` prefix, as in Zeebe's rejection record. */
  readonly reason: string;
  readonly resourceName: string;

  constructor(resourceName: string, problems: readonly DeploymentProblem[]) {
    const reason = formatReason(resourceName, problems);
    super(REJECTION_PREFIX + reason);
    this.name = 'DeploymentRejection';
    this.resourceName = resourceName;
    this.reason = reason;
    this.details = problems.map((problem) => ({ ...problem }));
    this.problems = problems.map((p) => (p.elementId === undefined ? p.text : `Element '${p.elementId}': ${p.text}`));
  }
}

/** Zeebe's layout: `'<resource>': - Element: <id>\n    - ERROR: <text>\n- Element: ...`, problems grouped by element. */
function formatReason(resourceName: string, problems: readonly DeploymentProblem[]): string {
  let body = '';
  const byElement = new Map<string, string[]>();
  for (const problem of problems) {
    if (problem.elementId === undefined) {
      body += `${problem.text}\n`;
    } else {
      const texts = byElement.get(problem.elementId);
      if (texts) texts.push(problem.text);
      else byElement.set(problem.elementId, [problem.text]);
    }
  }
  for (const [elementId, texts] of byElement) {
    body += `- Element: ${elementId}\n`;
    for (const text of texts) body += `    - ERROR: ${text}\n`;
  }
  return `${REASON_PREFIX}\n'${resourceName}': ${body.trimEnd()}`;
}

/** One instance for all parses: moddle keeps no per-parse state on it. */
const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });

/**
 * Parses and validates one BPMN resource. Returns one ProcessModel per executable bpmn:process (in document order);
 * throws a DeploymentRejection listing every problem found.
 */
export async function parseBpmn(xml: string, resourceName: string): Promise<ProcessModel[]> {
  const problems = new Problems();
  let definitions: ModdleElement;
  const warnedIds = new Set<string>();
  try {
    const result = await moddle.fromXML(xml, 'bpmn:Definitions');
    definitions = result.rootElement;
    for (const warning of result.warnings) {
      const elementId = warning.element?.id;
      if (elementId !== undefined) warnedIds.add(elementId);
      problems.add(elementId, `Invalid BPMN XML: ${oneLine(warning.message)}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DeploymentRejection(resourceName, [{ text: `Failed to parse the BPMN XML: ${oneLine(message)}` }]);
  }

  const models: ProcessModel[] = [];
  let hasExecutableProcess = false;
  for (const root of definitions.rootElements ?? []) {
    // Like Zeebe, processes not marked executable are ignored.
    if (root.$type !== 'bpmn:Process' || root.isExecutable !== true) continue;
    hasExecutableProcess = true;
    const model = new ProcessParser(root, problems, warnedIds).parse();
    if (model) models.push(model);
  }
  if (!hasExecutableProcess) {
    problems.add(definitions.id ?? resourceName, 'Must contain at least one executable process');
  }

  if (problems.list.length > 0) throw new DeploymentRejection(resourceName, problems.list);
  return models;
}

/** moddle's multi-line messages (`...\n\tline: 1\n\tcolumn: 2`) on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ', ').trim();
}

class Problems {
  readonly list: DeploymentProblem[] = [];

  add(elementId: string | undefined, text: string): void {
    this.list.push(elementId === undefined ? { text } : { elementId, text });
  }
}

// ----------------------------------------------------------------------------------------------------------------
// Element types

const ELEMENT_TYPES: Readonly<Record<string, ElementType>> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:Task': 'task',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:CallActivity': 'callActivity',
};

/** Flow elements without execution semantics: skipped. */
const NON_EXECUTABLE_TYPES: ReadonlySet<string> = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

const ACTIVITY_TYPES: ReadonlySet<ElementType> = new Set<ElementType>([
  'task',
  'manualTask',
  'serviceTask',
  'userTask',
  'scriptTask',
  'sendTask',
  'receiveTask',
  'businessRuleTask',
  'subProcess',
  'callActivity',
]);

const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';
const BPMN_COVERAGE = 'https://docs.camunda.io/docs/components/modeler/bpmn/bpmn-coverage/';

/** The local name of a moddle type, as Zeebe names element classes: 'bpmn:ComplexGateway' → 'ComplexGateway'. */
function simpleName($type: string): string {
  return $type.slice($type.indexOf(':') + 1);
}

// ----------------------------------------------------------------------------------------------------------------
// Expressions and paths

/** Where FEEL is required (Zeebe: output sources, conditions, correlation keys, input collections, scripts). */
interface ExpressionRule {
  readonly nonStatic?: boolean;
}

/** `expressionOf` plus Zeebe's deployment checks: FEEL must parse; some attributes must be FEEL. */
function checkedExpression(
  problems: Problems,
  elementId: string,
  what: string,
  raw: string,
  rule: ExpressionRule = {},
): Expression {
  const expression = expressionOf(raw);
  if (expression.kind === 'feel') {
    const failure = checkFeelSyntax(expression.source);
    if (failure !== undefined) problems.add(elementId, `Failed to parse the ${what} expression '${raw}': ${failure}`);
  } else if (rule.nonStatic) {
    problems.add(
      elementId,
      `Expected the ${what} to be an expression but found static value '${raw}'. ` +
        `An expression must start with '=' (e.g. '=${raw}').`,
    );
  }
  return expression;
}

const PATH_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;
const PATH_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'null',
  'true',
  'false',
  'function',
  'if',
  'then',
  'else',
  'for',
  'between',
  'instance',
  'of',
]);

function checkPath(problems: Problems, elementId: string, what: string, path: string): void {
  if (!PATH_PATTERN.test(path)) {
    problems.add(elementId, `Expected the ${what} to be a variable path (e.g. 'a' or 'a.b') but found '${path}'`);
  } else if (PATH_RESERVED_WORDS.has(path)) {
    problems.add(elementId, `Expected the ${what} to be a variable path but '${path}' is a reserved word`);
  }
}

/** Zeebe's static list of comma-separated values: `a, b,c`; no empty entries. */
function isCsvList(text: string): boolean {
  return text.split(',').every((entry) => entry.trim() !== '');
}

function present(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

// ----------------------------------------------------------------------------------------------------------------
// Timers

type TimerKind = 'duration' | 'date' | 'cycle';

/** Undefined when a static timer value is valid ISO 8601 (cycles: `R[n]/[start/]duration` or cron). */
function checkStaticTimer(kind: TimerKind, value: string): string | undefined {
  try {
    if (kind === 'duration') addDuration(0, value);
    else if (kind === 'date') parseTimeDate(value);
    else parseCycle(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// ----------------------------------------------------------------------------------------------------------------
// The parser of one process

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An ElementModel under construction. */
interface Draft extends Mutable<ElementModel> {
  incoming: string[];
  outgoing: string[];
  boundaryEventIds: string[];
  inputMappings: Mapping[];
  outputMappings: Mapping[];
  childIds: string[];
  eventSubProcessIds: string[];
}

interface FlowEntry {
  readonly node: ModdleElement;
  readonly scopeId: string;
}

/** Where an event sits, which decides the event definitions it may have. */
type EventRole =
  | 'processStart'
  | 'subProcessStart'
  | 'eventSubProcessStart'
  | 'end'
  | 'intermediateCatch'
  | 'intermediateThrow'
  | 'boundary'
  | 'receiveTask';

/** Event definition element types the parser knows (others are reported as unsupported). */
const DEFINITION_KINDS: Readonly<Record<string, EventDefinition['kind']>> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:TerminateEventDefinition': 'terminate',
};

const ALLOWED_EVENT_DEFINITIONS: Readonly<Record<EventRole, readonly EventDefinition['kind'][]>> = {
  processStart: ['none', 'message', 'timer', 'signal'],
  subProcessStart: ['none'],
  eventSubProcessStart: ['message', 'timer', 'error', 'signal'],
  end: ['none', 'terminate', 'error', 'message', 'signal'],
  intermediateCatch: ['message', 'timer', 'signal'],
  intermediateThrow: ['none', 'message', 'signal'],
  boundary: ['message', 'timer', 'error', 'signal'],
  receiveTask: ['message'],
};

const ROLE_TEXT: Readonly<Record<EventRole, string>> = {
  processStart: 'Start events of a process must be one of: none, message, timer or signal',
  subProcessStart: 'Start events in subprocesses must be of type none',
  eventSubProcessStart: 'Start events in event subprocesses must be one of: message, timer, error or signal',
  end: 'End events must be one of: none, error, message, terminate or signal',
  intermediateCatch: 'Event definition must be one of: message, timer or signal',
  intermediateThrow: 'Intermediate throw events must be one of: none, message or signal',
  boundary: 'Boundary events must be one of: timer, message, error or signal',
  receiveTask: 'Receive tasks must reference a message',
};

/** Roles whose message subscription needs a correlation key. */
const CATCH_ROLES: ReadonlySet<EventRole> = new Set<EventRole>([
  'intermediateCatch',
  'boundary',
  'receiveTask',
  'eventSubProcessStart',
]);

class ProcessParser {
  private readonly processId: string;
  private readonly drafts = new Map<string, Draft>();
  private readonly nodes = new Map<string, ModdleElement>();
  /** Ids of unsupported elements: reported once, and flows touching them are not reported again. */
  private readonly unsupported = new Set<string>();
  private readonly flowEntries: FlowEntry[] = [];
  private readonly flows = new Map<string, SequenceFlowModel>();

  constructor(
    private readonly process: ModdleElement,
    private readonly problems: Problems,
    private readonly warnedIds: ReadonlySet<string>,
  ) {
    this.processId = process.id ?? '';
  }

  parse(): ProcessModel | undefined {
    if (!present(this.process.id)) {
      this.problems.add(undefined, "A bpmn:process must have an 'id' attribute");
      return undefined;
    }
    const root = this.newDraft(this.process, 'process', undefined);
    this.checkExtensionSupport(root.id, this.process);
    this.collect(this.process, root);
    this.connectFlows();
    for (const [id, draft] of this.drafts) {
      if (draft.type !== 'process') this.describe(draft, this.nodes.get(id) as ModdleElement);
    }
    for (const draft of this.drafts.values()) this.checkAfterDescribe(draft);

    const topLevel = root.childIds.map((id) => this.drafts.get(id) as Draft);
    const startsOf = (kind: EventDefinition['kind']): string[] =>
      topLevel.filter((d) => d.type === 'startEvent' && d.eventDefinition?.kind === kind).map((d) => d.id);
    const model: ProcessModel = {
      bpmnProcessId: this.processId,
      ...(this.process.name !== undefined ? { name: this.process.name } : {}),
      elements: this.drafts as ReadonlyMap<string, ElementModel>,
      flows: this.flows,
      ...(root.noneStartEventId !== undefined ? { noneStartEventId: root.noneStartEventId } : {}),
      messageStartEventIds: startsOf('message'),
      timerStartEventIds: startsOf('timer'),
      signalStartEventIds: startsOf('signal'),
    };
    return model;
  }

  private newDraft(node: ModdleElement, type: ElementType, scopeId: string | undefined): Draft {
    const id = node.id as string;
    const draft: Draft = {
      id,
      type,
      incoming: [],
      outgoing: [],
      boundaryEventIds: [],
      inputMappings: [],
      outputMappings: [],
      childIds: [],
      eventSubProcessIds: [],
    };
    if (node.name !== undefined) draft.name = node.name;
    if (scopeId !== undefined) draft.scopeId = scopeId;
    this.drafts.set(id, draft);
    this.nodes.set(id, node);
    return draft;
  }

  /** Pass 1: registers every flow node of a scope (recursively) and remembers its sequence flows. */
  private collect(container: ModdleElement, scope: Draft): void {
    for (const node of container.flowElements ?? []) {
      if (node.$type === 'bpmn:SequenceFlow') {
        this.flowEntries.push({ node, scopeId: scope.id });
        continue;
      }
      if (NON_EXECUTABLE_TYPES.has(node.$type)) continue;
      if (!present(node.id)) {
        this.problems.add(scope.id, `A ${simpleName(node.$type)} inside '${scope.id}' has no 'id' attribute`);
        continue;
      }
      const type = ELEMENT_TYPES[node.$type];
      if (type === undefined) {
        this.unsupported.add(node.id);
        this.problems.add(
          node.id,
          `Elements of type '${simpleName(node.$type)}' are currently not supported. ` +
            `Please refer to the documentation for a list of supported elements: ${BPMN_COVERAGE}`,
        );
        continue;
      }
      const draft = this.newDraft(node, node.triggeredByEvent === true ? 'eventSubProcess' : type, scope.id);
      scope.childIds.push(draft.id);
      if (draft.type === 'eventSubProcess') scope.eventSubProcessIds.push(draft.id);
      if (type === 'subProcess') this.collect(node, draft);
    }
  }

  /** Pass 2: sequence flows, incoming/outgoing of every node, conditions. */
  private connectFlows(): void {
    for (const { node, scopeId } of this.flowEntries) {
      const id = node.id;
      if (!present(id)) {
        this.problems.add(scopeId, `A sequence flow inside '${scopeId}' has no 'id' attribute`);
        continue;
      }
      const sourceId = node.sourceRef?.id;
      const targetId = node.targetRef?.id;
      if (sourceId === undefined || targetId === undefined) {
        if (!this.warnedIds.has(id)) this.problems.add(id, 'A sequence flow must have a sourceRef and a targetRef');
        continue;
      }
      if (this.unsupported.has(sourceId) || this.unsupported.has(targetId)) continue;
      const source = this.drafts.get(sourceId);
      const target = this.drafts.get(targetId);
      if (!source || !target || source.scopeId !== scopeId || target.scopeId !== scopeId) {
        this.problems.add(
          id,
          `A sequence flow must connect two elements of its own scope '${scopeId}' (sourceRef '${sourceId}', targetRef '${targetId}')`,
        );
        continue;
      }
      const flow: Mutable<SequenceFlowModel> = { id, sourceId, targetId };
      if (node.conditionExpression) {
        const raw = (node.conditionExpression.body ?? '').trim();
        if (raw === '') this.problems.add(id, 'The condition expression must not be empty');
        else flow.condition = checkedExpression(this.problems, id, 'condition', raw, { nonStatic: true });
      }
      this.flows.set(id, flow);
      source.outgoing.push(id);
      target.incoming.push(id);
    }
  }

  /** Pass 3: the element's own properties, from its type, event definition and extension elements. */
  private describe(draft: Draft, node: ModdleElement): void {
    this.checkExtensionSupport(draft.id, node);
    this.mappings(draft, node);
    if (node.loopCharacteristics) this.multiInstance(draft, node.loopCharacteristics);

    switch (draft.type) {
      case 'startEvent': {
        const scopeType = this.drafts.get(draft.scopeId as string)?.type;
        const role: EventRole =
          scopeType === 'process'
            ? 'processStart'
            : scopeType === 'subProcess'
              ? 'subProcessStart'
              : 'eventSubProcessStart';
        draft.eventDefinition = this.eventDefinition(draft, node, role);
        if (role === 'eventSubProcessStart') {
          draft.interrupting = node.isInterrupting ?? true;
          if (draft.eventDefinition.kind === 'error' && !draft.interrupting) {
            this.problems.add(draft.id, 'Error start events of event subprocesses must be interrupting');
          }
        }
        if (draft.incoming.length > 0)
          this.problems.add(draft.id, 'Start events must not have incoming sequence flows');
        break;
      }
      case 'endEvent':
        draft.eventDefinition = this.eventDefinition(draft, node, 'end');
        if (draft.outgoing.length > 0) {
          this.problems.add(draft.id, 'End events must not have outgoing sequence flows to other elements.');
        }
        break;
      case 'intermediateCatchEvent':
        draft.eventDefinition = this.eventDefinition(draft, node, 'intermediateCatch');
        break;
      case 'intermediateThrowEvent':
        draft.eventDefinition = this.eventDefinition(draft, node, 'intermediateThrow');
        break;
      case 'boundaryEvent':
        this.boundaryEvent(draft, node);
        break;
      case 'serviceTask':
      case 'sendTask':
        this.setJob(draft, this.job(draft.id, node, true));
        break;
      case 'scriptTask':
        this.scriptTask(draft, node);
        break;
      case 'businessRuleTask':
        this.businessRuleTask(draft, node);
        break;
      case 'userTask':
        this.userTask(draft, node);
        break;
      case 'receiveTask':
        // The model has no other place for a receive task's message than its eventDefinition.
        draft.eventDefinition = this.eventDefinition(draft, node, 'receiveTask');
        break;
      case 'exclusiveGateway':
      case 'inclusiveGateway':
        if (node.default) draft.defaultFlowId = node.default.id as string;
        break;
      case 'eventSubProcess':
        if (draft.incoming.length > 0 || draft.outgoing.length > 0) {
          this.problems.add(draft.id, 'Event subprocesses must not have incoming or outgoing sequence flows');
        }
        break;
      case 'callActivity':
        this.callActivity(draft, node);
        break;
      default:
        break;
    }
  }

  /** Pass 4: checks that need the other elements described (gateway targets, scopes' start events). */
  private checkAfterDescribe(draft: Draft): void {
    switch (draft.type) {
      case 'process':
      case 'subProcess':
      case 'eventSubProcess':
        this.checkScopeStartEvents(draft);
        break;
      case 'exclusiveGateway':
      case 'inclusiveGateway':
      case 'parallelGateway':
      case 'eventBasedGateway':
        this.checkGateway(draft);
        break;
      default:
        break;
    }
    if (draft.type !== 'exclusiveGateway' && draft.type !== 'inclusiveGateway') {
      const conditional = draft.outgoing.some((flowId) => this.flows.get(flowId)?.condition !== undefined);
      if (conditional) {
        this.problems.add(draft.id, 'Conditional sequence flows are only supported at exclusive or inclusive gateway');
      }
    }
  }

  private checkScopeStartEvents(scope: Draft): void {
    const starts = scope.childIds.filter((id) => this.drafts.get(id)?.type === 'startEvent');
    const hasDefinition = (id: string): boolean => (this.nodes.get(id)?.eventDefinitions ?? []).length > 0;
    if (scope.type === 'process') {
      if (starts.length === 0) {
        this.problems.add(scope.id, 'Must have at least one start event');
        return;
      }
      const noneStarts = starts.filter((id) => !hasDefinition(id));
      if (noneStarts.length > 1) {
        this.problems.add(scope.id, `Multiple none start events are not allowed (${noneStarts.join(', ')})`);
      }
      if (noneStarts.length === 1) scope.noneStartEventId = noneStarts[0];
      this.checkUniqueStartNames(starts);
      return;
    }
    if (starts.length !== 1) {
      this.problems.add(scope.id, `Must have exactly one start event (found ${starts.length})`);
      return;
    }
    const start = starts[0] as string;
    if (scope.type === 'subProcess') {
      // A start event with a definition is reported on the start event itself.
      if (!hasDefinition(start)) scope.noneStartEventId = start;
    } else if (!hasDefinition(start)) {
      this.problems.add(scope.id, ROLE_TEXT.eventSubProcessStart);
    }
  }

  /** Zeebe: two message (or signal) start events of a process must not wait for the same name. */
  private checkUniqueStartNames(startIds: readonly string[]): void {
    const seen = new Set<string>();
    for (const id of startIds) {
      const definition = this.drafts.get(id)?.eventDefinition;
      let key: string | undefined;
      if (definition?.kind === 'message' && definition.messageName.kind === 'static') {
        key = `message '${definition.messageName.value}'`;
      } else if (definition?.kind === 'signal' && definition.signalName.kind === 'static') {
        key = `signal '${definition.signalName.value}'`;
      }
      if (key === undefined) continue;
      if (seen.has(key)) this.problems.add(this.processId, `Multiple start events for the same ${key} are not allowed`);
      seen.add(key);
    }
  }

  private checkGateway(gateway: Draft): void {
    if (gateway.type === 'eventBasedGateway') {
      this.checkEventBasedGateway(gateway);
    } else if (gateway.outgoing.length === 0) {
      this.problems.add(gateway.id, 'A gateway must have at least one outgoing sequence flow');
    }
    if (gateway.defaultFlowId !== undefined && this.flows.get(gateway.defaultFlowId)?.sourceId !== gateway.id) {
      this.problems.add(
        gateway.id,
        `Default flow must start at gateway ('${gateway.defaultFlowId}' is not an outgoing sequence flow of '${gateway.id}')`,
      );
    }
    if (gateway.type === 'inclusiveGateway' && gateway.incoming.length > 1) {
      this.problems.add(
        gateway.id,
        'Joining inclusive gateways (more than one incoming sequence flow) are not supported; ' +
          'Zeebe 8.5 supports only diverging inclusive gateways',
      );
    }
    if ((gateway.type === 'exclusiveGateway' || gateway.type === 'inclusiveGateway') && gateway.outgoing.length > 1) {
      for (const flowId of gateway.outgoing) {
        if (flowId === gateway.defaultFlowId || this.flows.get(flowId)?.condition !== undefined) continue;
        this.problems.add(
          flowId,
          gateway.type === 'exclusiveGateway' ? 'Must have a condition or be default flow' : 'Must have a condition',
        );
      }
    }
  }

  private checkEventBasedGateway(gateway: Draft): void {
    if (gateway.outgoing.length < 2) {
      this.problems.add(gateway.id, 'Event-based gateway must have at least 2 outgoing sequence flows.');
    }
    let invalidTarget = false;
    let sharedTarget = false;
    for (const flowId of gateway.outgoing) {
      const target = this.drafts.get(this.flows.get(flowId)?.targetId ?? '');
      if (!target) continue;
      const kind = target.eventDefinition?.kind;
      if (target.type !== 'intermediateCatchEvent' || (kind !== 'message' && kind !== 'timer' && kind !== 'signal')) {
        invalidTarget = true;
      }
      if (target.incoming.length > 1) sharedTarget = true;
    }
    if (invalidTarget) {
      this.problems.add(
        gateway.id,
        'Event-based gateway must not have an outgoing sequence flow to other elements than ' +
          'message/timer/signal intermediate catch events.',
      );
    }
    if (sharedTarget) {
      this.problems.add(
        gateway.id,
        'Target elements of an event gateway must not have any additional incoming sequence flows other than that from the event gateway.',
      );
    }
  }

  // --- extension elements ---

  private extensions(node: ModdleElement, type: string): ModdleElement[] {
    return (node.extensionElements?.values ?? []).filter((value) => value.$type === type);
  }

  /** The single extension element of a type; more than one is a problem. */
  private extension(elementId: string, node: ModdleElement, type: string): ModdleElement | undefined {
    const found = this.extensions(node, type);
    if (found.length > 1) {
      this.problems.add(
        elementId,
        `Must not have more than one 'zeebe:${lowerFirst(simpleName(type))}' extension element`,
      );
    }
    return found[0];
  }

  private checkExtensionSupport(elementId: string, node: ModdleElement): void {
    for (const value of node.extensionElements?.values ?? []) {
      if (value.$type === 'zeebe:ExecutionListeners' || value.$type === 'zeebe:TaskListeners') {
        this.problems.add(
          elementId,
          `'zeebe:${lowerFirst(simpleName(value.$type))}' are not supported (they arrived with Camunda 8.6; this engine follows Zeebe 8.5)`,
        );
      }
    }
  }

  private mappings(draft: Draft, node: ModdleElement): void {
    const ioMapping = this.extension(draft.id, node, 'zeebe:IoMapping');
    if (!ioMapping) return;
    for (const input of ioMapping.inputParameters ?? []) {
      const mapping = this.mapping(draft.id, 'input', input, {});
      if (mapping) draft.inputMappings.push(mapping);
    }
    for (const output of ioMapping.outputParameters ?? []) {
      const mapping = this.mapping(draft.id, 'output', output, { nonStatic: true });
      if (mapping) draft.outputMappings.push(mapping);
    }
  }

  private mapping(
    elementId: string,
    kind: string,
    parameter: ModdleElement,
    rule: ExpressionRule,
  ): Mapping | undefined {
    const target = parameter.target ?? '';
    if (!present(parameter.source)) {
      this.problems.add(elementId, `The ${kind} mapping to '${target}' has no source expression`);
      return undefined;
    }
    checkPath(this.problems, elementId, `${kind} mapping target`, target);
    const source = checkedExpression(this.problems, elementId, `${kind} mapping source`, parameter.source, rule);
    return { source, target };
  }

  private taskHeaders(elementId: string, node: ModdleElement): Record<string, string> {
    const headers: Record<string, string> = {};
    const taskHeaders = this.extension(elementId, node, 'zeebe:TaskHeaders');
    for (const header of taskHeaders?.values ?? []) {
      if (!present(header.key)) {
        this.problems.add(elementId, 'A task header must have a non-empty key');
        continue;
      }
      headers[header.key] = header.value ?? '';
    }
    return headers;
  }

  /** zeebe:taskDefinition → job. `required`: a missing task definition is a problem. */
  private job(elementId: string, node: ModdleElement, required: boolean): JobDefinition | undefined {
    const definition = this.extension(elementId, node, 'zeebe:TaskDefinition');
    if (!definition) {
      if (required) this.problems.add(elementId, "Must have exactly one 'zeebe:taskDefinition' extension element");
      return undefined;
    }
    let type: Expression = { kind: 'static', value: '' };
    if (!present(definition.type)) {
      this.problems.add(elementId, "Attribute 'type' of 'zeebe:taskDefinition' must be present and not empty");
    } else {
      type = checkedExpression(this.problems, elementId, 'job type', definition.type);
    }
    let retries: Expression = { kind: 'static', value: '3' };
    if (definition.retries !== undefined) {
      if (!present(definition.retries)) {
        this.problems.add(elementId, "Attribute 'retries' of 'zeebe:taskDefinition' must not be empty");
      } else {
        retries = checkedExpression(this.problems, elementId, 'job retries', definition.retries);
        if (retries.kind === 'static' && !/^\d+$/.test(retries.value.trim())) {
          this.problems.add(elementId, `Expected the job retries to be a number but found '${retries.value}'`);
        }
      }
    }
    return { type, retries, headers: this.taskHeaders(elementId, node) };
  }

  private setJob(draft: Draft, job: JobDefinition | undefined): void {
    if (job) draft.job = job;
  }

  private scriptTask(draft: Draft, node: ModdleElement): void {
    const script = this.extension(draft.id, node, 'zeebe:Script');
    const hasTaskDefinition = this.extensions(node, 'zeebe:TaskDefinition').length > 0;
    if (script && hasTaskDefinition) {
      this.problems.add(
        draft.id,
        "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element, not both",
      );
      return;
    }
    if (hasTaskDefinition) {
      this.setJob(draft, this.job(draft.id, node, true));
      return;
    }
    if (!script) {
      this.problems.add(
        draft.id,
        "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element",
      );
      return;
    }
    let expression: Expression = { kind: 'static', value: '' };
    if (!present(script.expression)) {
      this.problems.add(draft.id, "Attribute 'expression' of 'zeebe:script' must be present and not empty");
    } else {
      expression = checkedExpression(this.problems, draft.id, 'script', script.expression, { nonStatic: true });
    }
    const resultVariable = script.resultVariable ?? '';
    if (!present(resultVariable)) {
      this.problems.add(draft.id, "Attribute 'resultVariable' of 'zeebe:script' must be present and not empty");
    } else {
      checkPath(this.problems, draft.id, 'script result variable', resultVariable);
    }
    draft.script = { expression, resultVariable };
  }

  private businessRuleTask(draft: Draft, node: ModdleElement): void {
    if (this.extensions(node, 'zeebe:CalledDecision').length > 0) {
      this.problems.add(
        draft.id,
        'Business rule tasks calling a DMN decision (zeebe:calledDecision) are not supported yet: DMN comes later; ' +
          "implement the task with a job worker ('zeebe:taskDefinition') for now",
      );
      return;
    }
    if (this.extensions(node, 'zeebe:TaskDefinition').length === 0) {
      this.problems.add(
        draft.id,
        "Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element",
      );
      return;
    }
    this.setJob(draft, this.job(draft.id, node, true));
  }

  private userTask(draft: Draft, node: ModdleElement): void {
    if (this.extensions(node, 'zeebe:UserTask').length > 0) {
      this.problems.add(
        draft.id,
        'Camunda user tasks (zeebe:userTask extension element) are not supported over the gRPC gateway ' +
          '(Zeebe manages them through its REST API only); use a job-based user task (remove zeebe:userTask)',
      );
      return;
    }
    draft.job = {
      type: { kind: 'static', value: USER_TASK_JOB_TYPE },
      retries: { kind: 'static', value: '1' },
      headers: this.taskHeaders(draft.id, node),
    };
    const userTask: Mutable<UserTaskDefinition> = {};
    const assignment = this.extension(draft.id, node, 'zeebe:AssignmentDefinition');
    if (assignment) {
      if (present(assignment.assignee)) {
        userTask.assignee = checkedExpression(this.problems, draft.id, 'assignee', assignment.assignee);
      }
      if (present(assignment.candidateGroups)) {
        userTask.candidateGroups = this.csvExpression(draft.id, 'candidate groups', assignment.candidateGroups);
      }
      if (present(assignment.candidateUsers)) {
        userTask.candidateUsers = this.csvExpression(draft.id, 'candidate users', assignment.candidateUsers);
      }
    }
    const form = this.extension(draft.id, node, 'zeebe:FormDefinition');
    if (form) {
      if (present(form.formId) || present(form.externalReference)) {
        this.problems.add(
          draft.id,
          'Linked forms (zeebe:formDefinition formId) and external forms (externalReference) are not supported; ' +
            'use an embedded form (formKey)',
        );
      }
      if (present(form.formKey)) userTask.formKey = form.formKey;
    }
    const schedule = this.extension(draft.id, node, 'zeebe:TaskSchedule');
    if (schedule) {
      if (present(schedule.dueDate)) userTask.dueDate = this.dateExpression(draft.id, 'due date', schedule.dueDate);
      if (present(schedule.followUpDate)) {
        userTask.followUpDate = this.dateExpression(draft.id, 'follow-up date', schedule.followUpDate);
      }
    }
    draft.userTask = userTask;
  }

  private csvExpression(elementId: string, what: string, raw: string): Expression {
    const expression = checkedExpression(this.problems, elementId, what, raw);
    if (expression.kind === 'static' && !isCsvList(expression.value)) {
      this.problems.add(
        elementId,
        `Expected the ${what} to be a list of comma-separated values, e.g. 'a,b,c', but found '${expression.value}'`,
      );
    }
    return expression;
  }

  private dateExpression(elementId: string, what: string, raw: string): Expression {
    const expression = checkedExpression(this.problems, elementId, what, raw);
    if (expression.kind === 'static' && checkStaticTimer('date', expression.value) !== undefined) {
      this.problems.add(
        elementId,
        `Expected the ${what} to be a valid DateTime String, e.g. '2023-03-02T15:35+02:00', but found '${expression.value}'`,
      );
    }
    return expression;
  }

  private callActivity(draft: Draft, node: ModdleElement): void {
    const calledElement = this.extension(draft.id, node, 'zeebe:CalledElement');
    if (!calledElement) {
      this.problems.add(draft.id, "Must have exactly one 'zeebe:calledElement' extension element");
      return;
    }
    if (!present(calledElement.processId)) {
      this.problems.add(draft.id, "Attribute 'processId' of 'zeebe:calledElement' must be present and not empty");
      return;
    }
    const definition: CalledElementDefinition = {
      processId: checkedExpression(this.problems, draft.id, 'called process id', calledElement.processId),
      propagateAllChildVariables: calledElement.propagateAllChildVariables ?? true,
      propagateAllParentVariables: calledElement.propagateAllParentVariables ?? true,
    };
    draft.calledElement = definition;
  }

  private multiInstance(draft: Draft, loop: ModdleElement): void {
    if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
      this.problems.add(
        draft.id,
        `Loop characteristics of type '${simpleName(loop.$type)}' are not supported; use multi-instance`,
      );
      return;
    }
    if (!ACTIVITY_TYPES.has(draft.type)) {
      this.problems.add(draft.id, 'Only activities can be multi-instance');
      return;
    }
    const zeebeLoop = this.extension(draft.id, loop, 'zeebe:LoopCharacteristics');
    if (!zeebeLoop || !present(zeebeLoop.inputCollection)) {
      this.problems.add(
        draft.id,
        "A multi-instance activity must have an input collection (attribute 'inputCollection' of 'zeebe:loopCharacteristics')",
      );
      return;
    }
    const definition: Mutable<MultiInstanceDefinition> = {
      sequential: loop.isSequential ?? false,
      inputCollection: checkedExpression(this.problems, draft.id, 'input collection', zeebeLoop.inputCollection, {
        nonStatic: true,
      }),
    };
    if (present(zeebeLoop.inputElement)) {
      checkPath(this.problems, draft.id, 'input element', zeebeLoop.inputElement);
      definition.inputElement = zeebeLoop.inputElement;
    }
    const hasOutputCollection = present(zeebeLoop.outputCollection);
    const hasOutputElement = present(zeebeLoop.outputElement);
    if (hasOutputCollection !== hasOutputElement) {
      this.problems.add(
        draft.id,
        "Must have both 'outputCollection' and 'outputElement' of 'zeebe:loopCharacteristics' defined, or none",
      );
    }
    if (present(zeebeLoop.outputCollection)) {
      checkPath(this.problems, draft.id, 'output collection', zeebeLoop.outputCollection);
      definition.outputCollection = zeebeLoop.outputCollection;
    }
    if (present(zeebeLoop.outputElement)) {
      definition.outputElement = checkedExpression(this.problems, draft.id, 'output element', zeebeLoop.outputElement, {
        nonStatic: true,
      });
    }
    const completion = (loop.completionCondition?.body ?? '').trim();
    if (completion !== '') {
      definition.completionCondition = checkedExpression(this.problems, draft.id, 'completion condition', completion);
    }
    draft.multiInstance = definition;
  }

  private boundaryEvent(draft: Draft, node: ModdleElement): void {
    draft.eventDefinition = this.eventDefinition(draft, node, 'boundary');
    draft.interrupting = node.cancelActivity ?? true;
    if (draft.eventDefinition.kind === 'error' && !draft.interrupting) {
      this.problems.add(draft.id, 'Error boundary events must be interrupting');
    }
    if (draft.incoming.length > 0) this.problems.add(draft.id, 'Cannot have incoming sequence flows');
    const attachedId = node.attachedToRef?.id;
    const activity = attachedId === undefined ? undefined : this.drafts.get(attachedId);
    if (!activity || !ACTIVITY_TYPES.has(activity.type)) {
      if (!(attachedId !== undefined && this.unsupported.has(attachedId))) {
        const what = activity
          ? `'${attachedId}' (an element of type ${activity.type})`
          : attachedId !== undefined
            ? `'${attachedId}'`
            : 'nothing';
        this.problems.add(draft.id, `Must be attached to an activity, but is attached to ${what}`);
      }
      return;
    }
    if (activity.scopeId !== draft.scopeId) {
      this.problems.add(draft.id, `Must be in the same scope as the activity '${activity.id}' it is attached to`);
      return;
    }
    draft.attachedToId = activity.id;
    activity.boundaryEventIds.push(draft.id);
  }

  // --- event definitions ---

  private eventDefinition(draft: Draft, node: ModdleElement, role: EventRole): EventDefinition {
    if (role === 'receiveTask') return this.message(draft, node.messageRef, role);
    const definitions = node.eventDefinitions ?? [];
    const first = definitions[0];
    if (first === undefined) {
      // An event subprocess without a start event definition is reported on the event subprocess.
      if (!ALLOWED_EVENT_DEFINITIONS[role].includes('none') && role !== 'eventSubProcessStart') {
        const exactlyOne = role === 'intermediateCatch' || role === 'boundary';
        this.problems.add(draft.id, exactlyOne ? 'Must have exactly one event definition' : ROLE_TEXT[role]);
      }
      return { kind: 'none' };
    }
    if (definitions.length > 1) this.problems.add(draft.id, 'Must have at most one event definition');
    const kind = DEFINITION_KINDS[first.$type];
    if (kind === undefined) {
      this.problems.add(
        draft.id,
        `Event definitions of type '${simpleName(first.$type)}' are currently not supported. ` +
          `Please refer to the documentation for a list of supported elements: ${BPMN_COVERAGE}`,
      );
      return { kind: 'none' };
    }
    if (!ALLOWED_EVENT_DEFINITIONS[role].includes(kind)) {
      this.problems.add(draft.id, ROLE_TEXT[role]);
      return { kind: 'none' };
    }
    switch (kind) {
      case 'message':
        return this.message(draft, first.messageRef, role);
      case 'timer':
        return this.timer(draft, first, role);
      case 'error':
        return this.error(draft, first.errorRef, role);
      case 'signal':
        return this.signal(draft, first.signalRef, role);
      default:
        return { kind };
    }
  }

  private message(draft: Draft, message: ModdleElement | undefined, role: EventRole): EventDefinition {
    const isThrow = role === 'end' || role === 'intermediateThrow';
    if (isThrow) {
      // Zeebe 8.5: a message throw event is implemented by a job worker; the message itself is optional.
      this.setJob(draft, this.job(draft.id, this.nodes.get(draft.id) as ModdleElement, true));
      const name = message?.name;
      return {
        kind: 'message',
        messageName: present(name) ? checkedExpression(this.problems, draft.id, 'message name', name) : staticOf(''),
      };
    }
    if (!message) {
      this.problems.add(draft.id, 'Must reference a message');
      return { kind: 'message', messageName: staticOf('') };
    }
    let messageName: Expression = staticOf('');
    if (!present(message.name)) {
      this.problems.add(draft.id, `Message '${message.id ?? ''}' must have a name (present and not empty)`);
    } else {
      messageName = checkedExpression(this.problems, draft.id, 'message name', message.name);
      if (role === 'processStart' && messageName.kind === 'feel') {
        this.problems.add(draft.id, `Expected the message name of a message start event to be a static value`);
      }
    }
    const subscriptions = this.extensions(message, 'zeebe:Subscription');
    const rawKey = subscriptions[0]?.correlationKey;
    if (CATCH_ROLES.has(role)) {
      if (subscriptions.length !== 1 || !present(rawKey)) {
        this.problems.add(
          draft.id,
          `Message '${message.id ?? ''}' must have a correlation key ('zeebe:subscription' with a non-empty 'correlationKey')`,
        );
        return { kind: 'message', messageName };
      }
    }
    if (!present(rawKey)) return { kind: 'message', messageName };
    const correlationKey = checkedExpression(this.problems, draft.id, 'correlation key', rawKey, { nonStatic: true });
    return { kind: 'message', messageName, correlationKey };
  }

  private timer(draft: Draft, definition: ModdleElement, role: EventRole): EventDefinition {
    const candidates: [TimerKind, ModdleElement | undefined][] = [
      ['duration', definition.timeDuration],
      ['date', definition.timeDate],
      ['cycle', definition.timeCycle],
    ];
    const given = candidates.filter(([, value]) => value !== undefined);
    const [kind, value] = given[0] ?? ['duration', undefined];
    if (given.length !== 1) {
      this.problems.add(draft.id, 'Must be exactly one type of timer: timeDuration, timeDate or timeCycle');
    }
    if (role === 'intermediateCatch' && kind === 'cycle') {
      this.problems.add(draft.id, 'Intermediate timer catch event must have either a time duration or a time date.');
    }
    const raw = (value?.body ?? '').trim();
    if (raw === '') {
      if (given.length === 1) this.problems.add(draft.id, `The timer must have a value (the time ${kind} is empty)`);
      return { kind: 'timer', timer: kind, value: staticOf('') };
    }
    const expression = checkedExpression(this.problems, draft.id, `timer ${kind}`, raw);
    if (expression.kind === 'static') {
      const failure = checkStaticTimer(kind, expression.value);
      if (failure !== undefined) {
        this.problems.add(draft.id, `Invalid timer ${kind} expression '${expression.value}' (${failure})`);
      }
    }
    return { kind: 'timer', timer: kind, value: expression };
  }

  private error(draft: Draft, error: ModdleElement | undefined, role: EventRole): EventDefinition {
    const code = error?.errorCode;
    if (role === 'end') {
      if (!error) {
        this.problems.add(draft.id, 'An error end event must reference an error (errorRef)');
        return { kind: 'error' };
      }
      if (!present(code)) {
        this.problems.add(draft.id, `ErrorCode of error '${error.id ?? ''}' must be present and not empty`);
        return { kind: 'error' };
      }
      return { kind: 'error', errorCode: checkedExpression(this.problems, draft.id, 'error code', code) };
    }
    if (!present(code)) return { kind: 'error' };
    if (code.startsWith('=')) {
      this.problems.add(draft.id, 'The errorCode of the error catch event is not allowed to be an expression');
    }
    return { kind: 'error', errorCode: staticOf(code) };
  }

  private signal(draft: Draft, signal: ModdleElement | undefined, role: EventRole): EventDefinition {
    if (!signal) {
      this.problems.add(draft.id, 'Must reference a signal');
      return { kind: 'signal', signalName: staticOf('') };
    }
    if (!present(signal.name)) {
      this.problems.add(draft.id, `Signal '${signal.id ?? ''}' must have a name (present and not empty)`);
      return { kind: 'signal', signalName: staticOf('') };
    }
    const signalName = checkedExpression(this.problems, draft.id, 'signal name', signal.name);
    if (role === 'processStart' && signalName.kind === 'feel') {
      this.problems.add(draft.id, 'Expected the signal name of a signal start event to be a static value');
    }
    return { kind: 'signal', signalName };
  }
}

function staticOf(value: string): Expression {
  return { kind: 'static', value };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
