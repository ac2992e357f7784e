import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const TASK_STATUSES = ['open', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * A human step of a dossier: one job-based user task (job type `io.camunda.zeebe:userTask`) as the
 * user-task bridge activated it. The inbox reads this table, never Zeebe. Keyed by the Zeebe job key,
 * so a job delivered again (after its timeout) updates the row instead of adding one.
 */
@Entity('tasks')
@Index('IDX_tasks_status_jobDeadline', ['status', 'jobDeadline'])
@Index('IDX_tasks_status_jobCompletedAt', ['status', 'jobCompletedAt'])
@Index('IDX_tasks_dossierId', ['dossierId'])
@Index('IDX_tasks_processInstanceKey', ['processInstanceKey'])
export class Task {
  /** The Zeebe job key (int64 as a decimal string). */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  processInstanceKey!: string;

  @Column({ type: 'varchar', length: 20 })
  processDefinitionKey!: string;

  @Column({ type: 'varchar', length: 255 })
  bpmnProcessId!: string;

  @Column({ type: 'varchar', length: 255 })
  elementId!: string;

  @Column({ type: 'varchar', length: 20 })
  elementInstanceKey!: string;

  /** The BPMN element's name (vi / en as the diagram writes it), or its id when the diagram is not known here. */
  @Column({ type: 'varchar', length: 500 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  formKey!: string | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  dossierId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  dossierCode!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  serviceCode!: string | null;

  /** The agency whose officials work this step: the `@<code>` of its candidate groups, else the `agencyCode` variable. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  agencyCode!: string | null;

  @Column({ type: 'simple-json' })
  candidateGroups!: string[];

  @Column({ type: 'simple-json' })
  candidateUsers!: string[];

  /** User id of the official working on it; null while unclaimed. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  assigneeId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: TaskStatus;

  @Column({ type: 'datetime', nullable: true })
  dueAt!: Date | null;

  @CreateDateColumn()
  createdAt!: Date;

  @Column({ type: 'datetime', nullable: true })
  claimedAt!: Date | null;

  @Column({ type: 'datetime', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  completedBy!: string | null;

  /** The variables the official submitted; CompleteJob sends them to the process. */
  @Column({ type: 'simple-json', nullable: true })
  output!: Record<string, unknown> | null;

  /** When the job times out on Zeebe unless the bridge extends it (UpdateJobTimeout) first. */
  @Column({ type: 'datetime' })
  jobDeadline!: Date;

  /** When Zeebe accepted CompleteJob; null while a completed task still has to be sent (the bridge retries). */
  @Column({ type: 'datetime', nullable: true })
  jobCompletedAt!: Date | null;

  /** When the task was closed because its step no longer exists on Zeebe (cancelled instance, timer, modification). */
  @Column({ type: 'datetime', nullable: true })
  cancelledAt!: Date | null;
}

/** Far-future due date that sorts tasks without a due date after every dated one, on MySQL and SQLite alike. */
export const NO_DUE_DATE = new Date(Date.UTC(9999, 11, 31, 0, 0, 0));

/**
 * One candidate group of a task, with the task's list fields copied beside it, so "the open tasks of
 * my group, unassigned or mine, by due date" is one index range per group (the inbox hot path).
 */
@Entity('task_candidate_groups')
@Index('IDX_task_groups_inbox', ['groupCode', 'status', 'assigneeId', 'dueAt', 'taskId'])
@Index('IDX_task_groups_due', ['groupCode', 'status', 'dueAt', 'taskId'])
export class TaskCandidateGroup {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  taskId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  groupCode!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: TaskStatus;

  @Column({ type: 'varchar', length: 36, nullable: true })
  assigneeId!: string | null;

  /** The task's due date, or NO_DUE_DATE. */
  @Column({ type: 'datetime' })
  dueAt!: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  serviceCode!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  agencyCode!: string | null;
}
