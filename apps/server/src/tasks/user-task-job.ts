/**
 * What a job-based user task (job type `io.camunda.zeebe:userTask`) tells about its step, read from
 * the headers Zeebe writes (assignee, candidate groups and users as JSON lists, form key, due date as
 * Java's ZonedDateTime text) and the process variables the bridge fetches.
 */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

/** The process variables the bridge asks for with each job (processes/README.md, "Process variables"). */
export const USER_TASK_VARIABLES = ['dossierId', 'dossierCode', 'serviceCode', 'agencyCode'] as const;

/** The fields of an activated job the bridge reads (a subset of @camunda8/sdk's Job). */
export interface UserTaskJob {
  key: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  elementId: string;
  elementInstanceKey: string;
  deadline: string | number;
  customHeaders: Record<string, unknown>;
  variables: Record<string, unknown>;
}

export interface UserTaskStep {
  formKey: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  /** The `io.camunda.zeebe:assignee` header: a username. */
  assigneeUsername: string | null;
  dueAt: Date | null;
  dossierId: string | null;
  dossierCode: string | null;
  serviceCode: string | null;
  agencyCode: string | null;
}

function header(job: UserTaskJob, name: string): string | null {
  const value = job.customHeaders[`io.camunda.zeebe:${name}`];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A JSON list header (`["desk@H10"]`); a plain comma-separated text is accepted too. */
export function parseList(text: string | null): string[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return [...new Set(parsed.filter((item) => typeof item === 'string' && item !== ''))];
    if (typeof parsed === 'string' && parsed !== '') return [parsed];
  } catch {
    // not JSON: fall through to a comma-separated list
  }
  return [
    ...new Set(
      text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * A due date as Zeebe writes it: Java's ZonedDateTime.toString(), e.g. `2026-01-31T17:00+07:00` or
 * `2026-01-31T17:00:00.500+07:00[Asia/Ho_Chi_Minh]`. Null when absent or unreadable.
 */
export function parseZonedDateTime(text: string | null): Date | null {
  if (!text) return null;
  const withoutZoneId = text.replace(/\[[^\]]*\]$/, '');
  const date = new Date(withoutZoneId);
  return Number.isNaN(date.getTime()) ? null : date;
}

function variable(job: UserTaskJob, name: string): string | null {
  const value = job.variables[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

/** The agency part of a group code `<role>@<agency code>`, or null. */
export function agencyOfGroup(groupCode: string): string | null {
  const at = groupCode.lastIndexOf('@');
  return at > 0 && at < groupCode.length - 1 ? groupCode.slice(at + 1) : null;
}

export function readUserTaskJob(job: UserTaskJob): UserTaskStep {
  const candidateGroups = parseList(header(job, 'candidateGroups'));
  const groupAgency = candidateGroups.map(agencyOfGroup).find((code) => code !== null) ?? null;
  return {
    formKey: header(job, 'formKey'),
    candidateGroups,
    candidateUsers: parseList(header(job, 'candidateUsers')),
    assigneeUsername: header(job, 'assignee'),
    dueAt: parseZonedDateTime(header(job, 'dueDate')),
    dossierId: variable(job, 'dossierId'),
    dossierCode: variable(job, 'dossierCode'),
    serviceCode: variable(job, 'serviceCode'),
    agencyCode: groupAgency ?? variable(job, 'agencyCode'),
  };
}
