import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { createHash, randomUUID } from 'node:crypto';
import type { WorkingCalendar } from '@motcua/calendar';
import { Agency } from '../agencies/agency.entity.ts';
import type { LegalDuration } from '../catalogue/bundle.ts';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { insertRows } from '../database/insert.ts';
import { inTransaction } from '../database/transaction.ts';
import { enqueueNotifications } from '../notifications/notification-outbox.ts';
import type { NotificationDraft } from '../notifications/notification-outbox.ts';
import { UsersService } from '../users/users.service.ts';
import { Attachment } from './attachment.entity.ts';
import { CalendarSource } from './calendar-source.ts';
import { DossierCatalogue } from './dossier-catalogue.ts';
import type { DossierServiceVersion } from './dossier-catalogue.ts';
import { isoInVietnam, nextSequenceNumber, vietnameseDay } from './dossier-code.ts';
import { formatDossierCode } from './dossier-code-pattern.ts';
import { appendDossierEvent, findStepEvent } from './dossier-history.ts';
import { lockDossier } from './dossier-lock.ts';
import {
  acceptedMessage,
  codeIssuedMessage,
  financialObligationMessage,
  formatDateEn,
  formatDateViLong,
  overdueMessage,
  refusedMessage,
  returnedMessage,
  stoppedMessage,
  supplementRequestedMessage,
} from './dossier-messages.ts';
import type { MessageText } from './dossier-messages.ts';
import { DossierPause } from './dossier-pause.entity.ts';
import { DossierStatus, FINAL_STATUSES } from './dossier-status.ts';
import { Dossier } from './dossier.entity.ts';
import { partialEntity } from './partial-entity.ts';
import { AttachmentStorage } from './attachment-storage.ts';

/** A dedupe key that fits its column (120 characters): long keys end in a hash of themselves. */
export function stepKey(key: string): string {
  return key.length <= 120 ? key : `${key.slice(0, 55)}#${createHash('sha256').update(key).digest('hex')}`;
}

/** motcua.sign is idempotent per (dossierId, element id): the result and the refusal are different elements. */
export function signStepKey(dossierId: string, elementId: string): string {
  return stepKey(`motcua.sign:${dossierId}:${elementId}`);
}

/**
 * The fee printed on form 01: the diagram's computed `fee` variable, or the sum of the static amounts of the
 * dossier's channel; none for a fee-free service.
 */
export function feeOf(
  version: DossierServiceVersion,
  channel: Dossier['channel'],
  computed?: number,
): number | undefined {
  const fees = version.metadata.fees;
  switch (fees.kind) {
    case 'computed':
      return typeof computed === 'number' && Number.isFinite(computed) ? computed : undefined;
    case 'static':
      return fees.items
        .filter((item) => !item.channels || item.channels.includes(channel))
        .reduce((sum, item) => sum + item.amountVnd, 0);
    case 'none':
      return undefined;
  }
}

/** A step that cannot run: the job fails with this message (a technical fault, retried, then an incident). */
export class DossierStepError extends Error {}

export type StepOutputs = Record<string, unknown>;

/** A file the sign step made, ready to be stored as the dossier's result. */
export interface SignedResult {
  pdf: Uint8Array;
  template: string;
  documentNumber: string;
  signedAt: Date;
  /** `stop-notice`: form 05, signed before motcua.stop, which sets status 8 (this step leaves the status). */
  kind?: 'result' | 'stop-notice';
}

/**
 * The workers' side of a dossier's life (issue 3, item 8): each step changes the dossier, appends its history and
 * writes its notifications in ONE transaction, and happens once per job however often the job is delivered: a step
 * leaves an event keyed `<job type>:<job key>` whose data holds the step's outputs, and a repeated delivery completes
 * the job again with those same outputs.
 */
@Injectable()
export class DossierLifecycleService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
    @Inject(CalendarSource) private readonly calendars: CalendarSource,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AttachmentStorage) private readonly storage: AttachmentStorage,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  /**
   * motcua.intake: issues the dossier code `<receiving agency code>-<YYMMDD>-<NNNN>` (date of entry, Vietnamese
   * date) from the agency's daily sequence, in the same transaction that stores it, so codes have no gaps and no
   * duplicates under concurrent intake. Idempotent per dossier: a dossier that has a code keeps it. The first process
   * instance that reaches intake owns the dossier; `cancel` tells the caller to cancel this instance: another one
   * already owns the dossier (a start retried after a lost answer), or the dossier was withdrawn meanwhile.
   */
  async issueCode(
    dossierId: string,
    processInstanceKey: string,
    now = new Date(),
  ): Promise<{ dossierCode: string } | { cancel: 'duplicate' | 'withdrawn' }> {
    const version = await this.versionOfDossier(dossierId);
    return inTransaction(this.dataSource, async (manager) => {
      const dossier = await this.lockExisting(manager, dossierId);
      if (dossier.processInstanceKey && dossier.processInstanceKey !== processInstanceKey)
        return { cancel: 'duplicate' };
      if (dossier.status === DossierStatus.Withdrawn) return { cancel: 'withdrawn' };
      if (!dossier.processInstanceKey) {
        await manager
          .getRepository(Dossier)
          .update({ id: dossier.id }, { processInstanceKey, processStartError: null });
      }
      if (dossier.code) return { dossierCode: dossier.code };
      const agency = await manager.getRepository(Agency).findOne({ where: { id: dossier.receivingAgencyId } });
      if (!agency)
        throw new DossierStepError(`receiving agency ${dossier.receivingAgencyId} of dossier ${dossier.id} not found`);
      const day = vietnameseDay(dossier.submittedAt);
      const number = await nextSequenceNumber(manager, agency.code, day);
      const code = formatDossierCode(this.config.dossierCodePattern, agency.code, dossier.submittedAt, number);
      await manager.getRepository(Dossier).update({ id: dossier.id }, { code });
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'code-issued',
        status: dossier.status,
        isPublic: true,
        messageVi: `Hồ sơ vào hệ thống, mã hồ sơ ${code}`,
        messageEn: `The dossier entered the system with the code ${code}`,
        data: { code, outputs: { dossierCode: code } },
        dedupeKey: `motcua.intake:${dossier.id}`,
        at: now,
      });
      await this.notifyApplicant(manager, { ...dossier, code }, version, 'motcua.intake', (ref) =>
        codeIssuedMessage(ref, `${this.config.publicBaseUrl}/tra-cuu?ma=${encodeURIComponent(code)}`),
      );
      return { dossierCode: code };
    });
  }

  /** motcua.accept: status 2, the legal clock starts, due date(s) on the working-day calendar, form 01 notice. */
  async accept(dossierId: string, computedFee?: number, now = new Date()): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const calendar = await this.calendars.calendar();
    const key = `motcua.accept:${dossierId}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const receivedAt = dossier.receivedAt ?? now;
      const pauses = await this.pausesOf(manager, dossier.id);
      const { dueAt, outputs } = this.deadlines(calendar, version, dossier, receivedAt, pauses, now);
      const changes: Partial<Dossier> = { receivedAt, dueAt };
      if (!FINAL_STATUSES.has(dossier.status)) changes.status = DossierStatus.Received;
      await manager.getRepository(Dossier).update({ id: dossier.id }, partialEntity<Dossier>(changes));
      const result = { receivedAt: isoInVietnam(receivedAt), ...outputs };
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'accepted',
        status: changes.status ?? dossier.status,
        isPublic: true,
        messageVi: `Hồ sơ đã được tiếp nhận; hẹn trả kết quả ${formatDateViLong(dueAt)}`,
        messageEn: `The dossier was accepted; the result is due by ${formatDateEn(dueAt)}`,
        data: { outputs: result },
        dedupeKey: key,
        at: now,
      });
      const fee = feeOf(version, dossier.channel, computedFee);
      await this.notifyApplicant(manager, dossier, version, key, (ref) => acceptedMessage(ref, receivedAt, dueAt, fee));
      return result;
    });
  }

  /**
   * motcua.supplement-request: status 5 with a written request (form 02, the `supplementNote` the official wrote);
   * after acceptance the legal clock pauses (an open DossierPause) until the citizen supplements.
   */
  async requestSupplement(
    dossierId: string,
    elementInstanceKey: string,
    note: string,
    now = new Date(),
  ): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const key = `motcua.supplement-request:${dossierId}:${elementInstanceKey}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { supplementRequestedAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      const pauses = manager.getRepository(DossierPause);
      const open = await pauses.findOne({ where: { dossierId: dossier.id, resumedAt: IsNull() } });
      const pausesClock = dossier.receivedAt !== null && !open;
      if (pausesClock) {
        await pauses.insert({
          id: randomUUID(),
          dossierId: dossier.id,
          pausedAt: now,
          resumedAt: null,
          reason: note.slice(0, 1000),
        });
      }
      await manager.getRepository(Dossier).update(
        { id: dossier.id },
        {
          status: DossierStatus.SupplementRequested,
          supplementState: 'requested',
          supplementCount: dossier.supplementCount + 1,
        },
      );
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'supplement-requested',
        status: DossierStatus.SupplementRequested,
        isPublic: true,
        messageVi: `Yêu cầu bổ sung, hoàn thiện hồ sơ: ${note}`,
        messageEn: `Supplement requested: ${note}`,
        data: { note, previousStatus: dossier.status, clockPaused: pausesClock, outputs },
        dedupeKey: key,
        at: now,
      });
      await this.notifyApplicant(manager, dossier, version, key, (ref) => supplementRequestedMessage(ref, note));
      return outputs;
    });
  }

  /**
   * motcua.supplement-received: the citizen supplemented (the message correlated). Closes the pause, moves the due
   * date by the paused working time, and puts the status back to what it was before the request (1 before
   * acceptance, 2 or 4 after). Outputs the new `dueDate` (and `dueDates`) so the SLA timer follows when the process
   * re-enters the timed scope.
   */
  async recordSupplement(dossierId: string, elementInstanceKey: string, now = new Date()): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const calendar = await this.calendars.calendar();
    const key = `motcua.supplement-received:${dossierId}:${elementInstanceKey}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const pausesRepository = manager.getRepository(DossierPause);
      const open = await pausesRepository.find({ where: { dossierId: dossier.id, resumedAt: IsNull() } });
      for (const pause of open) await pausesRepository.update({ id: pause.id }, { resumedAt: now });
      // The contract (processes/README.md, Statuses): back to 4 once accepted, else 1 (still at the desk).
      const restored = dossier.receivedAt ? DossierStatus.Processing : DossierStatus.New;
      const changes: Partial<Dossier> = { supplementState: null };
      if (!FINAL_STATUSES.has(dossier.status)) changes.status = restored;
      let outputs: StepOutputs = { supplementedAt: isoInVietnam(now) };
      if (dossier.receivedAt) {
        const pauses = await this.pausesOf(manager, dossier.id);
        const deadlines = this.deadlines(calendar, version, dossier, dossier.receivedAt, pauses, now);
        changes.dueAt = deadlines.dueAt;
        outputs = { ...outputs, ...deadlines.outputs };
      }
      await manager.getRepository(Dossier).update({ id: dossier.id }, partialEntity<Dossier>(changes));
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'supplement-received',
        status: changes.status ?? dossier.status,
        isPublic: true,
        messageVi: changes.dueAt
          ? `Đã nhận hồ sơ bổ sung; hạn giải quyết mới ${formatDateViLong(changes.dueAt)}`
          : 'Đã nhận hồ sơ bổ sung',
        messageEn: changes.dueAt
          ? `Supplement received; the result is now due by ${formatDateEn(changes.dueAt)}`
          : 'Supplement received',
        data: { outputs },
        dedupeKey: key,
        at: now,
      });
      return outputs;
    });
  }

  /** motcua.refuse: status 3 (form 03), the dossier ends; the citizen is told why. */
  async refuse(dossierId: string, reason: string, now = new Date()): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const key = `motcua.refuse:${dossierId}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { refusedAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      await manager
        .getRepository(Dossier)
        .update({ id: dossier.id }, { status: DossierStatus.NotReceived, finishedAt: now, supplementState: null });
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'refused',
        status: DossierStatus.NotReceived,
        isPublic: true,
        messageVi: `Từ chối tiếp nhận hồ sơ. Lý do: ${reason}`,
        messageEn: `The dossier was not accepted. Reason: ${reason}`,
        data: { reason, outputs },
        dedupeKey: key,
        at: now,
      });
      await this.notifyApplicant(manager, dossier, version, key, (ref) => refusedMessage(ref, reason));
      return outputs;
    });
  }

  /**
   * motcua.financial-obligation: status 6, the applicant must pay before the processing goes on; the citizen is told
   * the amount (the diagram's `financialObligationAmount`, else the fee of form 01: the computed `fee` or the
   * service's static fees of the dossier's channel) and how to pay. The legal clock keeps running: DOMAIN.md pauses it
   * only for a supplement (processes/README.md, "Financial obligation").
   */
  async requireFinancialObligation(
    dossierId: string,
    elementInstanceKey: string,
    amount: { obligation?: number; computedFee?: number },
    now = new Date(),
  ): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const key = stepKey(`motcua.financial-obligation:${dossierId}:${elementInstanceKey}`);
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { financialObligationAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      const explicit = amount.obligation;
      const amountVnd =
        typeof explicit === 'number' && Number.isFinite(explicit) && explicit >= 0
          ? explicit
          : feeOf(version, dossier.channel, amount.computedFee);
      const fees = version.metadata.fees;
      const items =
        explicit === undefined && fees.kind === 'static'
          ? fees.items.filter((item) => !item.channels || item.channels.includes(dossier.channel))
          : [];
      const itemNames =
        items.length > 0
          ? {
              vi: items.map((item) => item.names.vi).join('; '),
              en: items.map((item) => item.names.en).join('; '),
            }
          : undefined;
      await manager.getRepository(Dossier).update({ id: dossier.id }, { status: DossierStatus.FinancialObligation });
      const shown =
        amountVnd === undefined
          ? { vi: '', en: '' }
          : { vi: `: ${amountVnd.toLocaleString('vi-VN')} đồng`, en: `: ${amountVnd.toLocaleString('en-GB')} VND` };
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'financial-obligation',
        status: DossierStatus.FinancialObligation,
        isPublic: true,
        messageVi: `Chờ người nộp thực hiện nghĩa vụ tài chính${shown.vi}`,
        messageEn: `Waiting for the applicant's payment${shown.en}`,
        data: { amountVnd: amountVnd ?? null, previousStatus: dossier.status, outputs },
        dedupeKey: key,
        at: now,
      });
      await this.notifyApplicant(manager, dossier, version, key, (ref) =>
        financialObligationMessage(ref, amountVnd, itemNames),
      );
      return outputs;
    });
  }

  /**
   * motcua.financial-obligation-met: the payment was recorded (the `dossier-fee-paid` message correlated); status
   * back to 4, with the receipt number in the history when the message carried one.
   */
  async recordFinancialObligationMet(
    dossierId: string,
    elementInstanceKey: string,
    receiptNumber: string | undefined,
    now = new Date(),
  ): Promise<StepOutputs> {
    const key = stepKey(`motcua.financial-obligation-met:${dossierId}:${elementInstanceKey}`);
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { financialObligationMetAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      await manager.getRepository(Dossier).update({ id: dossier.id }, { status: DossierStatus.Processing });
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'financial-obligation-met',
        status: DossierStatus.Processing,
        isPublic: true,
        messageVi: receiptNumber
          ? `Đã thực hiện nghĩa vụ tài chính (biên lai số ${receiptNumber}); hồ sơ tiếp tục được giải quyết`
          : 'Đã thực hiện nghĩa vụ tài chính; hồ sơ tiếp tục được giải quyết',
        messageEn: receiptNumber
          ? `Payment recorded (receipt no. ${receiptNumber}); processing resumes`
          : 'Payment recorded; processing resumes',
        data: { receiptNumber: receiptNumber ?? null, outputs },
        dedupeKey: key,
        at: now,
      });
      return outputs;
    });
  }

  /**
   * motcua.stop: status 8 (form 05), the dossier ends; the citizen is told why, with the link to the signed notice when
   * the diagram signed one before (motcua.sign with the template `stop-notice`).
   */
  async stop(dossierId: string, reason: string, now = new Date()): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const key = `motcua.stop:${dossierId}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { stoppedAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      const pauses = manager.getRepository(DossierPause);
      for (const pause of await pauses.find({ where: { dossierId: dossier.id, resumedAt: IsNull() } }))
        await pauses.update({ id: pause.id }, { resumedAt: now });
      await manager
        .getRepository(Dossier)
        .update({ id: dossier.id }, { status: DossierStatus.Stopped, finishedAt: now, supplementState: null });
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'stopped',
        status: DossierStatus.Stopped,
        isPublic: true,
        messageVi: `Dừng giải quyết hồ sơ. Lý do: ${reason}`,
        messageEn: `Processing of the dossier was stopped. Reason: ${reason}`,
        data: { reason, noticeDocumentId: dossier.resultDocumentId, previousStatus: dossier.status, outputs },
        dedupeKey: key,
        at: now,
      });
      const noticeUrl = dossier.resultDocumentId
        ? `${this.config.publicBaseUrl}/api/dossiers/${dossier.id}/result`
        : undefined;
      await this.notifyApplicant(manager, dossier, version, key, (ref) => stoppedMessage(ref, reason, noticeUrl));
      return outputs;
    });
  }

  /**
   * motcua.overdue: flags the dossier overdue in its history and timeline and notifies the leaders (group
   * `leader@<agency code>`) of the agency whose deadline passed: the competent agency, or for one branch of an
   * interconnected procedure the agency of that branch.
   */
  async flagOverdue(
    dossierId: string,
    agencyCode: string,
    agencyRole: string | undefined,
    firedFor: string,
    now = new Date(),
  ): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const leaders = (await this.users.membersOfGroup(`leader@${agencyCode}`)).filter((user) => user.email);
    const key = stepKey(`motcua.overdue:${dossierId}:${agencyRole ?? ''}:${agencyCode}:${firedFor}`);
    return this.step(dossierId, key, async (manager, dossier) => {
      await manager.getRepository(Dossier).update({ id: dossier.id }, { overdue: true });
      const branch = agencyRole
        ? version.metadata.participatingAgencies.find((agency) => agency.role === agencyRole)
        : undefined;
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'overdue',
        status: null,
        isPublic: true,
        messageVi: branch ? `Hồ sơ quá hạn giải quyết tại ${branch.names.vi}` : 'Hồ sơ quá hạn giải quyết',
        messageEn: branch ? `The dossier is overdue at ${branch.names.en}` : 'The dossier is overdue',
        data: {
          agencyCode,
          agencyRole: agencyRole ?? null,
          dueDate: firedFor,
          notified: leaders.map((user) => user.username),
          outputs: {},
        },
        dedupeKey: key,
        at: now,
      });
      const ref = this.reference(dossier, version);
      await enqueueNotifications(
        manager,
        leaders.map((leader): NotificationDraft => ({
          dossierId: dossier.id,
          recipient: leader.email,
          ...overdueMessage(ref, leader.fullName, dossier.dueAt),
          dedupeKey: stepKey(`${key}:${leader.id}`),
        })),
      );
      return {};
    });
  }

  /** The outputs of a step that already ran for this job, if it did (checked before expensive work). */
  async completedStep(dedupeKey: string): Promise<StepOutputs | undefined> {
    const event = await findStepEvent(this.dataSource.manager, dedupeKey);
    return event ? ((event.data?.outputs as StepOutputs | undefined) ?? {}) : undefined;
  }

  /**
   * The number of a result document, `<n>/<symbol>` from the issuing agency's yearly sequence (the same gapless
   * counter table as dossier codes, under the key `Y<year>`). Idempotent per dossier and template, so a retried
   * signing prints the same number.
   */
  async documentNumber(dossierId: string, template: string, symbol: string, now = new Date()): Promise<string> {
    return inTransaction(this.dataSource, async (manager) => {
      const dossier = await this.lockExisting(manager, dossierId);
      const dedupeKey = `document-number:${dossier.id}:${template}`.slice(0, 120);
      const existing = await findStepEvent(manager, dedupeKey);
      if (existing) return String(existing.data?.documentNumber);
      const agency = await manager.getRepository(Agency).findOne({ where: { id: dossier.agencyId } });
      const year = isoInVietnam(now).slice(0, 4);
      const number = await nextSequenceNumber(manager, agency?.code ?? 'motcua', `Y${year}`);
      const documentNumber = `${number}/${symbol}`;
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'document-numbered',
        isPublic: false,
        messageVi: `Cấp số văn bản ${documentNumber}`,
        messageEn: `Document number ${documentNumber} issued`,
        data: { template, documentNumber },
        dedupeKey,
        at: now,
      });
      return documentNumber;
    });
  }

  /**
   * motcua.sign (storing half): keeps the signed PDF under the data dir, records it as the dossier's result
   * (an Attachment of kind 'result') and sets status 9. A repeated delivery keeps the first result.
   */
  async storeResult(dossierId: string, elementId: string, result: SignedResult): Promise<StepOutputs> {
    const dedupeKey = signStepKey(dossierId, elementId);
    const done = await this.completedStep(dedupeKey);
    if (done) return done;
    const attachmentId = randomUUID();
    const stored = await this.storage.write(`dossiers/${dossierId}/result-${attachmentId}.pdf`, result.pdf);
    let kept = false;
    try {
      const outputs = await this.step(dossierId, dedupeKey, async (manager, dossier) => {
        const outputs = { resultDocumentId: attachmentId, signedAt: isoInVietnam(result.signedAt) };
        await insertRows(manager, Attachment, {
          id: attachmentId,
          dossierId: dossier.id,
          kind: 'result',
          documentCode: result.template,
          fileName: `${dossier.code ?? dossier.id}.pdf`,
          mediaType: 'application/pdf',
          size: stored.size,
          sha256: stored.sha256,
          storagePath: stored.path,
          uploadedByUserId: null,
        });
        const changes: Partial<Dossier> = {
          resultDocumentId: attachmentId,
          resultDocumentPath: stored.path,
          resultDocumentSha256: stored.sha256,
        };
        const stopNotice = result.kind === 'stop-notice';
        if (!stopNotice) changes.finishedAt = dossier.finishedAt ?? result.signedAt;
        if (!FINAL_STATUSES.has(dossier.status) && !stopNotice) changes.status = DossierStatus.Done;
        await manager.getRepository(Dossier).update({ id: dossier.id }, partialEntity<Dossier>(changes));
        await appendDossierEvent(manager, {
          dossierId: dossier.id,
          type: stopNotice ? 'stop-notice-signed' : 'signed',
          status: changes.status ?? dossier.status,
          isPublic: true,
          messageVi: stopNotice
            ? `Đã ký số thông báo dừng giải quyết hồ sơ (văn bản số ${result.documentNumber})`
            : `Đã có kết quả giải quyết (văn bản số ${result.documentNumber}, đã ký số)`,
          messageEn: stopNotice
            ? `The notice of stopped processing was signed (document no. ${result.documentNumber})`
            : `The result is ready (document no. ${result.documentNumber}, digitally signed)`,
          data: { template: result.template, documentNumber: result.documentNumber, sha256: stored.sha256, outputs },
          dedupeKey,
          at: result.signedAt,
        });
        kept = true;
        return outputs;
      });
      return outputs;
    } finally {
      if (!kept) await this.storage.remove(stored.path);
    }
  }

  /** motcua.return: the result is downloadable, status 10, the citizen gets the link by e-mail. */
  async returnResult(dossierId: string, now = new Date()): Promise<StepOutputs> {
    const version = await this.versionOfDossier(dossierId);
    const key = `motcua.return:${dossierId}`;
    return this.step(dossierId, key, async (manager, dossier) => {
      const outputs = { returnedAt: isoInVietnam(now) };
      if (FINAL_STATUSES.has(dossier.status)) return outputs;
      await manager
        .getRepository(Dossier)
        .update(
          { id: dossier.id },
          { status: DossierStatus.Returned, returnedAt: now, finishedAt: dossier.finishedAt ?? now },
        );
      await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'returned',
        status: DossierStatus.Returned,
        isPublic: true,
        messageVi: 'Đã trả kết quả; kết quả điện tử có thể tải về',
        messageEn: 'The result was returned and can be downloaded',
        data: { outputs },
        dedupeKey: key,
        at: now,
      });
      await this.notifyApplicant(manager, dossier, version, key, (ref) =>
        returnedMessage(ref, `${this.config.publicBaseUrl}/api/dossiers/${dossier.id}/result`),
      );
      return outputs;
    });
  }

  /** The service version a dossier was submitted on. */
  async versionOfDossier(dossierId: string): Promise<DossierServiceVersion> {
    const dossier = await this.dataSource
      .getRepository(Dossier)
      .findOne({ where: { id: dossierId }, select: { id: true, serviceVersionId: true } });
    if (!dossier) throw new DossierStepError(`dossier ${dossierId} not found`);
    const version = await this.catalogue.versionById(dossier.serviceVersionId);
    if (!version)
      throw new DossierStepError(`service version ${dossier.serviceVersionId} of dossier ${dossierId} not found`);
    return version;
  }

  private step(
    dossierId: string,
    dedupeKey: string,
    work: (manager: EntityManager, dossier: Dossier) => Promise<StepOutputs>,
  ): Promise<StepOutputs> {
    return inTransaction(this.dataSource, async (manager) => {
      const dossier = await this.lockExisting(manager, dossierId);
      const done = await findStepEvent(manager, dedupeKey);
      if (done) return (done.data?.outputs as StepOutputs | undefined) ?? {};
      return work(manager, dossier);
    });
  }

  private async lockExisting(manager: EntityManager, dossierId: string): Promise<Dossier> {
    const dossier = await lockDossier(manager, dossierId);
    if (!dossier) throw new DossierStepError(`dossier ${dossierId} not found`);
    return dossier;
  }

  private async pausesOf(manager: EntityManager, dossierId: string): Promise<{ from: Date; to: Date }[]> {
    const pauses = await manager.getRepository(DossierPause).find({ where: { dossierId }, order: { pausedAt: 'ASC' } });
    return pauses.filter((pause) => pause.resumedAt).map((pause) => ({ from: pause.pausedAt, to: pause.resumedAt! }));
  }

  /**
   * The due date of the dossier's channel and, for each participating agency with its own legal time (cumulative from
   * acceptance), `dueDates.<role>`; every date ISO 8601 with +07:00, as BPMN timers and task due dates read them.
   */
  private deadlines(
    calendar: WorkingCalendar,
    version: DossierServiceVersion,
    dossier: Dossier,
    receivedAt: Date,
    pauses: { from: Date; to: Date }[],
    now: Date,
  ): { dueAt: Date; outputs: { dueDate: string; dueDates?: Record<string, string> } } {
    const durations = version.metadata.legalDuration;
    const duration: LegalDuration | undefined = durations[dossier.channel] ?? durations.online ?? durations.counter;
    if (!duration) throw new DossierStepError(`service ${version.serviceCode} has no legal duration`);
    const dueAt = calendar.dueDate({ receivedAt, duration, pauses, asOf: now });
    const dueDates: Record<string, string> = {};
    for (const agency of version.metadata.participatingAgencies) {
      if (agency.legalDuration) {
        dueDates[agency.role] = isoInVietnam(
          calendar.dueDate({ receivedAt, duration: agency.legalDuration, pauses, asOf: now }),
        );
      }
    }
    // `dueDates` only for services with per-agency durations (processes/README.md, motcua.accept).
    return {
      dueAt,
      outputs: { dueDate: isoInVietnam(dueAt), ...(Object.keys(dueDates).length > 0 ? { dueDates } : {}) },
    };
  }

  private reference(
    dossier: Dossier,
    version: DossierServiceVersion,
  ): { code: string; serviceName: { vi: string; en: string }; applicantName: string } {
    return {
      code: dossier.code ?? dossier.id,
      serviceName: version.metadata.names,
      applicantName: dossier.applicant.name,
    };
  }

  private async notifyApplicant(
    manager: EntityManager,
    dossier: Dossier,
    version: DossierServiceVersion,
    dedupeKey: string,
    text: (ref: ReturnType<DossierLifecycleService['reference']>) => MessageText,
  ): Promise<void> {
    await enqueueNotifications(manager, [
      {
        dossierId: dossier.id,
        recipient: dossier.applicant.email,
        ...text(this.reference(dossier, version)),
        dedupeKey,
      },
    ]);
  }
}
