// The reference procedures as publishable bundles (issue 3, item 5): every bundle obeys processes/README.md (layout,
// metadata schema, forms, worker contract), passes the BPMN lint, deploys on the embedded engine, and carries a dossier
// from submission to return with a test worker standing in for motcua's workers and officials.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Validator } from 'jsonschema';
import type { Schema, ValidationError } from 'jsonschema';
import { parseBpmn } from '@motcua/engine';
import type { EngineRecord } from '@motcua/engine';
import type { TestEngine } from '../libs/engine/test/support/test-engine.ts';
import { instanceCompleted, jobCreated, passed, startTestEngine } from '../libs/engine/test/support/test-engine.ts';
import type { InvalidCase } from './reference-procedures.fixtures.ts';
import {
  AGENCIES,
  AGENCY_BY_ROLE,
  INVALID_SUBMISSIONS,
  INVALID_TASK_OUTPUTS,
  INVALID_TASK_OUTPUTS_BY_SLUG,
  SUBMISSIONS,
} from './reference-procedures.fixtures.ts';

type Json = Record<string, unknown>;
type ProcessModel = Awaited<ReturnType<typeof parseBpmn>>[number];
type ElementModel = ProcessModel['elements'] extends ReadonlyMap<string, infer E> ? E : never;
type SdkJob = Awaited<ReturnType<TestEngine['client']['activateJobs']>>[number];
/** An activated job with its variables and headers as plain JSON. */
type Job = Omit<SdkJob, 'variables' | 'customHeaders'> & {
  readonly variables: Json;
  readonly customHeaders: Record<string, string>;
};
type Reply = (job: Job) => Json;

const PROCESSES = import.meta.dirname;
const ROOT = join(PROCESSES, '..');
const FORMS = join(ROOT, 'forms');
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

const CONTRACT = readJson(join(PROCESSES, 'worker-contract.json')) as {
  submissionVariables: string[];
  userTask: { jobType: string; candidateGroupRoles: string[] };
  jobTypes: Record<string, { requiredHeaders: string[]; outputs: string[] }>;
  messages: Record<string, { correlationKey: string }>;
};
const METADATA_SCHEMA = readJson(join(PROCESSES, 'bundle-metadata.schema.json')) as Schema;
const DRAFT_07 = readJson(join(FORMS, 'json-schema-draft-07.json')) as Schema;
const JOB_TYPES = [...Object.keys(CONTRACT.jobTypes), CONTRACT.userTask.jobType];
const SUPPLEMENT_MESSAGE = 'dossier-supplemented';
const FEE_PAID_MESSAGE = 'dossier-fee-paid';
/** Each message of the contract: the job before its catch event and the job after it. */
const MESSAGE_STEPS: Record<string, [string, string]> = {
  [SUPPLEMENT_MESSAGE]: ['motcua.supplement-request', 'motcua.supplement-received'],
  [FEE_PAID_MESSAGE]: ['motcua.financial-obligation', 'motcua.financial-obligation-met'],
};
/** Form 05 (processes/README.md, "Stopping"): a motcua.sign template any bundle may use before motcua.stop. */
const STOP_NOTICE_TEMPLATE = 'stop-notice';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const REFERENCE_SLUGS = [
  'household-business-registration',
  'birth-residence-health-insurance',
  'construction-permit-individual-house',
  'certified-copy',
];

// ---------------------------------------------------------------------------------------------------------------
// Bundles

interface Metadata {
  slug: string;
  code: string;
  bpmnProcessId: string;
  competentAgencyRole: string;
  participatingAgencies: {
    role: string;
    variable: string;
    agencyRole?: string;
    filledBy: 'server' | 'task';
    many: boolean;
    legalDuration?: Json;
  }[];
  fees: { kind: string; variable?: string; elementId?: string };
  requiredDocuments: { code: string }[];
  resultDocument: { template: string };
  refusalDocument?: { template: string };
  forms: { submission: string; tasks: Record<string, string> };
  verify: string[];
}

interface Bundle {
  slug: string;
  metadata: Metadata;
  xml: string;
  model: ProcessModel;
  /** 'submission' and every task formKey → its JSON Schema. */
  forms: Record<string, Json>;
}

async function loadBundle(slug: string): Promise<Bundle> {
  const metadata = readJson(join(PROCESSES, slug, 'metadata.json')) as unknown as Metadata;
  const xml = readFileSync(join(PROCESSES, slug, 'process.bpmn'), 'utf8');
  const [model] = await parseBpmn(xml, `${slug}.bpmn`);
  const forms: Record<string, Json> = { submission: readJson(join(FORMS, slug, metadata.forms.submission)) };
  for (const [formKey, file] of Object.entries(metadata.forms.tasks))
    forms[formKey] = readJson(join(FORMS, slug, file));
  return { slug, metadata, xml, model, forms };
}

const bundleSlugs = (): string[] =>
  readdirSync(PROCESSES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(PROCESSES, entry.name, 'metadata.json')))
    .map((entry) => entry.name)
    .sort();

function errorsOf(instance: unknown, schema: Json): ValidationError[] {
  return new Validator().validate(instance, schema as Schema).errors;
}

const describeErrors = (errors: ValidationError[]): string[] => errors.map((error) => error.stack);

/** JSON pointer (RFC 6901) lookup; undefined when the path does not exist. */
function pointer(document: unknown, path: string): unknown {
  if (path === '' || path === '#') return document;
  return path
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, token) => (node !== null && typeof node === 'object' ? (node as Json)[token] : undefined),
      document,
    );
}

// The form conventions of forms/README.md, which jsonschema itself does not enforce.
function formProblems(form: Json): string[] {
  const problems: string[] = [];
  const english = (node: Json): Json => (node['x-en'] ?? {}) as Json;
  if (form.$schema !== 'http://json-schema.org/draft-07/schema#') problems.push('/$schema: must be draft-07');
  if (typeof form.title !== 'string' || typeof form.description !== 'string') {
    problems.push('/: needs a Vietnamese title and description');
  }
  if (typeof english(form).title !== 'string' || typeof english(form).description !== 'string') {
    problems.push('/x-en: needs an English title and description');
  }
  if (form.type !== 'object' || form.additionalProperties !== false) {
    problems.push('/: must be an object schema with additionalProperties false');
  }
  if ('$id' in form) problems.push('/$id: forms have no $id (versions of one form would clash in a validator cache)');
  const visit = (node: Json, at: string): void => {
    if ('enum' in node) problems.push(`${at}/enum: use oneOf of { const, title, x-en } instead`);
    if (typeof node.$ref === 'string' && pointer(form, node.$ref) === undefined) {
      problems.push(`${at}/$ref: ${node.$ref} does not resolve`);
    }
    const properties = (node.properties ?? {}) as Record<string, Json>;
    for (const [name, property] of Object.entries(properties)) {
      const labelled =
        typeof property.$ref === 'string' && property.title === undefined
          ? ((pointer(form, property.$ref) ?? {}) as Json)
          : property;
      if (typeof labelled.title !== 'string' || typeof english(labelled).title !== 'string') {
        problems.push(`${at}/properties/${name}: needs title and x-en.title`);
      }
    }
    for (const [index, option] of ((node.oneOf ?? []) as Json[]).entries()) {
      if ('const' in option && (typeof option.title !== 'string' || typeof english(option).title !== 'string')) {
        problems.push(`${at}/oneOf/${index}: an option needs title and x-en.title`);
      }
    }
    const order = ((node['x-ui'] ?? {}) as Json).order as string[] | undefined;
    for (const name of order ?? []) {
      if (!(name in properties)) problems.push(`${at}/x-ui/order: ${name} is not a property`);
    }
    for (const [key, child] of Object.entries(node)) {
      // Conditions and their consequences are constraints, not fields: they carry no labels.
      if (['if', 'then', 'else', 'x-en', 'x-ui', 'const', 'default'].includes(key)) continue;
      if (child !== null && typeof child === 'object') {
        if (Array.isArray(child))
          child.forEach((item, i) => item && typeof item === 'object' && visit(item, `${at}/${key}/${i}`));
        else visit(child as Json, `${at}/${key}`);
      }
    }
  };
  visit(form, '');
  return problems;
}

function expectInvalid(data: Json, schema: Json, invalid: InvalidCase): void {
  const broken = structuredClone(data);
  invalid.change(broken);
  const errors = errorsOf(broken, schema);
  expect(
    errors.some((error) => error.property === invalid.property && error.name === invalid.keyword),
    `expected a '${invalid.keyword}' error at ${invalid.property}, got ${JSON.stringify(describeErrors(errors))}`,
  ).to.equal(true);
}

const elementsOf = (bundle: Bundle): ElementModel[] => [...bundle.model.elements.values()];
const staticValue = (expression: { kind: string; value?: string; source?: string } | undefined): string | undefined =>
  expression?.kind === 'static' ? expression.value : undefined;
const feelSource = (expression: { kind: string; value?: string; source?: string } | undefined): string | undefined =>
  expression?.kind === 'feel' ? expression.source?.trim() : undefined;
const jobType = (element: ElementModel): string | undefined => staticValue(element.job?.type);
const isUserTask = (element: ElementModel): boolean => element.type === 'userTask';
const isJobWorkerTask = (element: ElementModel): boolean => element.job !== undefined && !isUserTask(element);
const targetsOf = (bundle: Bundle, element: ElementModel): ElementModel[] =>
  element.outgoing.map((flowId) => bundle.model.elements.get(bundle.model.flows.get(flowId)!.targetId)!);
const sourcesOf = (bundle: Bundle, element: ElementModel): ElementModel[] =>
  element.incoming.map((flowId) => bundle.model.elements.get(bundle.model.flows.get(flowId)!.sourceId)!);
const CANDIDATE_GROUPS = /^\[\s*"(desk|specialist|leader)@"\s*\+\s*([A-Za-z][A-Za-z0-9]*)\s*\]$/;

// ---------------------------------------------------------------------------------------------------------------
// Dossiers on the engine

/** Date-time in Asia/Ho_Chi_Minh (+07:00, no DST), as the workers write it. */
const vietnamTime = (epochMs: number): string =>
  new Date(epochMs + 7 * 60 * MINUTE).toISOString().slice(0, 19) + '+07:00';

async function deploy(zeebe: TestEngine, bundle: Bundle): Promise<void> {
  const deployment = await zeebe.client.deployResources([
    { name: `${bundle.slug}.bpmn`, process: Buffer.from(bundle.xml) },
  ] as never);
  const process = (deployment.deployments[0] as unknown as { process: { bpmnProcessId: string } }).process;
  expect(process.bpmnProcessId).to.equal(bundle.metadata.bpmnProcessId);
}

/** A dossier in flight: the test worker completes its jobs with the replies given, checking each step on the way. */
class Dossier {
  /** Element ids of the jobs completed, in order. */
  readonly trail: string[] = [];

  constructor(
    readonly zeebe: TestEngine,
    readonly bundle: Bundle,
    readonly processInstanceKey: string,
  ) {}

  /** What motcua's workers answer, by job type, unless a test says otherwise (by element id). */
  private readonly workers: Record<string, Reply> = {
    'motcua.intake': (job) => ({ dossierCode: `${job.variables.receivingAgencyCode}-260105-0001` }),
    'motcua.supplement-request': () => ({ supplementRequestedAt: this.now() }),
    'motcua.supplement-received': () => ({ supplementedAt: this.now() }),
    'motcua.refuse': () => ({ refusedAt: this.now() }),
    'motcua.sign': (job) => ({
      resultDocumentId: `${job.customHeaders.template}-${job.processInstanceKey}`,
      signedAt: this.now(),
    }),
    'motcua.return': () => ({ returnedAt: this.now() }),
    'motcua.overdue': () => ({}),
    'motcua.financial-obligation': () => ({ financialObligationAt: this.now() }),
    'motcua.financial-obligation-met': () => ({ financialObligationMetAt: this.now() }),
    'motcua.stop': () => ({ stoppedAt: this.now() }),
  };

  now(): string {
    return vietnamTime(this.zeebe.clock.now());
  }

  /**
   * Completes every job of this dossier, round after round, until none is left: the instance completed or waits
   * for a message or a timer. Jobs of elements in `hold` are activated but left open and returned.
   */
  async run(replies: Record<string, Reply>, options: { hold?: string[] } = {}): Promise<Job[]> {
    const held: Job[] = [];
    for (let round = 0; round < 50; round++) {
      const jobs = (await Promise.all(JOB_TYPES.map((type) => this.activate(type)))).flat();
      if (jobs.length === 0) return held;
      for (const job of jobs) {
        expect(job.processInstanceKey, `job ${job.elementId} belongs to this dossier`).to.equal(
          this.processInstanceKey,
        );
        if (options.hold?.includes(job.elementId)) held.push(job);
        else await this.complete(job, replies[job.elementId]);
      }
    }
    throw new Error(`the dossier never came to rest; trail: ${this.trail.join(' → ')}`);
  }

  /** Completes one job (e.g. one held by `run`), checking it as `run` does. */
  async complete(job: Job, reply?: Reply): Promise<void> {
    const answer = reply ?? this.workers[job.type];
    if (!answer) throw new Error(`no reply for ${job.elementId} (${job.type})`);
    const variables = answer(job);
    if (job.type === CONTRACT.userTask.jobType) this.checkUserTask(job, variables);
    else this.checkServiceTask(job);
    await this.zeebe.client.completeJob({ jobKey: job.key, variables: variables as never });
    this.trail.push(job.elementId);
  }

  private async activate(type: string): Promise<Job[]> {
    const jobs = await this.zeebe.client.activateJobs({
      type,
      worker: 'reference-procedures-spec',
      maxJobsToActivate: 32,
      timeout: 60 * DAY,
      requestTimeout: -1,
    });
    return jobs as unknown as Job[];
  }

  private checkServiceTask(job: Job): void {
    for (const header of CONTRACT.jobTypes[job.type].requiredHeaders) {
      expect(job.customHeaders, `${job.elementId} headers`).to.have.property(header);
    }
    if (job.type === 'motcua.sign') {
      const { resultDocument, refusalDocument } = this.bundle.metadata;
      expect([resultDocument.template, refusalDocument?.template, STOP_NOTICE_TEMPLATE]).to.include(
        job.customHeaders.template,
      );
    }
    if (job.type !== 'motcua.intake')
      expect(job.variables, `${job.elementId} sees the dossier code`).to.have.property('dossierCode');
  }

  // What the user-task bridge relies on: a form of the bundle, one candidate group of the right agency, the due date.
  private checkUserTask(job: Job, completion: Json): void {
    const headers = job.customHeaders;
    const variables = job.variables;
    const formKey = headers['io.camunda.zeebe:formKey'];
    expect(this.bundle.forms, `${job.elementId}: form ${formKey}`).to.have.property(formKey);
    expect(
      describeErrors(errorsOf(completion, this.bundle.forms[formKey])),
      `${job.elementId} completion`,
    ).to.deep.equal([]);

    const groups = JSON.parse(headers['io.camunda.zeebe:candidateGroups']) as string[];
    expect(groups, `${job.elementId} candidate groups`).to.have.length(1);
    if (formKey === 'desk-receipt') {
      expect(groups[0]).to.equal(`desk@${variables.receivingAgencyCode}`);
      expect(headers).to.not.have.property('io.camunda.zeebe:dueDate');
    } else {
      const [, role, agency] = /^(specialist|leader)@(.+)$/.exec(groups[0]) ?? [];
      expect(role, `${job.elementId}: ${groups[0]}`).to.be.a('string');
      const agencies = Object.entries(variables)
        .filter(([name]) => /^[a-z][A-Za-z]*AgencyCode$/.test(name) || name === 'agencyCode')
        .map(([, code]) => code);
      expect(agencies, `${job.elementId}: ${groups[0]}`).to.include(agency);
      const dueDates = [variables.dueDate, ...Object.values((variables.dueDates ?? {}) as Json)].map((date) =>
        Date.parse(date as string),
      );
      expect(dueDates, `${job.elementId} due date`).to.include(Date.parse(headers['io.camunda.zeebe:dueDate']));
    }
  }
}

async function submit(zeebe: TestEngine, bundle: Bundle, form: Json = SUBMISSIONS[bundle.slug]): Promise<Dossier> {
  expect(describeErrors(errorsOf(form, bundle.forms.submission)), 'submission').to.deep.equal([]);
  const { name, phone, email } = form.applicant as Json;
  const participating = Object.fromEntries(
    bundle.metadata.participatingAgencies
      .filter((agency) => agency.filledBy === 'server')
      .map((agency) => [agency.variable, AGENCY_BY_ROLE[agency.agencyRole!]]),
  );
  // The variables the api sets at submission (processes/README.md, "Process variables").
  const variables: Json = {
    dossierId: randomUUID(),
    serviceCode: bundle.metadata.code,
    agencyCode: AGENCY_BY_ROLE[bundle.metadata.competentAgencyRole],
    receivingAgencyCode: AGENCIES.commune,
    channel: 'online',
    applicant: { name, phone, email },
    form,
    ...participating,
  };
  const { processInstanceKey } = await zeebe.client.createProcessInstance({
    bpmnProcessId: bundle.metadata.bpmnProcessId,
    variables: variables as never,
  });
  return new Dossier(zeebe, bundle, processInstanceKey);
}

const accept =
  (dueDate: string, dueDates?: Record<string, string>): Reply =>
  () => ({
    receivedAt: '2026-01-05T08:00:00+07:00',
    dueDate,
    ...(dueDates ? { dueDates } : {}),
  });

const rootVariable = (zeebe: TestEngine, processInstanceKey: string, name: string): unknown =>
  zeebe.records
    .filter(
      (record) =>
        record.valueType === 'VARIABLE' && record.value.scopeKey === processInstanceKey && record.value.name === name,
    )
    .at(-1)?.value.value;

const records = (zeebe: TestEngine, predicate: (record: EngineRecord) => boolean): EngineRecord[] =>
  zeebe.records.filter(predicate);

const timerOf = (processInstanceKey: string, targetElementId: string, intent: string) => (record: EngineRecord) =>
  record.valueType === 'TIMER' &&
  record.intent === intent &&
  record.value.processInstanceKey === processInstanceKey &&
  record.value.targetElementId === targetElementId;

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const until = (zeebe: TestEngine, isoDate: string, plusMs = MINUTE): Promise<void> =>
  zeebe.advance(Date.parse(isoDate) - zeebe.clock.now() + plusMs);

// ---------------------------------------------------------------------------------------------------------------
// Every bundle obeys the bundle contract

describe('the reference procedure bundles', () => {
  it('are the four reference procedures, each a folder of processes/ with its forms in forms/', () => {
    expect(bundleSlugs()).to.deep.equal([...REFERENCE_SLUGS].sort());
    for (const slug of REFERENCE_SLUGS) {
      expect(existsSync(join(PROCESSES, slug, 'process.bpmn')), `${slug}/process.bpmn`).to.equal(true);
      expect(existsSync(join(FORMS, slug)), `forms/${slug}`).to.equal(true);
    }
  });

  for (const slug of REFERENCE_SLUGS) {
    describe(slug, () => {
      let bundle: Bundle;
      before(async () => (bundle = await loadBundle(slug)));

      it('has metadata valid against bundle-metadata.schema.json that names its folder and its process', () => {
        expect(describeErrors(errorsOf(bundle.metadata, METADATA_SCHEMA as Json))).to.deep.equal([]);
        expect(bundle.metadata.slug).to.equal(slug);
        expect(bundle.model.bpmnProcessId).to.equal(bundle.metadata.bpmnProcessId);
        for (const path of bundle.metadata.verify) {
          expect(pointer(bundle.metadata, path), `verify ${path}`).to.not.equal(undefined);
        }
      });

      it('has forms that are valid draft-07 JSON Schemas following the form conventions', () => {
        for (const [key, form] of Object.entries(bundle.forms)) {
          expect(describeErrors(errorsOf(form, DRAFT_07 as Json)), `${key} against draft-07`).to.deep.equal([]);
          expect(formProblems(form), key).to.deep.equal([]);
        }
        const files = readdirSync(join(FORMS, slug)).sort();
        const named = [bundle.metadata.forms.submission, ...Object.values(bundle.metadata.forms.tasks)].sort();
        expect(files, 'forms/<slug>/ holds exactly the forms the metadata names').to.deep.equal(named);
      });

      it('accepts its sample submission and rejects broken ones with the right error', () => {
        expect(describeErrors(errorsOf(SUBMISSIONS[slug], bundle.forms.submission))).to.deep.equal([]);
        for (const invalid of INVALID_SUBMISSIONS[slug])
          expectInvalid(SUBMISSIONS[slug], bundle.forms.submission, invalid);
        const outputs = { ...INVALID_TASK_OUTPUTS, ...INVALID_TASK_OUTPUTS_BY_SLUG[slug] };
        for (const [formKey, { valid, cases }] of Object.entries(outputs)) {
          if (!bundle.forms[formKey]) continue;
          expect(describeErrors(errorsOf(valid, bundle.forms[formKey])), formKey).to.deep.equal([]);
          for (const invalid of cases) expectInvalid(valid, bundle.forms[formKey], invalid);
        }
      });

      it('keeps task outputs clear of the variables the api and the workers set', () => {
        const { participatingAgencies, fees } = bundle.metadata;
        const reserved = new Set([
          ...CONTRACT.submissionVariables,
          'dossierCode',
          ...Object.values(CONTRACT.jobTypes).flatMap((type) => type.outputs),
          ...participatingAgencies.filter((agency) => agency.filledBy === 'server').map((agency) => agency.variable),
          ...(fees.variable ? [fees.variable] : []),
        ]);
        for (const formKey of Object.keys(bundle.metadata.forms.tasks)) {
          const outputs = Object.keys(bundle.forms[formKey].properties as Json);
          expect(
            outputs.filter((name) => reserved.has(name)),
            formKey,
          ).to.deep.equal([]);
        }
      });

      it('lets the desk tick off exactly the required documents of its metadata', () => {
        const checklist = pointer(bundle.forms['desk-receipt'], '/properties/checkedDocuments/items/oneOf') as Json[];
        expect(checklist.map((option) => option.const)).to.deep.equal(
          bundle.metadata.requiredDocuments.map((document) => document.code),
        );
      });

      it('passes the BPMN lint (camunda-compat 8.5), as npm run lint:bpmn runs it', () => {
        // Throws, with the lint's report, on a non-zero exit.
        execFileSync('npm', ['run', '--silent', 'lint:bpmn', '--', join(PROCESSES, slug, 'process.bpmn')], {
          cwd: ROOT,
          encoding: 'utf8',
        });
      });

      it('has a form in the bundle for every user task, and the metadata lists exactly those forms', () => {
        const formKeys = new Set(
          elementsOf(bundle)
            .filter(isUserTask)
            .map((task) => task.userTask?.formKey),
        );
        expect([...formKeys].sort()).to.deep.equal(Object.keys(bundle.metadata.forms.tasks).sort());
      });

      it('uses only the job types of the worker contract, with their headers', () => {
        for (const task of elementsOf(bundle).filter(isJobWorkerTask)) {
          const type = jobType(task);
          expect(Object.keys(CONTRACT.jobTypes), `${task.id}`).to.include(type);
          for (const header of CONTRACT.jobTypes[type!].requiredHeaders) {
            expect(task.job!.headers, `${task.id} header ${header}`).to.have.property(header);
          }
        }
        const signs = elementsOf(bundle).filter((task) => jobType(task) === 'motcua.sign');
        const templates = signs
          .map((task) => task.job!.headers.template)
          .filter((template) => template !== STOP_NOTICE_TEMPLATE)
          .sort();
        const { resultDocument, refusalDocument } = bundle.metadata;
        expect(templates).to.deep.equal([resultDocument.template, refusalDocument?.template].sort());
        // form 05 is signed right before motcua.stop, which sets status 8
        for (const notice of signs.filter((task) => task.job!.headers.template === STOP_NOTICE_TEMPLATE)) {
          expect(targetsOf(bundle, notice).map(jobType), `${notice.id} leads to motcua.stop`).to.deep.equal([
            'motcua.stop',
          ]);
        }
      });

      it('starts with intake, then the desk receipt, whose decision is accept, supplement or refuse', () => {
        const start = bundle.model.elements.get(bundle.model.noneStartEventId!)!;
        const [intake] = targetsOf(bundle, start);
        expect(jobType(intake)).to.equal('motcua.intake');
        const desks = elementsOf(bundle).filter((task) => task.userTask?.formKey === 'desk-receipt');
        expect(desks).to.have.length(1);
        const [decision] = targetsOf(bundle, desks[0]);
        const outcomes = decision.outgoing.map((flowId) => feelSource(bundle.model.flows.get(flowId)!.condition));
        expect(outcomes.sort()).to.deep.equal([
          'decision = "accept"',
          'decision = "refuse"',
          'decision = "supplement"',
        ]);
        const next = targetsOf(bundle, decision).map((element) => jobType(element) ?? element.type);
        expect(next).to.include.members(['motcua.supplement-request', 'motcua.refuse']);
      });

      it('assigns user tasks to the desk, specialist or leader group of an agency variable, with a due date', () => {
        const variables = new Set(['agencyCode', ...bundle.metadata.participatingAgencies.map((a) => a.variable)]);
        for (const task of elementsOf(bundle).filter(isUserTask)) {
          const [, role, variable] = CANDIDATE_GROUPS.exec(feelSource(task.userTask?.candidateGroups) ?? '') ?? [];
          expect(CONTRACT.userTask.candidateGroupRoles, `${task.id} candidate groups`).to.include(role);
          if (task.userTask?.formKey === 'desk-receipt') {
            expect([role, variable]).to.deep.equal(['desk', 'receivingAgencyCode']);
            continue;
          }
          const loop = task.multiInstance;
          // A task per agency of a list (e.g. consultedAgencyCodes): the loop's input element names the agency.
          if (loop) expect(variables).to.include(`${feelSource(loop.inputCollection)}`);
          expect([...variables, loop?.inputElement]).to.include(variable);
          expect(feelSource(task.userTask?.dueDate), `${task.id} due date`).to.match(
            /^(dueDate|dueDates\.[a-z][A-Za-z]*)$/,
          );
        }
      });

      it('runs the processing after acceptance inside subprocesses watched by a non-interrupting timer on the due date', () => {
        const timed = new Map<string, string>();
        for (const timer of elementsOf(bundle).filter(
          (e) => e.type === 'boundaryEvent' && e.eventDefinition?.kind === 'timer',
        )) {
          const definition = timer.eventDefinition as {
            kind: 'timer';
            timer: string;
            value: { kind: string; source?: string };
          };
          expect(definition.timer, timer.id).to.equal('date');
          expect(timer.interrupting, `${timer.id} is non-interrupting`).to.equal(false);
          const [flag] = targetsOf(bundle, timer);
          expect(jobType(flag), `${timer.id} leads to motcua.overdue`).to.equal('motcua.overdue');
          expect(targetsOf(bundle, flag).map((e) => e.type)).to.deep.equal(['endEvent']);
          const dueDate = feelSource(definition.value)!;
          const role = /^dueDates\.(.+)$/.exec(dueDate)?.[1];
          expect(flag.job!.headers.agencyRole, `${flag.id} agencyRole`).to.equal(role);
          timed.set(timer.attachedToId!, dueDate);
        }
        const subprocesses = elementsOf(bundle).filter((e) => e.type === 'subProcess');
        expect(subprocesses.length).to.be.greaterThan(0);
        expect([...timed.keys()].sort()).to.deep.equal(subprocesses.map((e) => e.id).sort());
        for (const task of elementsOf(bundle).filter((e) => isUserTask(e) && e.userTask?.formKey !== 'desk-receipt')) {
          expect(timed.get(task.scopeId!), `${task.id} sits in a timed subprocess`).to.equal(
            feelSource(task.userTask?.dueDate),
          );
        }
        for (const agency of bundle.metadata.participatingAgencies.filter((a) => a.legalDuration)) {
          expect([...timed.values()], `a timer on dueDates.${agency.role}`).to.include(`dueDates.${agency.role}`);
        }
      });

      it('waits only for the messages of the contract (supplement, fee paid), correlated by the dossier code', () => {
        const catches = elementsOf(bundle).filter((e) => e.type === 'intermediateCatchEvent');
        const names = new Set<string>();
        for (const event of catches) {
          const definition = event.eventDefinition as { kind: string; messageName: never; correlationKey: never };
          expect(definition.kind).to.equal('message');
          const name = staticValue(definition.messageName)!;
          expect(Object.keys(MESSAGE_STEPS), event.id).to.include(name);
          names.add(name);
          expect(`=${feelSource(definition.correlationKey)}`).to.equal(CONTRACT.messages[name].correlationKey);
          const [before, after] = MESSAGE_STEPS[name];
          expect(sourcesOf(bundle, event).map(jobType)).to.deep.equal([before]);
          expect(targetsOf(bundle, event).map(jobType)).to.deep.equal([after]);
        }
        expect([...names], 'every bundle has the supplement loop').to.include(SUPPLEMENT_MESSAGE);
      });

      it('computes a computed fee with the script task its metadata names', () => {
        const { fees } = bundle.metadata;
        const scripts = elementsOf(bundle).filter((e) => e.type === 'scriptTask');
        if (fees.kind !== 'computed') return expect(scripts).to.deep.equal([]);
        const script = bundle.model.elements.get(fees.elementId!);
        expect(script?.type).to.equal('scriptTask');
        expect(script?.script?.resultVariable).to.equal(fees.variable);
      });

      it('deploys on the engine through the official client', async () => {
        const zeebe = await startTestEngine();
        try {
          await deploy(zeebe, bundle);
        } finally {
          await zeebe.close();
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Dossiers through each procedure

describe('a dossier through the reference procedures', () => {
  const bundles: Record<string, Bundle> = {};
  let zeebe: TestEngine;
  before(async () => {
    for (const slug of REFERENCE_SLUGS) bundles[slug] = await loadBundle(slug);
  });
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const deskAccepts: Reply = () => ({ decision: 'accept', checkedDocuments: [] });
  const approves: Reply = () => ({ approved: true, approvalNote: 'Đồng ý.' });

  describe('household business registration (3 working days)', () => {
    const DUE = '2026-01-08T17:00:00+07:00';
    let bundle: Bundle;
    beforeEach(async () => {
      bundle = bundles['household-business-registration'];
      await deploy(zeebe, bundle);
    });

    const appraises: Reply = () => ({
      recommendation: 'approve',
      nameAvailable: true,
      appraisalNote: 'Hồ sơ hợp lệ, tên không trùng.',
    });

    it('goes desk → appraisal → approval → signed certificate → returned', async () => {
      // given a dossier submitted online
      const dossier = await submit(zeebe, bundle);

      // when every step agrees
      await dossier.run({ 'desk-receipt': deskAccepts, accept: accept(DUE), appraisal: appraises, approval: approves });

      // then it was returned with the certificate, and no timer is left behind
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail).to.deep.equal([
        'intake',
        'desk-receipt',
        'accept',
        'appraisal',
        'approval',
        'sign-certificate',
        'return-result',
      ]);
      expect(rootVariable(zeebe, dossier.processInstanceKey, 'resultDocumentId')).to.match(
        /^household-business-certificate-/,
      );
      const [timer] = records(zeebe, timerOf(dossier.processInstanceKey, 'processing-overdue', 'CREATED'));
      expect(timer.value.dueDate).to.equal(Date.parse(DUE));
      expect(records(zeebe, timerOf(dossier.processInstanceKey, 'processing-overdue', 'CANCELED'))).to.have.length(1);
    });

    it('asks for a supplement, waits for the citizen on the dossier code, then the desk refuses: form 03, the dossier ends', async () => {
      // given a dossier the desk finds incomplete
      const dossier = await submit(zeebe, bundle);
      let supplementNote: unknown;
      await dossier.run({
        'desk-receipt': () => ({
          decision: 'supplement',
          supplementNote: 'Bổ sung biên bản họp thành viên hộ gia đình.',
        }),
        'request-supplement': (job) => ((supplementNote = job.variables.supplementNote), {}),
      });
      const dossierCode = rootVariable(zeebe, dossier.processInstanceKey, 'dossierCode') as string;
      expect(dossierCode).to.equal(`${AGENCIES.commune}-260105-0001`);
      expect(supplementNote).to.equal('Bổ sung biên bản họp thành viên hộ gia đình.');
      expect(dossier.trail).to.deep.equal(['intake', 'desk-receipt', 'request-supplement']);

      // when a supplement for another dossier is published, then this one keeps waiting
      await zeebe.client.publishMessage({
        name: SUPPLEMENT_MESSAGE,
        correlationKey: `${AGENCIES.commune}-260105-0002`,
        variables: {},
      });
      expect(await dossier.run({})).to.deep.equal([]);
      expect(dossier.trail).to.have.length(3);

      // when the citizen supplements, then the desk checks again, and refuses
      await zeebe.client.publishMessage({
        name: SUPPLEMENT_MESSAGE,
        correlationKey: dossierCode,
        messageId: `${dossierCode}:supplement:1`,
        timeToLive: 3_600_000,
        variables: {},
      });
      let refusalReason: unknown;
      await dossier.run({
        'desk-receipt': () => ({ decision: 'refuse', refusalReason: 'Ngành nghề kinh doanh thuộc danh mục cấm.' }),
        refuse: (job) => ((refusalReason = job.variables.refusalReason), { refusedAt: dossier.now() }),
      });

      // then
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail.slice(3)).to.deep.equal(['supplement-received', 'desk-receipt', 'refuse']);
      expect(refusalReason).to.equal('Ngành nghề kinh doanh thuộc danh mục cấm.');
      expect(records(zeebe, passed('dossier-refused', dossier.processInstanceKey))).to.have.length(1);
      expect(records(zeebe, passed('accept', dossier.processInstanceKey))).to.deep.equal([]);
    });

    it('flags the dossier overdue when the clock passes the due date, and the processing goes on', async () => {
      // given a dossier waiting at the appraisal
      const dossier = await submit(zeebe, bundle);
      const [appraisal] = await dossier.run(
        { 'desk-receipt': deskAccepts, accept: accept(DUE) },
        { hold: ['appraisal'] },
      );
      expect(appraisal.elementId).to.equal('appraisal');

      // when one minute before the due date, then nothing
      await until(zeebe, DUE, -MINUTE);
      expect(records(zeebe, jobCreated('motcua.overdue', dossier.processInstanceKey))).to.deep.equal([]);

      // when the due date passes
      await until(zeebe, DUE);

      // then motcua.overdue is asked to flag it, and the appraisal is still open
      await zeebe.waitFor(jobCreated('motcua.overdue', dossier.processInstanceKey), 'overdue job');
      let overdue: Job | undefined;
      await dossier.run({ 'flag-overdue': (job) => ((overdue = job), {}) });
      expect(overdue?.variables).to.include({ dueDate: DUE, dossierCode: `${AGENCIES.commune}-260105-0001` });
      expect(overdue?.customHeaders).to.not.have.property('agencyRole');
      await dossier.complete(appraisal, appraises);
      await dossier.run({ approval: approves });
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail.slice(-4)).to.deep.equal(['appraisal', 'approval', 'sign-certificate', 'return-result']);
    });
  });

  describe('birth registration + permanent residence + health-insurance card (liên thông)', () => {
    const DUE = {
      justice: '2026-01-06T17:00:00+07:00',
      police: '2026-01-08T17:00:00+07:00',
      socialInsurance: '2026-01-08T17:00:00+07:00',
    };
    let bundle: Bundle;
    beforeEach(async () => {
      bundle = bundles['birth-residence-health-insurance'];
      await deploy(zeebe, bundle);
    });

    const registers: Reply = () => ({
      recommendation: 'approve',
      birthRegistration: {
        personalIdentificationNumber: '024225000123',
        registrationNumber: '12/2026',
        registrationBook: '01/2026',
        registeredOn: '2026-01-05',
      },
    });
    const policeRegisters: Reply = (job) => {
      expect(job.variables).to.have.nested.property('birthRegistration.personalIdentificationNumber', '024225000123');
      return { residenceRegistration: { registered: true, registeredOn: '2026-01-07' } };
    };
    const cardIssued: Reply = () => ({
      healthInsuranceCard: {
        cardNumber: 'TE1270241234567',
        validFrom: '2026-01-07',
        validTo: '2031-12-27',
        primaryCareFacility: 'Trạm Y tế xã Tân An',
      },
    });

    it('registers the birth first, then the police and social insurance work in parallel, each on its own deadline', async () => {
      // given
      const dossier = await submit(zeebe, bundle);

      // when
      const [police, card] = await dossier.run(
        {
          'desk-receipt': deskAccepts,
          accept: accept(DUE.police, DUE),
          'justice-birth-registration': registers,
          'justice-approval': approves,
        },
        { hold: ['police-residence', 'social-insurance-card'] },
      );

      // then both agencies have their task at once, in their own group, with their own due date
      const byElement = Object.fromEntries([police, card].map((job) => [job.elementId, job.customHeaders]));
      expect(byElement['police-residence']['io.camunda.zeebe:candidateGroups']).to.equal(
        JSON.stringify([`specialist@${AGENCIES.police}`]),
      );
      expect(byElement['social-insurance-card']['io.camunda.zeebe:candidateGroups']).to.equal(
        JSON.stringify([`specialist@${AGENCIES.socialInsurance}`]),
      );
      expect(Date.parse(byElement['police-residence']['io.camunda.zeebe:dueDate'])).to.equal(Date.parse(DUE.police));
      expect(dossier.trail).to.deep.equal([
        'intake',
        'desk-receipt',
        'accept',
        'justice-birth-registration',
        'justice-approval',
        'sign-birth-certificate',
      ]);

      // when both finish, then the results are returned together
      await dossier.complete(card, cardIssued);
      expect(records(zeebe, passed('result-merge', dossier.processInstanceKey))).to.deep.equal([]);
      await dossier.complete(police, policeRegisters);
      await dossier.run({});
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail.slice(-3)).to.deep.equal(['social-insurance-card', 'police-residence', 'return-result']);
      expect(rootVariable(zeebe, dossier.processInstanceKey, 'healthInsuranceCard')).to.include({
        cardNumber: 'TE1270241234567',
      });
    });

    it("flags each agency overdue on its own deadline, naming the agency's role", async () => {
      // given the justice branch still open on its one-day deadline
      const dossier = await submit(zeebe, bundle);
      const [registration] = await dossier.run(
        { 'desk-receipt': deskAccepts, accept: accept(DUE.police, DUE) },
        { hold: ['justice-birth-registration'] },
      );

      // when the justice deadline passes
      await until(zeebe, DUE.justice);
      await zeebe.waitFor(jobCreated('motcua.overdue', dossier.processInstanceKey), 'justice overdue job');
      const roles: string[] = [];
      const flag: Reply = (job) => (roles.push(job.customHeaders.agencyRole as string), {});
      await dossier.run({ 'flag-justice-overdue': flag });

      // then only the justice branch is flagged; when the others pass theirs too, they are flagged
      expect(roles).to.deep.equal(['justice']);
      await dossier.complete(registration, registers);
      const open = await dossier.run(
        { 'justice-approval': approves },
        { hold: ['police-residence', 'social-insurance-card'] },
      );
      expect(open).to.have.length(2);
      await until(zeebe, DUE.police);
      await eventually(
        () => records(zeebe, jobCreated('motcua.overdue', dossier.processInstanceKey)).length === 3,
        'three overdue jobs',
      );
      await dossier.run({ 'flag-police-overdue': flag, 'flag-social-insurance-overdue': flag });
      expect(roles.sort()).to.deep.equal(['justice', 'police', 'socialInsurance']);
    });

    it('ends with a signed refusal and no transfer when the birth registration is refused', async () => {
      // given
      const dossier = await submit(zeebe, bundle);

      // when
      await dossier.run({
        'desk-receipt': deskAccepts,
        accept: accept(DUE.police, DUE),
        'justice-birth-registration': () => ({
          recommendation: 'refuse',
          refusalReason: 'Giấy chứng sinh không hợp lệ.',
        }),
        'justice-approval': () => ({ approved: false, refusalReason: 'Giấy chứng sinh không hợp lệ.' }),
        'sign-refusal': (job) => {
          expect(job.customHeaders.template).to.equal('birth-registration-refusal');
          return { resultDocumentId: 'refusal-1', signedAt: dossier.now() };
        },
      });

      // then
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail.slice(-2)).to.deep.equal(['sign-refusal', 'return-result']);
      expect(records(zeebe, passed('transfer', dossier.processInstanceKey))).to.deep.equal([]);
    });
  });

  describe('construction permit for an individual house (15 days)', () => {
    const DUE = '2026-01-26T17:00:00+07:00';
    let bundle: Bundle;
    beforeEach(async () => {
      bundle = bundles['construction-permit-individual-house'];
      await deploy(zeebe, bundle);
    });

    const inspects: Reply = () => ({
      siteInspection: {
        inspectedOn: '2026-01-08',
        inspectors: ['Lê Văn Nam, công chức địa chính – xây dựng'],
        boundariesMatch: true,
        conformsToPlanning: true,
        findings: 'Hiện trạng đất trống, ranh giới đúng hồ sơ.',
      },
    });

    it('inspects the site, consults each chosen agency in parallel, and grants the permit', async () => {
      // given
      const dossier = await submit(zeebe, bundle);
      const consulted = [AGENCIES.construction, AGENCIES.fireService];
      const opinion = (agencyCode: string) => ({
        agrees: agencyCode === AGENCIES.construction,
        opinion: `Ý kiến của ${agencyCode}`,
      });

      // when
      await dossier.run({
        'desk-receipt': deskAccepts,
        accept: accept(DUE),
        appraisal: () => ({
          recommendation: 'approve',
          appraisalNote: 'Phù hợp quy hoạch chi tiết.',
          consultationNeeded: true,
          consultedAgencyCodes: consulted,
        }),
        'site-inspection': inspects,
        consultation: (job) => {
          const code = job.variables.consultedAgencyCode as string;
          expect(JSON.parse(job.customHeaders['io.camunda.zeebe:candidateGroups'] as string)).to.deep.equal([
            `specialist@${code}`,
          ]);
          return { consultationOpinion: opinion(code) };
        },
        approval: approves,
      });

      // then the applicant owes the permit fee: the process waits for the payment, still inside the timed scope
      expect(dossier.trail.slice(-2)).to.deep.equal(['approval', 'financial-obligation']);
      expect(records(zeebe, timerOf(dossier.processInstanceKey, 'processing-overdue', 'CANCELED'))).to.deep.equal([]);

      // when the payment is recorded
      await zeebe.client.publishMessage({
        name: FEE_PAID_MESSAGE,
        correlationKey: `${AGENCIES.commune}-260105-0001`,
        variables: { feeReceiptNumber: 'BL-0000123' },
      });
      await dossier.run({});

      // then
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail).to.deep.equal([
        'intake',
        'desk-receipt',
        'accept',
        'appraisal',
        'site-inspection',
        'consultation',
        'consultation',
        'approval',
        'financial-obligation',
        'financial-obligation-met',
        'sign-permit',
        'return-result',
      ]);
      expect(rootVariable(zeebe, dossier.processInstanceKey, 'consultationOpinions')).to.deep.equal(
        consulted.map(opinion),
      );
    });

    it('pauses for a supplement asked at the appraisal, the timer following the shifted due date, then the leader refuses', async () => {
      // given a dossier whose appraisal finds something missing
      const dossier = await submit(zeebe, bundle);
      await dossier.run({
        'desk-receipt': deskAccepts,
        accept: accept(DUE),
        appraisal: () => ({
          recommendation: 'supplement',
          appraisalNote: 'Thiếu bản vẽ móng.',
          supplementNote: 'Bổ sung bản vẽ mặt bằng móng.',
          consultationNeeded: false,
        }),
      });
      expect(dossier.trail.slice(-2)).to.deep.equal(['appraisal', 'request-appraisal-supplement']);
      const pik = dossier.processInstanceKey;
      expect(
        records(zeebe, timerOf(pik, 'processing-overdue', 'CANCELED')),
        'the clock is off while paused',
      ).to.have.length(1);

      // when the citizen supplements five days later, and the worker shifts the due date by the pause
      await zeebe.advance(5 * DAY);
      const shifted = '2026-01-30T17:00:00+07:00';
      await zeebe.client.publishMessage({
        name: SUPPLEMENT_MESSAGE,
        correlationKey: `${AGENCIES.commune}-260105-0001`,
        variables: {},
      });
      const [appraisal] = await dossier.run(
        { 'appraisal-supplement-received': () => ({ supplementedAt: dossier.now(), dueDate: shifted }) },
        { hold: ['appraisal'] },
      );

      // then the processing is entered again with a timer on the new due date, and the task is due then too
      const timers = records(zeebe, timerOf(pik, 'processing-overdue', 'CREATED')).map(
        (record) => record.value.dueDate,
      );
      expect(timers).to.deep.equal([Date.parse(DUE), Date.parse(shifted)]);
      expect(Date.parse(appraisal.customHeaders['io.camunda.zeebe:dueDate'] as string)).to.equal(Date.parse(shifted));

      // when the old due date passes, then nothing; when the new one passes, then it is overdue
      await until(zeebe, DUE);
      expect(records(zeebe, jobCreated('motcua.overdue', pik))).to.deep.equal([]);
      await until(zeebe, shifted);
      await zeebe.waitFor(jobCreated('motcua.overdue', pik), 'overdue job');

      // when the appraisal recommends refusal and the leader refuses
      await dossier.complete(appraisal, () => ({
        recommendation: 'refuse',
        appraisalNote: 'Vi phạm chỉ giới xây dựng.',
        refusalReason: 'Công trình vi phạm chỉ giới xây dựng.',
        consultationNeeded: false,
      }));
      await dossier.run({
        approval: () => ({ approved: false, refusalReason: 'Công trình vi phạm chỉ giới xây dựng.' }),
        'sign-refusal': (job) => {
          expect(job.customHeaders.template).to.equal('construction-permit-refusal');
          return { resultDocumentId: 'refusal-1', signedAt: dossier.now() };
        },
      });

      // then no site inspection was made, the refusal is signed and returned
      await zeebe.waitFor(instanceCompleted(pik), 'instance completed');
      expect(dossier.trail.slice(-6)).to.deep.equal([
        'appraisal-supplement-received',
        'appraisal',
        'flag-overdue',
        'approval',
        'sign-refusal',
        'return-result',
      ]);
      expect(records(zeebe, passed('site-inspection', pik))).to.deep.equal([]);
    });
  });

  describe('construction permit: the leader stops the processing', () => {
    it('signs form 05 and stops: no fee, no permit, no return', async () => {
      // given
      const bundle = bundles['construction-permit-individual-house'];
      await deploy(zeebe, bundle);
      const dossier = await submit(zeebe, bundle);

      // when
      await dossier.run({
        'desk-receipt': deskAccepts,
        accept: accept('2026-01-26T17:00:00+07:00'),
        appraisal: () => ({ recommendation: 'approve', appraisalNote: 'Đủ điều kiện.', consultationNeeded: false }),
        'site-inspection': () => ({
          siteInspection: {
            inspectedOn: '2026-01-08',
            inspectors: ['Lê Văn Nam'],
            boundariesMatch: false,
            conformsToPlanning: true,
            findings: 'Thửa đất đang có tranh chấp ranh giới.',
          },
        }),
        approval: () => ({
          approved: false,
          stopProcessing: true,
          stopReason: 'Tòa án nhân dân đang thụ lý vụ tranh chấp về thửa đất.',
        }),
        'sign-stop-notice': (job) => {
          expect(job.customHeaders.template).to.equal('stop-notice');
          expect(job.variables.stopReason).to.contain('Tòa án');
          return { resultDocumentId: 'stop-notice-1', signedAt: dossier.now() };
        },
      });

      // then
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(dossier.trail.slice(-3)).to.deep.equal(['approval', 'sign-stop-notice', 'stop']);
      for (const element of ['financial-obligation', 'sign-permit', 'sign-refusal', 'return-result'])
        expect(records(zeebe, passed(element, dossier.processInstanceKey)), element).to.deep.equal([]);
    });
  });

  describe('certified copy (same day, fee computed in the diagram)', () => {
    const DUE = '2026-01-05T17:00:00+07:00';
    let bundle: Bundle;
    beforeEach(async () => {
      bundle = bundles['certified-copy'];
      await deploy(zeebe, bundle);
    });

    it('collects the fee, compares the copy with the original, signs and returns it the same day', async () => {
      // given 3 pages, 2 copies
      const dossier = await submit(zeebe, bundle);
      let fee: unknown;

      // when
      await dossier.run({
        'desk-receipt': () => ({ decision: 'accept', originalPresented: true }),
        accept: (job) => ((fee = job.variables.fee), accept(DUE)(job)),
        certify: () => ({ recommendation: 'approve', copyMatchesOriginal: true, certifiedPages: 3 }),
        approval: approves,
      });

      // then 2 × (2 × 2,000 + 1,000) VND
      await zeebe.waitFor(instanceCompleted(dossier.processInstanceKey), 'instance completed');
      expect(fee).to.equal(10_000);
      expect(dossier.trail).to.deep.equal([
        'intake',
        'desk-receipt',
        'accept',
        'certify',
        'approval',
        'sign-certified-copy',
        'return-result',
      ]);
    });

    // Circular 226/2016/TT-BTC: 2,000 VND a page, 1,000 VND a page from the third, at most 200,000 VND a copy.
    for (const [pages, copies, expected] of [
      [1, 1, 2_000],
      [3, 1, 5_000],
      [500, 1, 200_000],
      [500, 2, 400_000],
    ]) {
      it(`charges ${expected} VND for ${copies} certified ${copies === 1 ? 'copy' : 'copies'} of ${pages} page(s)`, async () => {
        // given
        const dossier = await submit(zeebe, bundle, { ...SUBMISSIONS['certified-copy'], pages, copies });

        // when the desk accepts
        const [acceptJob] = await dossier.run({ 'desk-receipt': deskAccepts }, { hold: ['accept'] });

        // then the fee is computed before the receipt (form 01) is issued
        expect(acceptJob.variables.fee).to.equal(expected);
        expect(rootVariable(zeebe, dossier.processInstanceKey, 'fee')).to.equal(expected);
      });
    }
  });
});
