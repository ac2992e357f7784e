/**
 * The part of bpmn-moddle 10 (which ships no usable typings) that the parser uses. Elements are described loosely:
 * one shape with every property the parser reads, all optional, because moddle only sets what the XML contains.
 */
declare module 'bpmn-moddle' {
  /** A moddle element (bpmn:*, zeebe:*), as read from the XML. */
  export interface ModdleElement {
    readonly $type: string;
    readonly id?: string;
    readonly name?: string;
    // bpmn:Definitions, bpmn:Process, bpmn:SubProcess
    readonly rootElements?: readonly ModdleElement[];
    readonly flowElements?: readonly ModdleElement[];
    readonly isExecutable?: boolean;
    readonly triggeredByEvent?: boolean;
    // flow nodes
    readonly extensionElements?: ModdleElement;
    readonly values?: readonly ModdleElement[];
    readonly eventDefinitions?: readonly ModdleElement[];
    readonly loopCharacteristics?: ModdleElement;
    readonly default?: ModdleElement;
    readonly attachedToRef?: ModdleElement;
    readonly cancelActivity?: boolean;
    readonly isInterrupting?: boolean;
    readonly messageRef?: ModdleElement;
    // bpmn:SequenceFlow, bpmn:FormalExpression
    readonly sourceRef?: ModdleElement;
    readonly targetRef?: ModdleElement;
    readonly conditionExpression?: ModdleElement;
    readonly body?: string;
    // event definitions, bpmn:Error
    readonly errorRef?: ModdleElement;
    readonly signalRef?: ModdleElement;
    readonly errorCode?: string;
    readonly timeDuration?: ModdleElement;
    readonly timeDate?: ModdleElement;
    readonly timeCycle?: ModdleElement;
    // bpmn:MultiInstanceLoopCharacteristics
    readonly isSequential?: boolean;
    readonly completionCondition?: ModdleElement;
    // zeebe:* extension elements
    readonly type?: string;
    readonly retries?: string;
    readonly key?: string;
    readonly value?: string;
    readonly inputParameters?: readonly ModdleElement[];
    readonly outputParameters?: readonly ModdleElement[];
    readonly source?: string;
    readonly target?: string;
    readonly expression?: string;
    readonly resultVariable?: string;
    readonly processId?: string;
    readonly propagateAllChildVariables?: boolean;
    readonly propagateAllParentVariables?: boolean;
    readonly inputCollection?: string;
    readonly inputElement?: string;
    readonly outputCollection?: string;
    readonly outputElement?: string;
    readonly correlationKey?: string;
    readonly assignee?: string;
    readonly candidateGroups?: string;
    readonly candidateUsers?: string;
    readonly formKey?: string;
    readonly formId?: string;
    readonly externalReference?: string;
    readonly dueDate?: string;
    readonly followUpDate?: string;
  }

  /** A problem moddle recovered from: unknown element, unresolved reference, duplicate id. */
  export interface ModdleWarning {
    readonly message: string;
    readonly element?: ModdleElement;
    readonly property?: string;
    readonly value?: unknown;
  }

  export interface ParseResult {
    readonly rootElement: ModdleElement;
    readonly warnings: readonly ModdleWarning[];
    readonly elementsById: Readonly<Record<string, ModdleElement>>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    /** Rejects on XML that cannot be read at all (not well-formed, wrong root element). */
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<ParseResult>;
  }
}
