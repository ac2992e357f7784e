/**
 * @motcua/bpmn-lint: bpmnlint with Camunda 8.5 compatibility, exactly as motcua runs it — on every .bpmn of the
 * repository (`npm run lint:bpmn`) and on every bundle an administrator publishes (the server's bundle validator).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One finding. `id` is the BPMN element id ('' for the document as a whole). */
export interface BpmnLintProblem {
  readonly id: string;
  readonly message: string;
  /** The bpmnlint rule (e.g. `camunda-compat/called-element`), or `parse` / `import` for XML problems. */
  readonly rule: string;
  /** `error` and `rule-error` (a rule crashed on this diagram) fail the lint; `warn` and `info` do not. */
  readonly category: 'error' | 'warn' | 'info' | 'rule-error';
}

/**
 * Camunda 8.5 compatibility is the contract (ARCHITECTURE.md). From bpmnlint:recommended only the rules whose
 * violation is a broken diagram; its style rules (labels, DI, implicit splits/ends) would reject hand-written
 * diagrams that Zeebe runs fine.
 */
export const BPMNLINT_CONFIG = {
  extends: ['plugin:camunda-compat/camunda-cloud-8-5'],
  rules: {
    'bpmnlint/conditional-flows': 'error',
    'bpmnlint/event-sub-process-typed-start-event': 'error',
    'bpmnlint/no-disconnected': 'error',
    'bpmnlint/no-duplicate-sequence-flows': 'error',
    'bpmnlint/single-event-definition': 'error',
    'bpmnlint/sub-process-blank-start-event': 'error',
  },
} as const;

/** An element as bpmn-moddle reads it (with zeebe-bpmn-moddle): `$type` like `bpmn:UserTask`, then its properties. */
export interface BpmnElement {
  readonly $type: string;
  readonly id?: string;
  readonly [property: string]: unknown;
}

/** What {@link lintBpmnDocument} found, and the document it read (absent when the XML could not be read at all). */
export interface BpmnLintResult {
  readonly problems: BpmnLintProblem[];
  readonly definitions?: BpmnElement;
}

interface ModdleWarning {
  message: string;
  element?: { id?: string };
}
interface Moddle {
  fromXML(xml: string, type: string): Promise<{ rootElement: BpmnElement; warnings?: ModdleWarning[] }>;
}
interface Linter {
  lint(definitions: unknown): Promise<Record<string, { id?: string; message: string; category: string }[]>>;
}

// bpmnlint and its plugin are CommonJS without types: load them through require, typed by the interfaces above.
const packageRequire = createRequire(new URL('../package.json', import.meta.url));
const bpmnlint = packageRequire('bpmnlint') as { Linter: new (options: object) => Linter };
const NodeResolver = packageRequire('bpmnlint/lib/resolver/node-resolver.js') as new (options: object) => object;
// Read with the bpmn-moddle that bpmnlint itself uses (another version may be hoisted beside it).
const { BpmnModdle } = createRequire(packageRequire.resolve('bpmnlint'))('bpmn-moddle') as {
  BpmnModdle: new (packages: object) => Moddle;
};
const zeebeDescriptor: object = JSON.parse(
  readFileSync(packageRequire.resolve('zeebe-bpmn-moddle/resources/zeebe.json'), 'utf8'),
);

const resolver = new NodeResolver({ require: packageRequire });
const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/**
 * Lints one BPMN document with {@link BPMNLINT_CONFIG}. Never throws for a bad diagram: XML that cannot be read is
 * one `parse` problem, moddle import warnings are `import` problems, then every rule report.
 */
export async function lintBpmn(xml: string): Promise<BpmnLintProblem[]> {
  return (await lintBpmnDocument(xml)).problems;
}

/** {@link lintBpmn}, also returning the moddle tree it linted, for callers that inspect the diagram further. */
export async function lintBpmnDocument(xml: string): Promise<BpmnLintResult> {
  let parsed: Awaited<ReturnType<Moddle['fromXML']>>;
  try {
    parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems: [{ id: '', message: `cannot parse: ${firstLine(message)}`, rule: 'parse', category: 'error' }] };
  }
  const problems: BpmnLintProblem[] = (parsed.warnings ?? []).map((warning) => ({
    id: warning.element?.id ?? '',
    message: `import warning: ${firstLine(warning.message)}`,
    rule: 'import',
    category: 'error',
  }));
  // One linter per document, as bpmnlint's CLI does: some rules keep state across the elements they visit.
  const linter = new bpmnlint.Linter({ config: BPMNLINT_CONFIG, resolver });
  const results = await linter.lint(parsed.rootElement);
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      problems.push({
        id: report.id ?? '',
        message: report.message,
        rule,
        category: report.category as BpmnLintProblem['category'],
      });
    }
  }
  return { problems, definitions: parsed.rootElement };
}

/** True when the problem fails the lint (an error, or a rule that crashed: never let that pass silently). */
export function isLintError(problem: BpmnLintProblem): boolean {
  return problem.category === 'error' || problem.category === 'rule-error';
}
