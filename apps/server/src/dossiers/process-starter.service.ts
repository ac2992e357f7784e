import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { ZEEBE } from '../zeebe/zeebe.ts';
import { DossierCatalogue } from './dossier-catalogue.ts';
import { DossierStatus } from './dossier-status.ts';
import { Dossier } from './dossier.entity.ts';

/** How long an HTTP request waits for the engine to start the instance before answering 503 (the start goes on). */
export const START_WAIT_MS = 10_000;
/** Dossiers whose instance is missing this long are started again by the retry loop. */
const RETRY_AFTER_MS = 30_000;

/**
 * Starts a dossier's process instance after its row is committed, and retries the dossiers whose start failed.
 *
 * Decision (issue 3, item 6): the dossier is committed first (status 1, its history and attachments), THEN the instance
 * is created. If the engine refuses or is unreachable the dossier keeps `processInstanceKey` null and
 * `processStartError`, the request answers 503 naming the dossier, and this service retries the start — on the api's
 * start and every 30 s — until it succeeds or the dossier is withdrawn. Nothing the citizen sent is lost, and a
 * repeated submit with the same Idempotency-Key returns the dossier and retries at once. A start whose answer was lost
 * may create a second instance: the first instance to reach motcua.intake owns the dossier and the other is cancelled
 * there (and here, if it comes back second).
 */
@Injectable()
export class ProcessStarter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('motcua.dossiers');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ZEEBE) private readonly zeebe: ZeebeGrpcClient,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(1_000);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Creates the dossier's instance (with the variables stored on the dossier, on the pinned version of its service)
   * and stores its key; resolves with the key. One start per dossier at a time in this process.
   */
  start(dossierId: string): Promise<string> {
    let running = this.inFlight.get(dossierId);
    if (!running) {
      running = this.createInstance(dossierId).finally(() => this.inFlight.delete(dossierId));
      this.inFlight.set(dossierId, running);
    }
    return running;
  }

  /** Starts pending dossiers whose start failed or was interrupted; resolves with how many started. */
  async retryPending(olderThanMs = RETRY_AFTER_MS): Promise<number> {
    const pending = await this.dataSource.getRepository(Dossier).find({
      where: {
        processInstanceKey: IsNull(),
        status: DossierStatus.New,
        submittedAt: LessThan(new Date(Date.now() - olderThanMs)),
      },
      order: { submittedAt: 'ASC' },
      take: 100,
    });
    let started = 0;
    for (const dossier of pending) {
      if (this.stopped) break;
      try {
        await this.start(dossier.id);
        started += 1;
      } catch {
        // recorded on the dossier; tried again next round
      }
    }
    return started;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.retryPending()
        .catch((error: unknown) => this.logger.warn(`process start retry failed: ${String(error)}`))
        .finally(() => this.schedule(RETRY_AFTER_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async createInstance(dossierId: string): Promise<string> {
    const repository = this.dataSource.getRepository(Dossier);
    const dossier = await repository.findOneOrFail({
      where: { id: dossierId },
      select: {
        id: true,
        serviceVersionId: true,
        processInstanceKey: true,
        processVariables: true,
        processStartAttempts: true,
      },
    });
    if (dossier.processInstanceKey) return dossier.processInstanceKey;
    const version = await this.catalogue.versionById(dossier.serviceVersionId);
    let key: string;
    try {
      if (!version) throw new Error(`service version ${dossier.serviceVersionId} not found`);
      const created = await this.zeebe.createProcessInstance({
        bpmnProcessId: version.bpmnProcessId,
        ...(version.processVersion ? { version: version.processVersion } : {}),
        variables: dossier.processVariables as never,
      });
      if (!created) throw new Error('the engine client is closing');
      key = created.processInstanceKey;
    } catch (error) {
      const message = String((error as Error)?.message ?? error).slice(0, 1000);
      await repository.update(
        { id: dossierId },
        { processStartError: message, processStartAttempts: dossier.processStartAttempts + 1 },
      );
      this.logger.warn(`dossier ${dossierId}: process instance not started: ${message}`);
      throw error;
    }
    const claimed = await repository
      .createQueryBuilder()
      .update(Dossier)
      .set({ processInstanceKey: key, processStartError: null })
      .where('id = :id AND (processInstanceKey IS NULL OR processInstanceKey = :key)', { id: dossierId, key })
      .execute();
    const current = await repository.findOneOrFail({
      where: { id: dossierId },
      select: { id: true, status: true, processInstanceKey: true },
    });
    if (!claimed.affected || current.status === DossierStatus.Withdrawn) {
      // Another instance owns the dossier, or it was withdrawn while this one was starting.
      await this.zeebe.cancelProcessInstance(key).catch(() => undefined);
      if (current.processInstanceKey && current.processInstanceKey !== key) return current.processInstanceKey;
    }
    return key;
  }
}
