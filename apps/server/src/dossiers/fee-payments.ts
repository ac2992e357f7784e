import { Body, Controller, HttpCode, Inject, Injectable, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.ts';
import { canSeeAgency } from '../auth/agency-scope.ts';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import { inTransaction } from '../database/transaction.ts';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { appendDossierEvent, findStepEvent } from './dossier-history.ts';
import { lockDossier } from './dossier-lock.ts';
import { DOSSIER_STATUS_NAMES, DossierStatus } from './dossier-status.ts';
import type { Dossier } from './dossier.entity.ts';

/** The message that ends a financial obligation (processes/README.md, "Financial obligation"). */
export const FEE_PAID_MESSAGE = 'dossier-fee-paid';

export interface FeePaymentView {
  dossierId: string;
  code: string;
  receiptNumber: string;
  amountVnd: number | null;
  recordedAt: string;
}

interface FeePaymentRequest {
  receiptNumber: string;
  amountVnd: number | null;
  note: string | null;
}

function parseRequest(body: unknown): FeePaymentRequest {
  const input = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors = new FieldErrors();
  const receipt = typeof input.receiptNumber === 'string' ? input.receiptNumber.trim() : '';
  if (receipt === '' || receipt.length > 64) {
    errors.add(
      'receiptNumber',
      'Cần số biên lai (tối đa 64 ký tự)',
      'A receipt number is required (at most 64 characters)',
    );
  }
  const amount = input.amountVnd;
  if (amount !== undefined && amount !== null && !(Number.isSafeInteger(amount) && (amount as number) >= 0)) {
    errors.add(
      'amountVnd',
      'Số tiền phải là số nguyên không âm (đồng)',
      'The amount must be a whole number of VND, 0 or more',
    );
  }
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > 1000)) {
    errors.add('note', 'Ghi chú là văn bản tối đa 1000 ký tự', 'The note is a text of at most 1000 characters');
  }
  errors.throwIfAny();
  return {
    receiptNumber: receipt,
    amountVnd: typeof amount === 'number' ? amount : null,
    note: typeof input.note === 'string' && input.note.trim() !== '' ? input.note.trim() : null,
  };
}

/**
 * A desk or specialist official records the applicant's payment of a financial obligation (status 6): the receipt goes
 * into the dossier's history and the audit log, then the `dossier-fee-paid` message (correlation key = dossier code)
 * lets the process go on (motcua.financial-obligation-met puts the status back to 4). Idempotent: recording the same
 * round again publishes the same message id again, which the engine keeps once.
 */
@Injectable()
export class FeePayments {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async record(user: AuthenticatedUser, id: string, body: unknown, ip?: string | null): Promise<FeePaymentView> {
    const request = parseRequest(body);
    const recorded = await inTransaction(this.dataSource, async (manager) => {
      const dossier = /^[0-9a-f-]{36}$/i.test(id) ? await lockDossier(manager, id) : null;
      if (!dossier || !this.isOfficialOf(user, dossier)) throw DomainError.notFound('hồ sơ', 'dossier', id);
      // One round per motcua.financial-obligation step: a later obligation of the same dossier is a new round.
      const round = await manager.getRepository(DossierEvent).count({
        where: { dossierId: dossier.id, type: 'financial-obligation' },
      });
      const dedupeKey = `fee-paid:${dossier.id}:${round}`;
      const earlier = await findStepEvent(manager, dedupeKey);
      if (earlier) return { dossier, round, event: earlier };
      if (dossier.status !== DossierStatus.FinancialObligation || !dossier.code) {
        throw new DomainError(
          'CONFLICT',
          `Hồ sơ không chờ thực hiện nghĩa vụ tài chính (trạng thái "${DOSSIER_STATUS_NAMES[dossier.status].vi}")`,
          `The dossier is not waiting for a payment (status "${DOSSIER_STATUS_NAMES[dossier.status].en}")`,
          { status: dossier.status },
        );
      }
      const event = await appendDossierEvent(manager, {
        dossierId: dossier.id,
        type: 'fee-paid-recorded',
        status: null,
        actor: { type: 'official', id: user.id, name: user.fullName },
        isPublic: false,
        messageVi: `Ghi nhận người nộp đã nộp tiền, biên lai số ${request.receiptNumber}`,
        messageEn: `Payment recorded, receipt no. ${request.receiptNumber}`,
        data: { ...request, round },
        dedupeKey,
      });
      await this.audit.record(
        {
          actor: user,
          action: 'dossier.fee-paid',
          entity: 'dossier',
          entityId: dossier.id,
          data: { ...request, round },
          ip: ip ?? null,
        },
        manager,
      );
      return { dossier, round, event };
    });
    const data = (recorded.event.data ?? {}) as Partial<FeePaymentRequest>;
    const receiptNumber = data.receiptNumber ?? request.receiptNumber;
    await this.publish(recorded.dossier.code!, recorded.round, receiptNumber, recorded.dossier.id);
    return {
      dossierId: recorded.dossier.id,
      code: recorded.dossier.code!,
      receiptNumber,
      amountVnd: data.amountVnd ?? null,
      recordedAt: new Date(recorded.event.at).toISOString(),
    };
  }

  private async publish(code: string, round: number, receiptNumber: string, dossierId: string): Promise<void> {
    try {
      await this.zeebe.publishMessage({
        name: FEE_PAID_MESSAGE,
        correlationKey: code,
        messageId: `${code}:fee-paid:${round}`,
        timeToLive: 10 * 60_000,
        variables: { feeReceiptNumber: receiptNumber } as never,
      });
    } catch (error) {
      if ((error as { code?: number })?.code === 6) return; // ALREADY_EXISTS: published before
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Đã ghi nhận khoản nộp nhưng chưa chuyển được; vui lòng gửi lại',
        'The payment is recorded but could not be passed on; please send it again',
        { dossierId },
        { 'Retry-After': '30' },
      );
    }
  }

  private isOfficialOf(user: AuthenticatedUser, dossier: Dossier): boolean {
    return canSeeAgency(user, dossier.agencyId) || canSeeAgency(user, dossier.receivingAgencyId);
  }
}

/** Recording the payment of a financial obligation (status 6). */
@ApiTags('dossiers')
@Controller()
export class FeePaymentsController {
  constructor(@Inject(FeePayments) private readonly payments: FeePayments) {}

  /** `{ receiptNumber, amountVnd?, note? }`: the applicant paid; the processing goes on. */
  @Roles('desk', 'specialist')
  @Post('dossiers/:id/fee-paid')
  @HttpCode(200)
  feePaid(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<FeePaymentView> {
    return this.payments.record(user, id, body, clientIp(request));
  }
}
