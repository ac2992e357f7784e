import { DeploymentRejection, parseBpmn } from '@motcua/engine';
import { isLintError, lintBpmnDocument } from '@motcua/bpmn-lint';
import type { BpmnElement } from '@motcua/bpmn-lint';
import type { Schema } from 'jsonschema';
import metadataSchema from '../../../../processes/bundle-metadata.schema.json' with { type: 'json' };
import workerContract from '../../../../processes/worker-contract.json' with { type: 'json' };
import { todayInVietnam } from '../common/input.ts';
import { isMotcuaJobType, MOTCUA_JOB_TYPES } from '../zeebe/job-types.ts';
import { pointer } from './bundle.ts';
import type { Bundle, BundleMetadata, BundleProblem } from './bundle.ts';
import { checkJsonSchema, errorPointer, errorTexts, explainingValidator, usefulErrors } from './json-schema-check.ts';

/**
 * Validates a bundle before anything is stored or deployed (issue 3, item 4), collecting every problem with a JSON
 * pointer into the bundle or the BPMN element id:
 * - the request has the bundle's shape, effectiveFrom is a date from today on (Asia/Ho_Chi_Minh);
 * - metadata is complete: valid against processes/bundle-metadata.schema.json;
 * - every form (submission and tasks) is a valid JSON Schema of an object;
 * - the BPMN parses, passes bpmnlint camunda-compat 8.5 and the engine's Zeebe 8.5 deployment validation;
 * - metadata.bpmnProcessId is an executable process of the BPMN;
 * - every user task has a formKey with a form in the bundle, and every form metadata names is in the bundle;
 * - the BPMN has exactly one executable process;
 * - every user task has candidate groups as a FEEL list of one `<desk|specialist|leader>@` group (Zeebe 8.5 raises an
 *   incident on a plain string), and its formKey is listed in metadata.forms.tasks;
 * - every job type (service tasks and other job workers) is one motcua's workers handle, written as a fixed text, with
 *   the headers the worker needs (processes/worker-contract.json);
 * - the script task of a computed fee and the task that fills a participating agency exist.
 */

export interface BundleValidation {
  /** The bundle, typed, when there is no problem. */
  bundle?: Bundle;
  problems: BundleProblem[];
  /** Worth a look but not blocking: lint warnings, forms no task uses. */
  warnings: BundleProblem[];
}

const BUNDLE_KEYS = new Set(['bpmn', 'metadata', 'forms', 'effectiveFrom']);

// processes/README.md, "User tasks": one group `<role>@<agency code>` built from an agency variable, as a FEEL list.
const CANDIDATE_GROUP_ROLES = workerContract.userTask.candidateGroupRoles;
const CANDIDATE_GROUPS = new RegExp(
  `^=\\s*\\[\\s*"(${CANDIDATE_GROUP_ROLES.join('|')})@"\\s*\\+\\s*[A-Za-z][A-Za-z0-9]*\\s*\\]\\s*$`,
);
const JOB_HEADERS: Record<string, { requiredHeaders: string[] }> = workerContract.jobTypes;
const RESERVED_JOB_TYPES = new Set(Object.keys(workerContract.reservedJobTypes));

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isIsoDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

class Problems {
  readonly list: BundleProblem[] = [];
  private readonly seen = new Set<string>();

  add(problem: BundleProblem): void {
    const key = `${problem.path}\u0000${problem.elementId ?? ''}\u0000${problem.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(problem);
  }

  motcua(path: string, vi: string, en: string, elementId?: string): void {
    this.add({ path, ...(elementId === undefined ? {} : { elementId }), message: `${vi} / ${en}`, rule: 'motcua' });
  }
}

export async function validateBundle(input: unknown, today: string = todayInVietnam()): Promise<BundleValidation> {
  const problems = new Problems();
  const warnings = new Problems();
  if (!isObject(input)) {
    problems.motcua(
      '',
      'Gói phải là một đối tượng JSON {bpmn, metadata, forms, effectiveFrom?}',
      'The bundle must be a JSON object {bpmn, metadata, forms, effectiveFrom?}',
    );
    return { problems: problems.list, warnings: [] };
  }
  for (const key of Object.keys(input)) {
    if (!BUNDLE_KEYS.has(key)) {
      problems.motcua(pointer(key), `Trường "${key}" không được phép`, `Property "${key}" is not allowed`);
    }
  }
  checkEffectiveFrom(input.effectiveFrom, today, problems);
  const metadata = checkMetadata(input.metadata, problems);
  const forms = checkForms(input.forms, problems);
  const diagram = await checkBpmn(input.bpmn, problems, warnings);
  if (diagram) crossCheck(diagram, metadata, forms, problems, warnings);
  if (problems.list.length > 0) return { problems: problems.list, warnings: warnings.list };
  return { bundle: input as unknown as Bundle, problems: [], warnings: warnings.list };
}

function checkEffectiveFrom(value: unknown, today: string, problems: Problems): void {
  if (value === undefined) return;
  if (!isIsoDate(value)) {
    problems.motcua(
      '/effectiveFrom',
      'Ngày hiệu lực phải có dạng YYYY-MM-DD',
      'effectiveFrom must be a date written YYYY-MM-DD',
    );
  } else if (value < today) {
    problems.motcua(
      '/effectiveFrom',
      `Ngày hiệu lực không được trước hôm nay (${today})`,
      `effectiveFrom cannot be before today (${today})`,
    );
  }
}

function checkMetadata(value: unknown, problems: Problems): Partial<BundleMetadata> | undefined {
  if (!isObject(value)) {
    problems.motcua('/metadata', 'Thiếu metadata (đối tượng JSON)', 'metadata is missing (a JSON object)');
    return undefined;
  }
  const result = explainingValidator().validate(value, metadataSchema as unknown as Schema, { nestedErrors: false });
  for (const error of usefulErrors(result.errors)) {
    const texts = errorTexts(error);
    problems.add({
      path: errorPointer('/metadata', error),
      message: `Metadata không hợp lệ: ${texts.vi} / Invalid metadata: ${texts.en}`,
      rule: 'metadata-schema',
    });
  }
  return value as Partial<BundleMetadata>;
}

function checkForms(
  value: unknown,
  problems: Problems,
): { submission: boolean; tasks: ReadonlySet<string> } | undefined {
  if (!isObject(value)) {
    problems.motcua(
      '/forms',
      'Thiếu biểu mẫu {submission, tasks}',
      'forms is missing: an object {submission, tasks: {formKey: schema}}',
    );
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'submission' && key !== 'tasks') {
      problems.motcua(pointer('forms', key), `Trường "${key}" không được phép`, `Property "${key}" is not allowed`);
    }
  }
  if (value.submission === undefined) {
    problems.motcua('/forms/submission', 'Thiếu biểu mẫu nộp hồ sơ', 'The submission form is missing');
  } else {
    for (const problem of checkObjectSchema(value.submission, '/forms/submission')) problems.add(problem);
  }
  const tasks = new Set<string>();
  if (!isObject(value.tasks)) {
    problems.motcua(
      '/forms/tasks',
      'Thiếu biểu mẫu các bước xử lý {formKey: schema}',
      'forms.tasks is missing: an object {formKey: schema}',
    );
  } else {
    for (const [formKey, schema] of Object.entries(value.tasks)) {
      tasks.add(formKey);
      for (const problem of checkObjectSchema(schema, pointer('forms', 'tasks', formKey))) problems.add(problem);
    }
  }
  return { submission: value.submission !== undefined, tasks };
}

/** Form data is always an object (the dossier's fields, a task's outcome). */
function checkObjectSchema(schema: unknown, at: string): BundleProblem[] {
  const problems = checkJsonSchema(schema, at);
  if (problems.length === 0 && (schema as JsonObject).type !== 'object') {
    problems.push({
      path: `${at}/type`,
      message: 'Biểu mẫu phải có "type": "object" / A form schema must have "type": "object"',
      rule: 'json-schema',
    });
  }
  return problems;
}

interface Diagram {
  definitions: BpmnElement;
}

async function checkBpmn(value: unknown, problems: Problems, warnings: Problems): Promise<Diagram | undefined> {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.motcua('/bpmn', 'Thiếu sơ đồ BPMN (XML)', 'bpmn is missing: the BPMN XML as a string');
    return undefined;
  }
  const linted = await lintBpmnDocument(value);
  for (const problem of linted.problems) {
    const unreadable = problem.rule === 'parse' || problem.rule === 'import';
    const entry: BundleProblem = {
      path: '/bpmn',
      ...(problem.id ? { elementId: problem.id } : {}),
      message: unreadable
        ? `Không đọc được sơ đồ BPMN / ${problem.message}`
        : `Sơ đồ không tương thích Camunda 8.5 (${problem.rule}) / ${problem.message}`,
      rule: `bpmnlint:${problem.rule}`,
    };
    if (isLintError(problem)) problems.add(entry);
    else warnings.add(entry);
  }
  if (!linted.definitions) return undefined;
  try {
    await parseBpmn(value, 'process.bpmn');
  } catch (error) {
    if (!(error instanceof DeploymentRejection)) throw error;
    for (const detail of error.details) {
      problems.add({
        path: '/bpmn',
        ...(detail.elementId === undefined ? {} : { elementId: detail.elementId }),
        message: `Sơ đồ không triển khai được trên Zeebe 8.5 / Not deployable on Zeebe 8.5: ${detail.text}`,
        rule: 'bpmn-parse',
      });
    }
  }
  return { definitions: linted.definitions };
}

interface FlowNode {
  element: BpmnElement;
  id: string;
  type: string;
}

function children(element: BpmnElement, property: string): BpmnElement[] {
  const value = element[property];
  return Array.isArray(value) ? (value as BpmnElement[]) : [];
}

function extensions(element: BpmnElement): BpmnElement[] {
  const container = element.extensionElements as BpmnElement | undefined;
  return container ? children(container, 'values') : [];
}

/** Every flow element of the executable processes, subprocesses included. */
function flowNodes(definitions: BpmnElement): { processIds: string[]; nodes: FlowNode[] } {
  const processIds: string[] = [];
  const nodes: FlowNode[] = [];
  const visit = (container: BpmnElement): void => {
    for (const element of children(container, 'flowElements')) {
      nodes.push({ element, id: element.id ?? '', type: element.$type });
      visit(element);
    }
  };
  for (const root of children(definitions, 'rootElements')) {
    if (root.$type !== 'bpmn:Process' || root.isExecutable !== true) continue;
    if (root.id) processIds.push(root.id);
    visit(root);
  }
  return { processIds, nodes };
}

function crossCheck(
  diagram: Diagram,
  metadata: Partial<BundleMetadata> | undefined,
  forms: { submission: boolean; tasks: ReadonlySet<string> } | undefined,
  problems: Problems,
  warnings: Problems,
): void {
  const { processIds, nodes } = flowNodes(diagram.definitions);
  const formKeys = new Set<string>();
  for (const node of nodes) {
    const values = extensions(node.element);
    if (node.type === 'bpmn:UserTask') {
      const candidateGroups = values.find((value) => value.$type === 'zeebe:AssignmentDefinition')?.candidateGroups;
      if (typeof candidateGroups !== 'string' || !CANDIDATE_GROUPS.test(candidateGroups)) {
        problems.motcua(
          '/bpmn',
          `Nhóm xử lý (candidateGroups) phải là danh sách FEEL một nhóm, ví dụ =["desk@" + receivingAgencyCode]` +
            ` (vai trò: ${CANDIDATE_GROUP_ROLES.join(', ')})`,
          `candidateGroups must be a FEEL list of one group, e.g. =["desk@" + receivingAgencyCode]` +
            ` (roles: ${CANDIDATE_GROUP_ROLES.join(', ')}); Zeebe 8.5 raises an incident on a plain string`,
          node.id,
        );
      }
      const formKey = values.find((value) => value.$type === 'zeebe:FormDefinition')?.formKey;
      if (typeof formKey !== 'string' || formKey === '') {
        problems.motcua(
          '/bpmn',
          'Bước xử lý (user task) chưa có formKey',
          'The user task has no formKey (zeebe:formDefinition)',
          node.id,
        );
        continue;
      }
      formKeys.add(formKey);
      if (forms && !forms.tasks.has(formKey)) {
        problems.motcua(
          '/bpmn',
          `Không có biểu mẫu cho formKey "${formKey}" trong gói (forms.tasks)`,
          `No form for formKey "${formKey}" in the bundle (forms.tasks)`,
          node.id,
        );
      }
      continue;
    }
    const taskDefinition = values.find((value) => value.$type === 'zeebe:TaskDefinition');
    const type = taskDefinition?.type;
    if (typeof type !== 'string' || type === '') continue; // bpmnlint reports a missing type
    if (type.startsWith('=')) {
      problems.motcua(
        '/bpmn',
        `Loại công việc "${type}" phải là một giá trị cố định`,
        `The job type "${type}" must be a fixed text, not an expression, so that it can be checked`,
        node.id,
      );
    } else if (!isMotcuaJobType(type)) {
      const allowed = MOTCUA_JOB_TYPES.join(', ');
      if (RESERVED_JOB_TYPES.has(type)) {
        problems.motcua(
          '/bpmn',
          `Loại công việc "${type}" được dành riêng nhưng chưa có worker (được phép: ${allowed})`,
          `The job type "${type}" is reserved but not handled yet (allowed: ${allowed})`,
          node.id,
        );
      } else {
        problems.motcua(
          '/bpmn',
          `Loại công việc "${type}" không có worker nào xử lý (được phép: ${allowed})`,
          `No motcua worker handles the job type "${type}" (allowed: ${allowed})`,
          node.id,
        );
      }
    } else {
      const headers = values.find((value) => value.$type === 'zeebe:TaskHeaders');
      const keys = new Set(children(headers ?? { $type: 'zeebe:TaskHeaders' }, 'values').map((header) => header.key));
      for (const header of JOB_HEADERS[type]?.requiredHeaders ?? []) {
        if (!keys.has(header)) {
          problems.motcua(
            '/bpmn',
            `Công việc "${type}" cần tham số (task header) "${header}"`,
            `The job type "${type}" needs the task header "${header}"`,
            node.id,
          );
        }
      }
    }
  }
  if (forms) {
    for (const formKey of forms.tasks) {
      if (!formKeys.has(formKey)) {
        warnings.motcua(
          pointer('forms', 'tasks', formKey),
          `Không bước xử lý nào dùng biểu mẫu "${formKey}"`,
          `No user task uses the form "${formKey}"`,
        );
      }
    }
  }
  if (processIds.length > 1) {
    problems.motcua(
      '/bpmn',
      `Sơ đồ phải có đúng một quy trình thực thi (có ${processIds.length}: ${processIds.join(', ')})`,
      `The BPMN must have exactly one executable process (found ${processIds.length}: ${processIds.join(', ')})`,
    );
  }
  if (!metadata) return;
  if (typeof metadata.bpmnProcessId === 'string' && !processIds.includes(metadata.bpmnProcessId)) {
    problems.motcua(
      '/metadata/bpmnProcessId',
      `Sơ đồ không có quy trình thực thi có id "${metadata.bpmnProcessId}" (có: ${processIds.join(', ') || 'không có'})`,
      `The BPMN has no executable process with id "${metadata.bpmnProcessId}" (found: ${processIds.join(', ') || 'none'})`,
    );
  }
  const metadataTasks = isObject(metadata.forms) && isObject(metadata.forms.tasks) ? metadata.forms.tasks : {};
  for (const formKey of formKeys) {
    if (isObject(metadata.forms) && isObject(metadata.forms.tasks) && !Object.hasOwn(metadataTasks, formKey)) {
      problems.motcua(
        '/metadata/forms/tasks',
        `Metadata chưa liệt kê biểu mẫu "${formKey}" của một bước xử lý`,
        `metadata.forms.tasks does not list the form "${formKey}" a user task uses`,
      );
    }
  }
  for (const formKey of Object.keys(metadataTasks)) {
    if (forms && !forms.tasks.has(formKey)) {
      problems.motcua(
        pointer('metadata', 'forms', 'tasks', formKey),
        `Metadata liệt kê biểu mẫu "${formKey}" nhưng gói không có (forms.tasks)`,
        `metadata lists the form "${formKey}" but the bundle has none (forms.tasks)`,
      );
    }
  }
  const fees = metadata.fees as JsonObject | undefined;
  if (isObject(fees) && fees.kind === 'computed' && typeof fees.elementId === 'string') {
    const script = nodes.find((node) => node.id === fees.elementId);
    if (!script || script.type !== 'bpmn:ScriptTask') {
      problems.motcua(
        '/metadata/fees/elementId',
        `Sơ đồ không có script task "${fees.elementId}" tính lệ phí`,
        `The BPMN has no script task "${fees.elementId}" computing the fee`,
      );
    }
  }
  if (Array.isArray(metadata.participatingAgencies)) {
    metadata.participatingAgencies.forEach((agency, index) => {
      if (isObject(agency) && agency.filledBy === 'task' && typeof agency.filledByTask === 'string') {
        if (!formKeys.has(agency.filledByTask)) {
          problems.motcua(
            pointer('metadata', 'participatingAgencies', index, 'filledByTask'),
            `Không bước xử lý nào có formKey "${agency.filledByTask}"`,
            `No user task has the formKey "${agency.filledByTask}"`,
          );
        }
      }
    });
  }
}
