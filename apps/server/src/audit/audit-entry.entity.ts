import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One state change: who did what to which entity, with what data, from where. Append-only. */
@Entity('audit_entries')
@Index(['entity', 'entityId'])
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Set by the application (millisecond precision on every database). */
  @Index()
  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  /** The user who acted; null for the system (workers, seed, anonymous requests). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actorUsername!: string | null;

  /** Dotted verb, e.g. `agency.create`, `user.deactivate`, `auth.login`. */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  /** Kind of the entity changed, e.g. `agency`, `user`, `dossier`. */
  @Column({ type: 'varchar', length: 64 })
  entity!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  entityId!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  data!: unknown;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;
}
