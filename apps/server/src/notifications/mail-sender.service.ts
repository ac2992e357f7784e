import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';
import { Notification } from './notification.entity.ts';
import { emailText } from './notification-outbox.ts';

/** After this many failed attempts a notification is given up (status failed, with the last error). */
export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
const BATCH = 50;

/** Back-off before the next attempt: 5 s, 10 s, 20 s … at most an hour. */
export function nextAttemptDelay(attempts: number): number {
  return Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the notification outbox (workers role). With MOTCUA_SMTP_URL: through nodemailer's SMTP transport; without:
 * each message is kept as an .eml file under `<data dir>/mail` (nodemailer's stream transport builds the same MIME
 * message). A pending notification is leased before sending (several worker replicas share the outbox), marked sent
 * after, or rescheduled with a back-off when the relay refuses it.
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: MotcuaConfig,
  ) {}

  get mailDir(): string {
    return join(this.config.dataDir, 'mail');
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.transport?.close();
  }

  /** Sends what is due now; resolves with how many were sent. Concurrent calls share one pass (and ask for another). */
  flush(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.sendDue().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.schedule(0);
      }
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flush()
        .catch(() => undefined)
        .finally(() => this.schedule(1_000));
    }, delayMs);
    this.timer.unref();
  }

  private async sendDue(): Promise<number> {
    const repository = this.dataSource.getRepository(Notification);
    const now = new Date();
    const due = await repository.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC' },
      take: BATCH,
    });
    let sent = 0;
    for (const notification of due) {
      if (this.stopped) break;
      if (notification.leaseUntil && notification.leaseUntil > now) continue;
      const leased = await repository
        .createQueryBuilder()
        .update(Notification)
        .set({ leaseUntil: new Date(Date.now() + LEASE_MS) })
        .where('id = :id AND status = :status', { id: notification.id, status: 'pending' })
        .andWhere('(leaseUntil IS NULL OR leaseUntil < :now)', { now })
        .execute();
      if (!leased.affected) continue;
      try {
        await this.deliver(notification);
        await repository.update(
          { id: notification.id },
          { status: 'sent', sentAt: new Date(), attempts: notification.attempts + 1, leaseUntil: null, error: null },
        );
        sent += 1;
      } catch (error) {
        const attempts = notification.attempts + 1;
        await repository.update(
          { id: notification.id },
          {
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            attempts,
            error: String((error as Error)?.message ?? error).slice(0, 1000),
            nextAttemptAt: new Date(Date.now() + nextAttemptDelay(attempts)),
            leaseUntil: null,
          },
        );
      }
    }
    return sent;
  }

  private async deliver(notification: Notification): Promise<void> {
    const message = {
      from: this.config.smtp.from,
      to: notification.recipient,
      subject: notification.subject,
      text: emailText(notification.body),
      messageId: `<${notification.id}@motcua>`,
      headers: {
        'X-Motcua-Notification': notification.id,
        ...(notification.dossierId ? { 'X-Motcua-Dossier': notification.dossierId } : {}),
      },
    };
    if (this.config.smtp.url) {
      this.transport ??= nodemailer.createTransport(this.config.smtp.url);
      await this.transport.sendMail(message);
      return;
    }
    this.transport ??= nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = (await this.transport.sendMail(message)) as { message: Buffer };
    await mkdir(this.mailDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(this.mailDir, `${stamp}-${notification.id}.eml`);
    await writeFile(`${target}.tmp`, info.message, { mode: 0o640 });
    await rename(`${target}.tmp`, target);
  }
}
