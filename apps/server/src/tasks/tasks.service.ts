import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import type { JsonSchema } from '../catalogue/bundle.ts';
import { ServiceVersion } from '../catalogue/service-version.entity.ts';
import { DossierCatalogue } from '../dossiers/dossier-catalogue.ts';
import { DomainError } from '../common/domain-error.ts';
import { inTransaction } from '../database/transaction.ts';
import { Dossier } from '../dossiers/dossier.entity.ts';
import { DOSSIER_STATUS_NAMES } from '../dossiers/dossier-status.ts';
import { formErrors } from '../dossiers/form-validation.ts';
import { UsersService } from '../users/users.service.ts';
import { Task } from './task.entity.ts';
import { encodeCursor, TaskRepository } from './task.repository.ts';
import type { InboxQuery, InboxTask } from './task.repository.ts';
import { TaskHistory } from './task-history.ts';
import type { TaskHistoryEvent } from './task-history.ts';
import { TaskJobs } from './task-jobs.service.ts';
import { agencyOfGroup } from './user-task-job.ts';

export interface InboxItem {
  id: string;
  name: string;
  formKey: string | null;
  dossierId: string | null;
  dossierCode: string | null;
  serviceCode: string | null;
  agencyCode: string | null;
  assigneeId: string | null;
  assignedToMe: boolean;
  dueAt: Date | null;
  overdue: boolean;
  createdAt: Date;
  claimedAt: Date | null;
}

export interface TaskView extends Omit<InboxItem, 'assignedToMe'> {
  status: Task['status'];
  assignedToMe: boolean;
  elementId: string;
  candidateGroups: string[];
  completedAt: Date | null;
  completedBy: string | null;
  output: Record<string, unknown> | null;
}

export interface TaskDetail extends TaskView {
  /** The step's form: the formKey's JSON Schema of the service version the dossier runs on (null if unknown). */
  formSchema: JsonSchema | null;
  dossier: DossierSummary | null;
}

export interface DossierSummary {
  id: string;
  code: string | null;
  status: number;
  statusName: { vi: string; en: string };
  serviceCode: string;
  channel: string;
  applicant: unknown;
  formData: Record<string, unknown>;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  overdue: boolean;
}

/** Decisions the law allows once per stage (processes/README.md "Supplement"): `supplement`. */
const ONCE_PER_STAGE = ['decision', 'recommendation'] as const;

const conflict = (vi: string, en: string): DomainError => new DomainError('CONFLICT', vi, en);

/**
 * The officials' inbox and task actions. Officials see a task when it names one of their groups (or
 * them) as a candidate, or when it belongs to their agency; anything else is 404, so another agency's
 * tasks cannot even be probed. Every change is one transaction with its audit entry and dossier history.
 */
@Injectable()
export class TasksService {
  constructor(
    @Inject(TaskRepository) private readonly tasks: TaskRepository,
    @Inject(TaskJobs) private readonly jobs: TaskJobs,
    @Inject(TaskHistory) private readonly history: TaskHistory,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(UsersService) private readonly users: UsersService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
  ) {}

  async inbox(
    user: AuthenticatedUser,
    query: Omit<InboxQuery, 'groupCodes' | 'userId' | 'now'>,
  ): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
    const now = new Date();
    if (user.groupCodes.length === 0) return { items: [], nextCursor: null };
    const page = await this.tasks.inbox({ ...query, groupCodes: user.groupCodes, userId: user.id, now });
    return {
      items: page.tasks.map((task) => this.inboxItem(task, user, now)),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  async detail(user: AuthenticatedUser, taskId: string): Promise<TaskDetail> {
    const task = await this.visibleTask(user, taskId);
    const dossier = task.dossierId
      ? await this.dataSource.getRepository(Dossier).findOne({ where: { id: task.dossierId } })
      : null;
    return {
      ...this.view(task, user),
      formSchema: await this.formSchemaOf(task, dossier),
      dossier: dossier ? summary(dossier) : null,
    };
  }

  async claim(user: AuthenticatedUser, taskId: string, ip: string | null): Promise<TaskView> {
    const task = await this.visibleTask(user, taskId);
    this.assertOpen(task);
    if (!isCandidate(user, task)) {
      throw DomainError.forbidden(
        'Bạn không thuộc nhóm được giao bước này',
        'You are not in a candidate group of this task',
      );
    }
    if (task.assigneeId) {
      throw conflict(
        task.assigneeId === user.id ? 'Bạn đã nhận bước này rồi' : 'Bước này đã có người nhận xử lý',
        task.assigneeId === user.id ? 'You have already claimed this task' : 'Someone else has claimed this task',
      );
    }
    const claimedAt = new Date();
    return this.change(user, task, 'task-claimed', ip, async (manager) => {
      if (!(await this.tasks.setAssignee(manager, task.id, user.id, { assigneeId: null }, claimedAt))) {
        throw conflict('Bước này vừa có người nhận xử lý', 'Someone else claimed this task just now');
      }
      return { assigneeId: user.id, claimedAt };
    });
  }

  async unclaim(user: AuthenticatedUser, taskId: string, ip: string | null): Promise<TaskView> {
    const task = await this.visibleTask(user, taskId);
    this.assertOpen(task);
    if (!task.assigneeId) throw conflict('Bước này chưa có người nhận', 'This task is not claimed');
    if (task.assigneeId !== user.id && !this.isLeaderOf(user, task)) {
      throw DomainError.forbidden(
        'Chỉ người đang xử lý hoặc lãnh đạo mới trả lại được bước này',
        'Only the assignee or a leader may release this task',
      );
    }
    const previous = task.assigneeId;
    return this.change(
      user,
      task,
      'task-unclaimed',
      ip,
      async (manager) => {
        if (!(await this.tasks.setAssignee(manager, task.id, null, { assigneeId: previous }))) {
          throw conflict('Bước này vừa thay đổi người xử lý', 'The assignee of this task changed just now');
        }
        return { assigneeId: null, claimedAt: null };
      },
      { previousAssigneeId: previous },
    );
  }

  async assign(user: AuthenticatedUser, taskId: string, assigneeId: string, ip: string | null): Promise<TaskView> {
    const task = await this.visibleTask(user, taskId);
    if (!this.isLeaderOf(user, task)) {
      throw DomainError.forbidden(
        'Chỉ lãnh đạo của cơ quan xử lý mới giao được bước này',
        "Only a leader of the task's agency may assign it",
      );
    }
    this.assertOpen(task);
    const target = await this.users.findById(assigneeId);
    const targetGroups = (target?.groups ?? []).map((group) => group.code);
    if (
      !target ||
      !target.active ||
      !(
        task.candidateGroups.some((group) => targetGroups.includes(group)) ||
        task.candidateUsers.includes(target.username)
      )
    ) {
      throw DomainError.validation([
        {
          field: 'userId',
          message:
            'Người được giao phải là cán bộ đang hoạt động thuộc một nhóm được giao bước này / The assignee must be an active official in a candidate group of the task',
        },
      ]);
    }
    const previous = task.assigneeId;
    return this.change(
      user,
      task,
      'task-assigned',
      ip,
      async (manager) => {
        const claimedAt = new Date();
        if (!(await this.tasks.setAssignee(manager, task.id, target.id, { assigneeId: previous }, claimedAt))) {
          throw conflict('Bước này vừa thay đổi người xử lý', 'The assignee of this task changed just now');
        }
        return { assigneeId: target.id, claimedAt };
      },
      { assigneeId: target.id, assigneeUsername: target.username, previousAssigneeId: previous },
    );
  }

  /**
   * Completes the task with the form's data: validated against the step's form, written with the audit
   * entry and the dossier history in one transaction, then sent to Zeebe. If Zeebe cannot be reached
   * the completion stays recorded and the bridge sends it later; if the step is gone meanwhile, the
   * task is closed as cancelled and the caller told so (409).
   */
  async complete(
    user: AuthenticatedUser,
    taskId: string,
    data: unknown,
    ip: string | null,
  ): Promise<TaskView & { sentToEngine: boolean }> {
    const task = await this.visibleTask(user, taskId);
    this.assertOpen(task);
    if (task.assigneeId !== user.id) {
      throw task.assigneeId
        ? DomainError.forbidden(
            'Chỉ người đang xử lý mới hoàn thành được bước này',
            'Only the assignee may complete this task',
          )
        : conflict('Hãy nhận xử lý bước này trước khi hoàn thành', 'Claim this task before completing it');
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw DomainError.validation([
        {
          field: '/data',
          message: 'Dữ liệu biểu mẫu phải là một đối tượng JSON / The form data must be a JSON object',
        },
      ]);
    }
    const output = data as Record<string, unknown>;
    const dossier = task.dossierId
      ? await this.dataSource
          .getRepository(Dossier)
          .findOne({ where: { id: task.dossierId }, select: { id: true, serviceVersionId: true } })
      : null;
    const schema = await this.formSchemaOf(task, dossier);
    if (!schema) {
      throw new DomainError(
        'UNPROCESSABLE',
        `Không tìm thấy biểu mẫu "${task.formKey ?? ''}" của bước này trong phiên bản thủ tục`,
        `The form "${task.formKey ?? ''}" of this step is not in the service version`,
      );
    }
    const errors = formErrors(output, schema, '/data');
    if (errors.length > 0) throw DomainError.validation(errors);
    await this.assertSupplementOnce(task, output);
    const view = await this.change(
      user,
      task,
      'task-completed',
      ip,
      async (manager) => {
        const completedAt = new Date();
        if (!(await this.tasks.complete(manager, task.id, user.id, output, completedAt))) {
          throw conflict('Bước này vừa thay đổi, vui lòng tải lại', 'This task changed just now, please reload it');
        }
        return { status: 'completed', completedAt, completedBy: user.id, output };
      },
      { output },
    );
    const sent = await this.jobs.sendCompletion({ id: task.id, output });
    if (sent === 'cancelled') {
      throw conflict(
        'Bước này đã bị hủy trên quy trình (hồ sơ bị rút, quá hạn hoặc thay đổi), kết quả không được ghi nhận',
        'The step was cancelled in the process meanwhile (withdrawn, timed out or modified): the completion had no effect',
      );
    }
    return { ...view, sentToEngine: sent === 'sent' };
  }

  private async change(
    user: AuthenticatedUser,
    task: Task,
    event: TaskHistoryEvent,
    ip: string | null,
    /** Makes the change (or throws when the task changed meanwhile) and says which columns it set. */
    write: (manager: EntityManager) => Promise<Partial<Task>>,
    data: Record<string, unknown> = {},
  ): Promise<TaskView> {
    const updated = await inTransaction(this.dataSource, async (manager) => {
      // The write is conditional on the state read, so after it the row is that state plus the changes.
      const fresh: Task = { ...task, ...(await write(manager)) };
      await this.history.record(manager, fresh, event, { userId: user.id, name: user.fullName }, data);
      await this.audit.record(
        {
          actor: user,
          action: `task.${event.slice('task-'.length)}`,
          entity: 'task',
          entityId: task.id,
          data: { dossierId: task.dossierId, elementId: task.elementId, ...data },
          ip,
        },
        manager,
      );
      return fresh;
    });
    return this.view(updated, user);
  }

  /** The task if the user may see it; 404 otherwise (another agency's task is not even acknowledged). */
  private async visibleTask(user: AuthenticatedUser, taskId: string): Promise<Task> {
    const task = /^\d{1,20}$/.test(taskId) ? await this.tasks.findById(taskId) : null;
    if (!task || !canSee(user, task)) throw DomainError.notFound('bước xử lý', 'task', taskId);
    return task;
  }

  private assertOpen(task: Task): void {
    if (task.status !== 'open') {
      throw conflict(
        task.status === 'completed' ? 'Bước này đã hoàn thành' : 'Bước này đã bị hủy',
        task.status === 'completed' ? 'This task is already completed' : 'This task was cancelled',
      );
    }
  }

  /** A leader of the task's agency. */
  private isLeaderOf(user: AuthenticatedUser, task: Task): boolean {
    return user.roles.includes('leader') && myAgencies(user).has(task.agencyCode ?? '');
  }

  /** The law allows one supplement request per stage: a second `supplement` for the same step of the dossier is refused. */
  private async assertSupplementOnce(task: Task, output: Record<string, unknown>): Promise<void> {
    const field = ONCE_PER_STAGE.find((name) => output[name] === 'supplement');
    if (!field) return;
    const earlier = await this.dataSource.getRepository(Task).find({
      where: { processInstanceKey: task.processInstanceKey, elementId: task.elementId, status: 'completed' },
      select: { id: true, output: true },
    });
    if (earlier.some((previous) => previous.output?.[field] === 'supplement')) {
      throw DomainError.validation([
        {
          field: `/data/${field}`,
          message:
            'Chỉ được yêu cầu bổ sung hồ sơ một lần ở mỗi bước / A supplement may be requested only once at each stage',
        },
      ]);
    }
  }

  /** The formKey's schema in the service version the dossier runs on, else in the version deployed as this process definition. */
  /** The step's form: from the dossier's version (cached by the catalogue), else the latest with this definition. */
  private async formSchemaOf(
    task: Task,
    dossier: Pick<Dossier, 'serviceVersionId'> | null,
  ): Promise<JsonSchema | null> {
    if (!task.formKey) return null;
    const forms = dossier
      ? (await this.catalogue.versionById(dossier.serviceVersionId))?.taskForms
      : (
          await this.dataSource.getRepository(ServiceVersion).findOne({
            where: { processDefinitionKey: task.processDefinitionKey },
            order: { publishedAt: 'DESC' },
            select: { id: true, taskForms: true },
          })
        )?.taskForms;
    return forms?.[task.formKey] ?? null;
  }

  private inboxItem(task: InboxTask, user: AuthenticatedUser, now: Date): InboxItem {
    return {
      id: task.id,
      name: task.name,
      formKey: task.formKey,
      dossierId: task.dossierId,
      dossierCode: task.dossierCode,
      serviceCode: task.serviceCode,
      agencyCode: task.agencyCode,
      assigneeId: task.assigneeId,
      assignedToMe: task.assigneeId === user.id,
      dueAt: task.dueAt,
      overdue: task.dueAt !== null && task.dueAt.getTime() < now.getTime(),
      createdAt: task.createdAt,
      claimedAt: task.claimedAt,
    };
  }

  private view(task: Task, user: AuthenticatedUser): TaskView {
    return {
      ...this.inboxItem(task, user, new Date()),
      status: task.status,
      elementId: task.elementId,
      candidateGroups: task.candidateGroups,
      completedAt: task.completedAt,
      completedBy: task.completedBy,
      output: task.output,
    };
  }
}

/** The agencies an official works for: their own and those of their groups. */
function myAgencies(user: AuthenticatedUser): Set<string> {
  const codes = new Set<string>();
  if (user.agencyCode) codes.add(user.agencyCode);
  for (const group of user.groupCodes) {
    const code = agencyOfGroup(group);
    if (code) codes.add(code);
  }
  return codes;
}

export function isCandidate(user: AuthenticatedUser, task: Pick<Task, 'candidateGroups' | 'candidateUsers'>): boolean {
  return (
    task.candidateGroups.some((group) => user.groupCodes.includes(group)) || task.candidateUsers.includes(user.username)
  );
}

export function canSee(user: AuthenticatedUser, task: Task): boolean {
  return isCandidate(user, task) || task.assigneeId === user.id || myAgencies(user).has(task.agencyCode ?? '');
}

function summary(dossier: Dossier): DossierSummary {
  return {
    id: dossier.id,
    code: dossier.code,
    status: dossier.status,
    statusName: DOSSIER_STATUS_NAMES[dossier.status],
    serviceCode: dossier.serviceCode,
    channel: dossier.channel,
    applicant: dossier.applicant,
    formData: dossier.formData,
    submittedAt: dossier.submittedAt,
    receivedAt: dossier.receivedAt,
    dueAt: dossier.dueAt,
    overdue: dossier.overdue,
  };
}
