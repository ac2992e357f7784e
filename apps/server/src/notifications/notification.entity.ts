import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type NotificationStatus = 'pending' | 'sent' | 'failed';

/**
 * The notification outbox: written in the same transaction as the change it reports, sent afterwards by the
 * workers role (SMTP, or .eml files under the data dir), retried on failure. Vietnamese first, English second.
 */
@Entity('notifications')
@Index('IDX_notifications_due', ['status', 'nextAttemptAt'])
export class Notification {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  dossierId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  channel!: 'email';

  /** The e-mail address. */
  @Column({ type: 'varchar', length: 255 })
  recipient!: string;

  @Column({ type: 'varchar', length: 500 })
  subject!: string;

  @Column({ type: 'simple-json' })
  body!: { vi: string; en: string };

  @Column({ type: 'varchar', length: 16 })
  status!: NotificationStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  /** A sender holds a notification until then (several worker replicas share the outbox). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  /** Makes one business event notify once although its job may run more than once. */
  @Index('IDX_notifications_dedupe', { unique: true })
  @Column({ type: 'varchar', length: 160, nullable: true })
  dedupeKey!: string | null;

  @CreateDateColumn()
  createdAt!: Date;
}
