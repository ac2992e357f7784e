/**
 * The job types motcua's workers handle: the worker contract of processes/README.md. A published bundle may only
 * use these in its service tasks (the bundle validator checks it), and the workers subscribe to exactly these.
 */
export const MOTCUA_JOB_TYPES = [
  'motcua.intake',
  'motcua.accept',
  'motcua.supplement-request',
  'motcua.supplement-received',
  'motcua.refuse',
  'motcua.sign',
  'motcua.return',
  'motcua.overdue',
  'motcua.financial-obligation',
  'motcua.financial-obligation-met',
  'motcua.stop',
] as const;

export type MotcuaJobType = (typeof MOTCUA_JOB_TYPES)[number];

/** Job type of job-based user tasks (ARCHITECTURE.md, "Human tasks"): the user-task bridge handles these. */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

export function isMotcuaJobType(type: string): type is MotcuaJobType {
  return (MOTCUA_JOB_TYPES as readonly string[]).includes(type);
}
