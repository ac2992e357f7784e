import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Notification } from './notification.entity.ts';

export interface NotificationDraft {
  dossierId?: string | null;
  /** E-mail address; a draft without one is dropped (nobody to tell). */
  recipient: string | null | undefined;
  subject: { vi: string; en: string };
  body: { vi: string; en: string };
  /** One notification per key, however often the step that writes it runs. */
  dedupeKey?: string;
}

/** A plausible e-mail address (the SMTP relay has the final word). */
export function isEmail(text: string | null | undefined): text is string {
  return typeof text === 'string' && /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/.test(text);
}

/**
 * Writes notifications into the outbox with the caller's transaction, so they exist exactly when the change they
 * report was committed. The workers role sends them (MailSender).
 */
export async function enqueueNotifications(manager: EntityManager, drafts: NotificationDraft[]): Promise<void> {
  const now = new Date();
  for (const draft of drafts) {
    if (!isEmail(draft.recipient)) continue;
    await manager
      .createQueryBuilder()
      .insert()
      .into(Notification)
      .values({
        id: randomUUID(),
        dossierId: draft.dossierId ?? null,
        channel: 'email',
        recipient: draft.recipient,
        subject: `${draft.subject.vi} / ${draft.subject.en}`.slice(0, 500),
        body: draft.body,
        status: 'pending',
        attempts: 0,
        error: null,
        nextAttemptAt: now,
        leaseUntil: null,
        sentAt: null,
        dedupeKey: draft.dedupeKey ?? null,
      })
      .orIgnore()
      .updateEntity(false) // nothing is read back: one statement per notification
      .execute();
  }
}

/** The text of an e-mail: Vietnamese first, English second. */
export function emailText(body: { vi: string; en: string }): string {
  return `${body.vi.trim()}\n\n---\n\n${body.en.trim()}\n`;
}
