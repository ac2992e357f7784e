import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type DossierActorType = 'citizen' | 'official' | 'system';

/**
 * One entry of a dossier's append-only history. `public` entries make the citizen's timeline (tracking page);
 * the others are for officials (form 06). `dedupeKey` makes a worker's step happen once although its job may arrive
 * more than once (`<job type>:<job key>`). `seq` numbers a dossier's entries in the order they were appended.
 */
@Entity('dossier_events')
@Index('IDX_dossier_events_dossier', ['dossierId', 'at'])
@Index('IDX_dossier_events_seq', ['dossierId', 'seq'], { unique: true })
export class DossierEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  dossierId!: string;

  /** What happened, e.g. submitted, code-issued, accepted, supplement-requested, overdue, signed, returned. */
  @Column({ type: 'varchar', length: 48 })
  type!: string;

  /** The dossier's status after the event (null when the event did not change it). */
  @Column({ type: 'int', nullable: true })
  status!: number | null;

  @Column({ type: 'varchar', length: 16 })
  actorType!: DossierActorType;

  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  actorName!: string | null;

  /** Shown on the citizen's timeline. */
  @Column({ type: 'boolean', default: false })
  isPublic!: boolean;

  /** Text for people, Vietnamese first, English second. */
  @Column({ type: 'varchar', length: 1000, default: '' })
  messageVi!: string;

  @Column({ type: 'varchar', length: 1000, default: '' })
  messageEn!: string;

  @Column({ type: 'simple-json', nullable: true })
  data!: Record<string, unknown> | null;

  @Index('IDX_dossier_events_dedupe', { unique: true })
  @Column({ type: 'varchar', length: 120, nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  /**
   * The event's place in its dossier's history: 1, 2, 3… in append order (appendDossierEvent). Histories are read in
   * this order: `at` has ties (events of one step are written in the same millisecond).
   */
  @Column({ type: 'int' })
  seq!: number;
}
