import { Inject, Injectable } from '@nestjs/common';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { DataSource, In, IsNull } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Agency } from '../agencies/agency.entity.ts';
import { AgenciesService } from '../agencies/agencies.service.ts';
import { AuditService } from '../audit/audit.service.ts';
import { canSeeAgency } from '../auth/agency-scope.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import type { FieldError } from '../common/domain-error.ts';
import { todayInVietnam } from '../common/input.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { inTransaction, isUniqueViolation } from '../database/transaction.ts';
import { isEmail } from '../notifications/notification-outbox.ts';
import { User } from '../users/user.entity.ts';
import { TaskJobs } from '../tasks/task-jobs.service.ts';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { Attachment } from './attachment.entity.ts';
import type { AttachmentKind } from './attachment.entity.ts';
import { AttachmentStorage, StoredFileMissingError } from './attachment-storage.ts';
import type { StoredFileStream } from './attachment-storage.ts';
import { DossierCatalogue } from './dossier-catalogue.ts';
import type { DossierServiceVersion } from './dossier-catalogue.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { appendDossierEvent } from './dossier-history.ts';
import { lockDossier } from './dossier-lock.ts';
import { DossierPause } from './dossier-pause.entity.ts';
import {
  DOSSIER_STATUS_NAMES,
  DossierStatus,
  SIGNED_DOCUMENT_STATUSES,
  WITHDRAWABLE_STATUSES,
} from './dossier-status.ts';
import { Dossier } from './dossier.entity.ts';
import { partialEntity } from './partial-entity.ts';
import type { Applicant, DossierChannel } from './dossier.entity.ts';
import { sanitiseFileName } from './file-name.ts';
import { formErrors } from './form-validation.ts';
import { detectMediaType } from './media-type.ts';
import { ProcessStarter, START_WAIT_MS } from './process-starter.service.ts';

/** A file as multer (memory storage) hands it over. */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  size: number;
  buffer: Buffer;
}

export interface SubmissionRequest {
  body: unknown;
  files: UploadedFile[];
  idempotencyKey?: string;
  ip?: string | null;
}

export interface AttachmentView {
  id: string;
  kind: AttachmentKind;
  documentCode: string | null;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

export interface DossierEventView {
  type: string;
  status: number | null;
  at: Date;
  message: string;
  messageVi: string;
  messageEn: string;
  actor?: { type: string; name: string | null };
}

export interface DossierView {
  id: string;
  code: string | null;
  serviceCode: string;
  serviceName: { vi: string; en: string } | null;
  channel: DossierChannel;
  status: number;
  statusName: { vi: string; en: string };
  applicant: Applicant;
  form: Record<string, unknown>;
  agency: { code: string; name: string } | null;
  receivingAgency: { code: string; name: string } | null;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  withdrawnAt: Date | null;
  overdue: boolean;
  /** The process instance runs (false while a failed start waits for its retry). */
  processStarted: boolean;
  /** Officials only: the Zeebe process instance. */
  processInstanceKey?: string | null;
  supplementState: 'requested' | 'submitted' | null;
  /** Supplement pauses of the legal clock (after acceptance); `to` null while the dossier waits. */
  pauses: { from: Date; to: Date | null }[];
  resultAvailable: boolean;
  attachments: AttachmentView[];
  history: DossierEventView[];
}

export interface DossierSummary {
  id: string;
  code: string | null;
  serviceCode: string;
  serviceName: { vi: string; en: string } | null;
  channel: DossierChannel;
  status: number;
  statusName: { vi: string; en: string };
  submittedAt: Date;
  dueAt: Date | null;
  overdue: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const MAX_FILES = 20;

const notFound = (): DomainError => DomainError.notFound('hồ sơ', 'dossier');

/**
 * The citizen's and the desk's side of dossiers (issue 3, item 6): submission (online and at the counter), my
 * dossiers, detail, supplement, withdrawal and the signed result (tracking by code and phone digits: DossierTracking).
 */
@Injectable()
export class DossiersService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
    @Inject(AgenciesService) private readonly agencies: AgenciesService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AttachmentStorage) private readonly storage: AttachmentStorage,
    @Inject(ProcessStarter) private readonly starter: ProcessStarter,
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(TaskJobs) private readonly taskJobs: TaskJobs,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  /**
   * Submits a dossier: validates everything first (400 with every problem, 413/415 for files), writes the dossier
   * (status 1), its first history entry and its attachments in one transaction, then starts its process instance.
   * With an Idempotency-Key already used by the same submitter, returns that dossier (`created: false`).
   */
  async submit(
    user: AuthenticatedUser,
    channel: DossierChannel,
    request: SubmissionRequest,
  ): Promise<{ dossier: DossierView; created: boolean }> {
    const idempotencyKey = request.idempotencyKey?.trim() || undefined;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw DomainError.validation([
        {
          field: 'Idempotency-Key',
          message: 'Tối đa 128 ký tự ASCII in được / At most 128 printable ASCII characters',
        },
      ]);
    }
    if (idempotencyKey) {
      const existing = await this.bySubmitterKey(user.id, idempotencyKey);
      if (existing) return { dossier: await this.afterStart(existing, user), created: false };
    }
    const body = parseBody(request.body);
    const errors = new FieldErrors();
    const serviceCode = typeof body.serviceCode === 'string' ? body.serviceCode.trim() : '';
    if (!serviceCode) errors.add('/serviceCode', 'Bắt buộc', 'Required');
    const form = body.form;
    if (form === null || typeof form !== 'object' || Array.isArray(form)) {
      errors.add('/form', 'Bắt buộc, là một đối tượng JSON', 'Required, a JSON object');
    }
    const version = serviceCode ? await this.catalogue.currentVersion(serviceCode, new Date()) : null;
    if (serviceCode && !version) {
      errors.add(
        '/serviceCode',
        `Không có dịch vụ '${serviceCode}' đang áp dụng`,
        `No service '${serviceCode}' in force`,
      );
    }
    if (version && !version.metadata.legalDuration[channel]) {
      errors.add(
        '/serviceCode',
        channel === 'online' ? 'Dịch vụ này không nhận hồ sơ trực tuyến' : 'Dịch vụ này không nhận hồ sơ tại quầy',
        `This service does not accept ${channel} submissions`,
      );
    }
    if (version && form && typeof form === 'object' && !Array.isArray(form)) {
      errors.errors.push(...formErrors(form, version.submissionSchema));
    }
    const applicant = await this.applicantOf(user, channel, body, errors);
    const placeCode = channel === 'counter' ? user.agencyCode : stringField(body, 'receivingAgencyCode');
    const routing = version ? await this.route(version, channel, placeCode, errors) : undefined;
    errors.throwIfAny();
    const files = this.checkFiles(request.files, version!);
    const dossierId = randomUUID();
    const now = new Date();
    const formData = form as Record<string, unknown>;
    const stored = await this.storeFiles(dossierId, files, 'submission', user.id);
    let dossier: Dossier;
    try {
      dossier = await inTransaction(this.dataSource, async (manager) => {
        const row = manager.getRepository(Dossier).create({
          id: dossierId,
          code: null,
          serviceVersionId: version!.id,
          serviceCode: version!.serviceCode,
          applicantUserId: channel === 'online' ? user.id : null,
          submittedByUserId: user.id,
          applicant: applicant!,
          formData,
          channel,
          status: DossierStatus.New,
          agencyId: routing!.competent.id,
          receivingAgencyId: routing!.receiving.id,
          processVariables: {
            dossierId,
            serviceCode: version!.serviceCode,
            agencyCode: routing!.competent.code,
            receivingAgencyCode: routing!.receiving.code,
            channel,
            applicant: applicant!,
            form: formData,
            ...routing!.variables,
          },
          processInstanceKey: null,
          processStartError: null,
          processStartAttempts: 0,
          idempotencyKey: idempotencyKey ?? null,
          supplementState: null,
          supplementCount: 0,
          submittedAt: now,
          receivedAt: null,
          dueAt: null,
          finishedAt: null,
          returnedAt: null,
          withdrawnAt: null,
          overdue: false,
          resultDocumentId: null,
          resultDocumentPath: null,
          resultDocumentSha256: null,
        });
        await manager.getRepository(Dossier).insert(partialEntity<Dossier>(row));
        await manager.getRepository(Attachment).insert(stored.map((file) => ({ ...file, dossierId })));
        await appendDossierEvent(manager, {
          dossierId,
          type: 'submitted',
          status: DossierStatus.New,
          actor: { type: channel === 'online' ? 'citizen' : 'official', id: user.id, name: user.fullName },
          isPublic: true,
          messageVi:
            channel === 'online'
              ? `Nộp hồ sơ trực tuyến (${stored.length} tệp đính kèm)`
              : `Bộ phận một cửa nhận hồ sơ trực tiếp (${stored.length} tệp đính kèm)`,
          messageEn:
            channel === 'online'
              ? `Submitted online (${stored.length} attachments)`
              : `Handed in at the one-stop desk (${stored.length} attachments)`,
          data: { channel, attachments: stored.map((file) => file.id) },
          at: now,
        });
        await this.audit.record(
          {
            actor: user,
            action: channel === 'online' ? 'dossier.submit' : 'dossier.counter-intake',
            entity: 'dossier',
            entityId: dossierId,
            data: { serviceCode: version!.serviceCode, attachments: stored.length },
            ip: request.ip ?? null,
          },
          manager,
        );
        return row;
      });
    } catch (error) {
      await Promise.all(stored.map((file) => this.storage.remove(file.storagePath)));
      if (idempotencyKey && isUniqueViolation(error)) {
        // The same key submitted twice at once: the other request won, return its dossier.
        const existing = await this.bySubmitterKey(user.id, idempotencyKey);
        if (existing) return { dossier: await this.afterStart(existing, user), created: false };
      }
      throw error;
    }
    return { dossier: await this.afterStart(dossier, user), created: true };
  }

  /** My dossiers (the citizen's online submissions), newest first. */
  async mine(user: AuthenticatedUser): Promise<DossierSummary[]> {
    const dossiers = await this.dataSource.getRepository(Dossier).find({
      where: { applicantUserId: user.id },
      // The summary's columns only: no form data or process variables to parse for a list.
      select: {
        id: true,
        code: true,
        serviceCode: true,
        serviceVersionId: true,
        channel: true,
        status: true,
        submittedAt: true,
        dueAt: true,
        overdue: true,
      },
      order: { submittedAt: 'DESC' },
      take: 500,
    });
    const names = await this.serviceNames(dossiers);
    return dossiers.map((dossier) => summaryOf(dossier, names));
  }

  /** One dossier for its applicant (public history) or an official of its agencies (full history); 404 otherwise. */
  async detail(user: AuthenticatedUser, id: string): Promise<DossierView> {
    const dossier = await this.visible(user, id);
    return this.view(dossier, this.isOwner(user, dossier) && !this.isOfficialOf(user, dossier));
  }

  /**
   * The applicant answers a supplement request: new attachments and form fields (merged into the form, which must
   * then satisfy the schema), then the `dossier-supplemented` message (correlation key = dossier code) lets the
   * process go on. A repeated call after the answer only publishes the message again (same message id, so the engine
   * keeps one).
   */
  async supplement(user: AuthenticatedUser, id: string, request: SubmissionRequest): Promise<DossierView> {
    const dossier = await this.visible(user, id);
    const mayAnswer = this.isOwner(user, dossier) || (user.roles.includes('desk') && this.isOfficialOf(user, dossier));
    if (!mayAnswer) throw DomainError.forbidden();
    if (dossier.supplementState === 'submitted' && dossier.status === DossierStatus.SupplementRequested) {
      await this.publishSupplement(dossier);
      return this.view(dossier, !this.isOfficialOf(user, dossier));
    }
    if (
      dossier.status !== DossierStatus.SupplementRequested ||
      dossier.supplementState !== 'requested' ||
      !dossier.code
    ) {
      throw new DomainError(
        'CONFLICT',
        'Hồ sơ không ở trạng thái chờ bổ sung',
        'The dossier is not waiting for a supplement',
        { status: dossier.status },
      );
    }
    const body = parseBody(request.body);
    const version = await this.catalogue.versionById(dossier.serviceVersionId);
    if (!version) throw notFound();
    const errors = new FieldErrors();
    let formData = dossier.formData;
    if (body.form !== undefined) {
      if (body.form === null || typeof body.form !== 'object' || Array.isArray(body.form)) {
        errors.add('/form', 'Phải là một đối tượng JSON', 'Must be a JSON object');
      } else {
        formData = mergeForm(dossier.formData, body.form as Record<string, unknown>);
        errors.errors.push(...formErrors(formData, version.submissionSchema));
      }
    }
    const note = body.note === undefined ? undefined : typeof body.note === 'string' ? body.note.trim() : null;
    if (note === null || (note !== undefined && note.length > 2000)) {
      errors.add('/note', 'Chuỗi tối đa 2000 ký tự', 'A text of at most 2000 characters');
    }
    if (body.form === undefined && request.files.length === 0) {
      errors.add(
        '',
        'Cần bổ sung tệp đính kèm hoặc nội dung biểu mẫu',
        'Send attachments or form fields to supplement',
      );
    }
    errors.throwIfAny();
    const files = this.checkFiles(request.files, version);
    const stored = await this.storeFiles(dossier.id, files, 'supplement', user.id);
    let updated: Dossier;
    try {
      updated = await inTransaction(this.dataSource, async (manager) => {
        const locked = await lockDossier(manager, dossier.id);
        if (!locked || locked.supplementState !== 'requested') {
          throw new DomainError('CONFLICT', 'Hồ sơ đã được bổ sung', 'The dossier was supplemented already');
        }
        const variables = { ...locked.processVariables, form: formData };
        await manager
          .getRepository(Dossier)
          .update(
            { id: locked.id },
            partialEntity<Dossier>({ formData, supplementState: 'submitted', processVariables: variables }),
          );
        if (stored.length > 0) {
          await manager.getRepository(Attachment).insert(stored.map((file) => ({ ...file, dossierId: locked.id })));
        }
        await appendDossierEvent(manager, {
          dossierId: locked.id,
          type: 'supplement-submitted',
          status: locked.status,
          actor: { type: this.isOwner(user, locked) ? 'citizen' : 'official', id: user.id, name: user.fullName },
          isPublic: true,
          messageVi: `Người nộp đã bổ sung hồ sơ (${stored.length} tệp)${note ? `: ${note}` : ''}`,
          messageEn: `The applicant supplemented the dossier (${stored.length} files)${note ? `: ${note}` : ''}`,
          data: {
            attachments: stored.map((file) => file.id),
            formChanged: body.form !== undefined,
            note: note ?? null,
          },
        });
        await this.audit.record(
          { actor: user, action: 'dossier.supplement', entity: 'dossier', entityId: locked.id, ip: request.ip ?? null },
          manager,
        );
        return { ...locked, formData, supplementState: 'submitted' as const, processVariables: variables };
      });
    } catch (error) {
      await Promise.all(stored.map((file) => this.storage.remove(file.storagePath)));
      throw error;
    }
    await this.publishSupplement(updated);
    return this.view(updated, !this.isOfficialOf(user, updated));
  }

  /** The citizen withdraws the dossier (status 7): its process instance is cancelled, the history says so. */
  async withdraw(user: AuthenticatedUser, id: string, body: unknown, ip?: string | null): Promise<DossierView> {
    const dossier = await this.visible(user, id);
    if (!this.isOwner(user, dossier))
      throw DomainError.forbidden('Chỉ người nộp được rút hồ sơ', 'Only the applicant may withdraw the dossier');
    const reason =
      typeof (body as { reason?: unknown } | undefined)?.reason === 'string'
        ? (body as { reason: string }).reason.trim().slice(0, 1000) || null
        : null;
    if (!WITHDRAWABLE_STATUSES.has(dossier.status)) {
      throw new DomainError(
        'CONFLICT',
        `Không thể rút hồ sơ ở trạng thái "${DOSSIER_STATUS_NAMES[dossier.status].vi}"`,
        `A dossier in status "${DOSSIER_STATUS_NAMES[dossier.status].en}" cannot be withdrawn`,
        { status: dossier.status },
      );
    }
    // Cancel first: a dossier marked withdrawn whose process still ran would be changed again by its workers.
    if (dossier.processInstanceKey) await this.cancelInstance(dossier.processInstanceKey);
    const now = new Date();
    const updated = await inTransaction(this.dataSource, async (manager) => {
      const locked = await lockDossier(manager, dossier.id);
      if (!locked || !WITHDRAWABLE_STATUSES.has(locked.status)) {
        throw new DomainError('CONFLICT', 'Hồ sơ đã thay đổi trạng thái', 'The dossier changed status meanwhile');
      }
      await manager
        .getRepository(Dossier)
        .update(
          { id: locked.id },
          { status: DossierStatus.Withdrawn, withdrawnAt: now, finishedAt: now, supplementState: null },
        );
      await manager
        .getRepository(DossierPause)
        .update({ dossierId: locked.id, resumedAt: IsNull() }, { resumedAt: now });
      await appendDossierEvent(manager, {
        dossierId: locked.id,
        type: 'withdrawn',
        status: DossierStatus.Withdrawn,
        actor: { type: 'citizen', id: user.id, name: user.fullName },
        isPublic: true,
        messageVi: `Người nộp rút hồ sơ${reason ? `: ${reason}` : ''}`,
        messageEn: `Withdrawn by the applicant${reason ? `: ${reason}` : ''}`,
        data: { reason },
        at: now,
      });
      await this.audit.record(
        {
          actor: user,
          action: 'dossier.withdraw',
          entity: 'dossier',
          entityId: locked.id,
          data: { reason },
          ip: ip ?? null,
        },
        manager,
      );
      return { ...locked, status: DossierStatus.Withdrawn, withdrawnAt: now, finishedAt: now, supplementState: null };
    });
    // The inbox drops the dossier's open tasks now rather than at the bridge's next keep-alive pass.
    if (dossier.processInstanceKey) await this.taskJobs.closeGoneTasksOf(dossier.processInstanceKey).catch(() => 0);
    return this.view(updated as Dossier, true);
  }

  /**
   * The signed result PDF (status 9 or 10; status 8: the signed form 05), for the applicant or an official of the
   * dossier's agencies.
   */
  async result(
    user: AuthenticatedUser,
    id: string,
  ): Promise<{ fileName: string; file: StoredFileStream; sha256: string }> {
    const dossier = await this.visible(user, id);
    if (!SIGNED_DOCUMENT_STATUSES.has(dossier.status) || !dossier.resultDocumentPath) {
      throw new DomainError('CONFLICT', 'Hồ sơ chưa có kết quả', 'The dossier has no result yet', {
        status: dossier.status,
      });
    }
    const file = await this.openStored(dossier.resultDocumentPath, 'kết quả', 'result document');
    return { fileName: `${dossier.code ?? dossier.id}.pdf`, file, sha256: dossier.resultDocumentSha256 ?? '' };
  }

  /** Opens an attachment of a dossier the user may see. */
  async attachment(
    user: AuthenticatedUser,
    id: string,
    attachmentId: string,
  ): Promise<{ attachment: Attachment; file: StoredFileStream }> {
    const dossier = await this.visible(user, id);
    const attachment = await this.dataSource
      .getRepository(Attachment)
      .findOne({ where: { id: attachmentId, dossierId: dossier.id } });
    if (!attachment) throw DomainError.notFound('tệp đính kèm', 'attachment');
    return { attachment, file: await this.openStored(attachment.storagePath, 'tệp đính kèm', 'attachment') };
  }

  /** A stored file for a download; 404 when its row outlived it in the store (any other store failure stays a 500). */
  private async openStored(path: string, whatVi: string, whatEn: string): Promise<StoredFileStream> {
    try {
      return await this.storage.open(path);
    } catch (error) {
      if (error instanceof StoredFileMissingError) {
        throw new DomainError(
          'NOT_FOUND',
          `Không tìm thấy nội dung ${whatVi} trong kho lưu trữ tệp`,
          `The ${whatEn}'s content is missing from the files store`,
        );
      }
      throw error;
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private bySubmitterKey(userId: string, idempotencyKey: string): Promise<Dossier | null> {
    return this.dataSource.getRepository(Dossier).findOne({ where: { submittedByUserId: userId, idempotencyKey } });
  }

  /**
   * Starts the instance of a freshly committed (or idempotently repeated) dossier and returns its view; 503 naming the
   * dossier when the engine did not start it (it is retried by the ProcessStarter).
   */
  private async afterStart(dossier: Dossier, user: AuthenticatedUser): Promise<DossierView> {
    if (!dossier.processInstanceKey && dossier.status === DossierStatus.New) {
      const started = this.starter.start(dossier.id);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from the engine within ${START_WAIT_MS} ms`)),
          START_WAIT_MS,
        );
      });
      try {
        await Promise.race([started, timeout]);
      } catch (error) {
        started.catch(() => undefined);
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          'Hồ sơ đã được lưu nhưng chưa chuyển xử lý được; hệ thống sẽ tự thử lại',
          'The dossier is saved but its processing could not start yet; it will be retried automatically',
          { dossierId: dossier.id, reason: String((error as Error)?.message ?? error).slice(0, 500) },
          { 'Retry-After': '30' },
        );
      } finally {
        clearTimeout(timer);
      }
    }
    const fresh = await this.dataSource.getRepository(Dossier).findOneOrFail({ where: { id: dossier.id } });
    return this.view(fresh, !this.isOfficialOf(user, fresh));
  }

  private async applicantOf(
    user: AuthenticatedUser,
    channel: DossierChannel,
    body: Record<string, unknown>,
    errors: FieldErrors,
  ): Promise<Applicant | undefined> {
    const fromForm = (body.form as { applicant?: unknown } | undefined)?.applicant;
    const given = body.applicant;
    if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
      errors.add('/applicant', 'Phải là một đối tượng JSON', 'Must be a JSON object');
      return undefined;
    }
    // The applicant given in the body, else the form's applicant; online, the account's contact fills the gaps.
    const profile =
      channel === 'online'
        ? await this.dataSource
            .getRepository(User)
            .findOne({ where: { id: user.id }, select: { id: true, fullName: true, phone: true, email: true } })
        : null;
    const chosen = given ?? (fromForm && typeof fromForm === 'object' && !Array.isArray(fromForm) ? fromForm : {});
    const merged: Record<string, unknown> = {
      ...(profile
        ? { name: profile.fullName, phone: profile.phone ?? undefined, email: profile.email ?? undefined }
        : {}),
      ...pick(chosen as Record<string, unknown>),
    };
    if (channel === 'counter' && !given && !fromForm) {
      errors.add('/applicant', 'Bắt buộc khi nhận hồ sơ tại quầy', 'Required for a counter intake');
      return undefined;
    }
    return validateApplicant(merged, errors, given ? '/applicant' : fromForm ? '/form/applicant' : '/applicant');
  }

  /**
   * The agencies of a dossier: the receiving agency (the online applicant's chosen commune or the desk officer's
   * agency), the competent agency (the service's competentAgencyRole for that place; where no agency holds the role,
   * a commune-level service falls back to the receiving commune, which the role's office belongs to) and the codes of
   * participating agencies the server fills in.
   */
  private async route(
    version: DossierServiceVersion,
    channel: DossierChannel,
    placeCode: string | null | undefined,
    errors: FieldErrors,
  ): Promise<{ receiving: Agency; competent: Agency; variables: Record<string, unknown> } | undefined> {
    const today = todayInVietnam();
    let receiving: Agency | null = null;
    if (placeCode) {
      receiving = await this.agencies.findByCode(placeCode);
    } else if (channel === 'online') {
      const candidates = (await this.agencies.effectiveAt(today)).filter(
        (agency) => agency.role === version.metadata.competentAgencyRole,
      );
      if (candidates.length === 1) receiving = candidates[0]!;
      else {
        errors.add(
          '/receivingAgencyCode',
          'Bắt buộc: mã cơ quan (xã, phường) nơi nộp hồ sơ',
          'Required: the code of the agency (commune, ward) the dossier is submitted to',
        );
        return undefined;
      }
    }
    if (!receiving) {
      errors.add(
        channel === 'online' ? '/receivingAgencyCode' : '',
        channel === 'online' ? `Không có cơ quan mã '${placeCode}'` : 'Cán bộ chưa thuộc cơ quan nào',
        channel === 'online' ? `No agency with the code '${placeCode}'` : 'The officer belongs to no agency',
      );
      return undefined;
    }
    const competent =
      (await this.agencies.resolveByRole(version.metadata.competentAgencyRole, receiving.code, today)) ??
      (version.metadata.level === receiving.level ? receiving : null);
    if (!competent) {
      errors.add(
        channel === 'online' ? '/receivingAgencyCode' : '',
        `Không có cơ quan có thẩm quyền giải quyết thủ tục này tại ${receiving.nameVi}`,
        `No agency competent for this service at ${receiving.nameEn}`,
      );
      return undefined;
    }
    const variables: Record<string, unknown> = {};
    for (const participant of version.metadata.participatingAgencies) {
      if (participant.filledBy !== 'server' || !participant.agencyRole) continue;
      const agency = await this.agencies.resolveByRole(participant.agencyRole, receiving.code, today);
      if (!agency) {
        errors.add(
          channel === 'online' ? '/receivingAgencyCode' : '',
          `Không có ${participant.names.vi} phục vụ ${receiving.nameVi}`,
          `No ${participant.names.en} serves ${receiving.nameEn}`,
        );
        continue;
      }
      variables[participant.variable] = participant.many ? [agency.code] : agency.code;
    }
    return { receiving, competent, variables };
  }

  /** Checks the uploaded files (413 when too large, 415 when not really PDF/JPEG/PNG or not accepted for its document). */
  private checkFiles(
    files: UploadedFile[],
    version: DossierServiceVersion,
  ): (UploadedFile & { mediaType: ReturnType<typeof detectMediaType> & object; documentCode: string | null })[] {
    if (files.length > MAX_FILES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `Tối đa ${MAX_FILES} tệp`, `At most ${MAX_FILES} files`);
    }
    const tooLarge = files.filter(
      (file) => file.size > this.config.uploads.maxBytes || file.buffer.length > this.config.uploads.maxBytes,
    );
    if (tooLarge.length > 0) {
      throw new DomainError(
        'PAYLOAD_TOO_LARGE',
        `Tệp vượt quá ${this.config.uploads.maxBytes} byte`,
        `File larger than ${this.config.uploads.maxBytes} bytes`,
        { errors: tooLarge.map((file) => ({ field: file.fieldname, message: file.originalname })) },
      );
    }
    const problems: FieldError[] = [];
    const documents = new Map(version.metadata.requiredDocuments.map((document) => [document.code, document]));
    const checked = files.map((file) => {
      const detected = detectMediaType(file.buffer);
      const document = documents.get(file.fieldname);
      if (!detected) {
        problems.push({
          field: file.fieldname,
          message: `"${file.originalname}": chỉ nhận tệp PDF, JPEG hoặc PNG / only PDF, JPEG or PNG files are accepted`,
        });
      } else if (document && !document.acceptedTypes.includes(detected.short)) {
        problems.push({
          field: file.fieldname,
          message: `"${file.originalname}": giấy tờ này nhận ${document.acceptedTypes.join(', ')} / this document accepts ${document.acceptedTypes.join(', ')}`,
        });
      }
      return { ...file, mediaType: detected!, documentCode: document ? file.fieldname : null };
    });
    if (problems.length > 0) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Loại tệp không được chấp nhận', 'File type not accepted', {
        errors: problems,
      });
    }
    return checked;
  }

  private async storeFiles(
    dossierId: string,
    files: ReturnType<DossiersService['checkFiles']>,
    kind: AttachmentKind,
    userId: string,
  ): Promise<Omit<Attachment, 'dossierId' | 'createdAt'>[]> {
    const stored: Omit<Attachment, 'dossierId' | 'createdAt'>[] = [];
    try {
      for (const file of files) {
        const id = randomUUID();
        const written = await this.storage.write(`dossiers/${dossierId}/${id}`, file.buffer);
        stored.push({
          id,
          kind,
          documentCode: file.documentCode,
          fileName: sanitiseFileName(file.originalname, file.mediaType.mediaType),
          mediaType: file.mediaType.mediaType,
          size: written.size,
          sha256: written.sha256,
          storagePath: written.path,
          uploadedByUserId: userId,
        });
      }
    } catch (error) {
      await Promise.all(stored.map((file) => this.storage.remove(file.storagePath)));
      throw error;
    }
    return stored;
  }

  private async publishSupplement(dossier: Dossier): Promise<void> {
    try {
      await this.zeebe.publishMessage({
        name: 'dossier-supplemented',
        correlationKey: dossier.code!,
        // processes/README.md, "Supplement": the id deduplicates a repeated answer; the time to live covers the moment
        // between the request worker writing status 5 and the engine opening the message subscription.
        messageId: `${dossier.code}:supplement:${dossier.supplementCount}`,
        timeToLive: 10 * 60_000,
        variables: { form: dossier.formData } as never,
      });
    } catch (error) {
      if ((error as { code?: number })?.code === 6) return; // ALREADY_EXISTS: published before
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Đã lưu nội dung bổ sung nhưng chưa chuyển được; vui lòng gửi lại',
        'The supplement is saved but could not be passed on; please send it again',
        { dossierId: dossier.id },
        { 'Retry-After': '30' },
      );
    }
  }

  private async cancelInstance(processInstanceKey: string): Promise<void> {
    try {
      await this.zeebe.cancelProcessInstance(processInstanceKey);
    } catch (error) {
      if ((error as { code?: number })?.code === 5) return; // NOT_FOUND: the instance ended already
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Chưa dừng được quy trình xử lý hồ sơ; vui lòng thử lại',
        'The dossier’s processing could not be stopped; please try again',
        undefined,
        { 'Retry-After': '30' },
      );
    }
  }

  private isOwner(user: AuthenticatedUser, dossier: Dossier): boolean {
    return dossier.applicantUserId === user.id;
  }

  private isOfficialOf(user: AuthenticatedUser, dossier: Dossier): boolean {
    if (user.roles.length === 1 && user.roles[0] === 'citizen') return false;
    return canSeeAgency(user, dossier.agencyId) || canSeeAgency(user, dossier.receivingAgencyId);
  }

  /** The dossier if the user may see it; the same 404 whether it is missing or someone else's. */
  private async visible(user: AuthenticatedUser, id: string): Promise<Dossier> {
    const dossier = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(Dossier).findOne({ where: { id } })
      : null;
    if (!dossier || !(this.isOwner(user, dossier) || this.isOfficialOf(user, dossier))) throw notFound();
    return dossier;
  }

  private events(dossierId: string, publicOnly: boolean): Promise<DossierEvent[]> {
    return this.dataSource.getRepository(DossierEvent).find({
      where: publicOnly ? { dossierId, isPublic: true } : { dossierId },
      order: { seq: 'ASC' },
    });
  }

  private async serviceNames(dossiers: Dossier[]): Promise<Map<string, { vi: string; en: string }>> {
    const names = new Map<string, { vi: string; en: string }>();
    for (const id of new Set(dossiers.map((dossier) => dossier.serviceVersionId))) {
      const version = await this.catalogue.versionById(id);
      if (version) names.set(id, version.metadata.names);
    }
    return names;
  }

  private async view(dossier: Dossier, citizenView: boolean): Promise<DossierView> {
    const [names, attachments, events, agencies, pauses] = await Promise.all([
      this.serviceNames([dossier]),
      // Files stored in one request share createdAt (to the millisecond): break ties deterministically.
      this.dataSource.getRepository(Attachment).find({
        where: { dossierId: dossier.id },
        order: { createdAt: 'ASC', documentCode: 'ASC', fileName: 'ASC' },
      }),
      this.events(dossier.id, citizenView),
      this.dataSource.getRepository(Agency).find({ where: { id: In([dossier.agencyId, dossier.receivingAgencyId]) } }),
      this.dataSource
        .getRepository(DossierPause)
        .find({ where: { dossierId: dossier.id }, order: { pausedAt: 'ASC' } }),
    ]);
    const agency = (id: string): { code: string; name: string } | null => {
      const found = agencies.find((candidate) => candidate.id === id);
      return found ? { code: found.code, name: found.nameVi } : null;
    };
    return {
      ...summaryOf(dossier, names),
      applicant: dossier.applicant,
      form: dossier.formData,
      agency: agency(dossier.agencyId),
      receivingAgency: agency(dossier.receivingAgencyId),
      receivedAt: dossier.receivedAt,
      finishedAt: dossier.finishedAt,
      returnedAt: dossier.returnedAt,
      withdrawnAt: dossier.withdrawnAt,
      processStarted: dossier.processInstanceKey !== null,
      ...(citizenView ? {} : { processInstanceKey: dossier.processInstanceKey }),
      supplementState: dossier.supplementState,
      pauses: pauses.map((pause) => ({ from: pause.pausedAt, to: pause.resumedAt })),
      resultAvailable: SIGNED_DOCUMENT_STATUSES.has(dossier.status) && dossier.resultDocumentPath !== null,
      attachments: attachments
        .filter(
          (attachment) => attachment.kind !== 'result' || !citizenView || SIGNED_DOCUMENT_STATUSES.has(dossier.status),
        )
        .map((attachment) => ({
          id: attachment.id,
          kind: attachment.kind,
          documentCode: attachment.documentCode,
          fileName: attachment.fileName,
          mediaType: attachment.mediaType,
          size: attachment.size,
          sha256: attachment.sha256,
          createdAt: attachment.createdAt,
        })),
      history: events.map((event) => eventView(event, !citizenView)),
    };
  }
}

/** What a list shows of a dossier (and what its whole view starts with). */
function summaryOf(dossier: Dossier, names: Map<string, { vi: string; en: string }>): DossierSummary {
  return {
    id: dossier.id,
    code: dossier.code,
    serviceCode: dossier.serviceCode,
    serviceName: names.get(dossier.serviceVersionId) ?? null,
    channel: dossier.channel,
    status: dossier.status,
    statusName: DOSSIER_STATUS_NAMES[dossier.status],
    submittedAt: dossier.submittedAt,
    dueAt: dossier.dueAt,
    overdue: dossier.overdue,
  };
}

function eventView(event: DossierEvent, withActor: boolean): DossierEventView {
  return {
    type: event.type,
    status: event.status,
    at: event.at,
    message: `${event.messageVi} / ${event.messageEn}`,
    messageVi: event.messageVi,
    messageEn: event.messageEn,
    ...(withActor ? { actor: { type: event.actorType, name: event.actorName } } : {}),
  };
}

/** A JSON body, or a multipart body whose `form` and `applicant` fields hold JSON text. */
function parseBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw DomainError.validation([
      { field: '', message: 'Nội dung yêu cầu phải là một đối tượng JSON / The request body must be a JSON object' },
    ]);
  }
  const parsed: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  const problems: FieldError[] = [];
  for (const field of ['form', 'applicant']) {
    const value = parsed[field];
    if (typeof value !== 'string') continue;
    try {
      parsed[field] = JSON.parse(value);
    } catch {
      problems.push({ field: `/${field}`, message: 'Không phải JSON hợp lệ / Not valid JSON' });
    }
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  return parsed;
}

function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function pick(source: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of ['name', 'phone', 'email', 'idNumber']) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function validateApplicant(raw: Record<string, unknown>, errors: FieldErrors, at: string): Applicant | undefined {
  const before = errors.errors.length;
  const text = (key: string): string | undefined =>
    typeof raw[key] === 'string' && (raw[key] as string).trim() !== '' ? (raw[key] as string).trim() : undefined;
  for (const key of ['name', 'phone', 'email', 'idNumber']) {
    if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== 'string') {
      errors.add(`${at}/${key}`, 'Phải là chuỗi ký tự', 'Must be a string');
    }
  }
  const name = text('name');
  if (!name) errors.add(`${at}/name`, 'Bắt buộc', 'Required');
  else if ([...name].length > 255) errors.add(`${at}/name`, 'Tối đa 255 ký tự', 'At most 255 characters');
  const phone = text('phone');
  if (phone && !/^\+?[0-9][0-9 .-]{6,18}[0-9]$/.test(phone)) {
    errors.add(`${at}/phone`, 'Số điện thoại không hợp lệ', 'Not a valid phone number');
  }
  const email = text('email');
  if (email && (!isEmail(email) || email.length > 254)) {
    errors.add(`${at}/email`, 'Thư điện tử không hợp lệ', 'Not a valid e-mail address');
  }
  const idNumber = text('idNumber');
  if (idNumber && !/^[0-9A-Za-z]{6,20}$/.test(idNumber)) {
    errors.add(`${at}/idNumber`, 'Số định danh không hợp lệ', 'Not a valid identification number');
  }
  if (errors.errors.length > before) return undefined;
  return { name: name!, ...(phone ? { phone } : {}), ...(email ? { email } : {}), ...(idNumber ? { idNumber } : {}) };
}

/** The form after a supplement: objects merged field by field, anything else replaced. */
export function mergeForm(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const previous = merged[key];
    merged[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      previous &&
      typeof previous === 'object' &&
      !Array.isArray(previous)
        ? mergeForm(previous as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return merged;
}
