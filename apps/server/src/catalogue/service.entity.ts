import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A service of the catalogue (thủ tục hành chính): one administrative procedure with its published versions
 * (ServiceVersion). The columns here are the latest published metadata, for lists and filters; what applies to a
 * dossier is always its own version.
 */
@Entity('services')
export class Service {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The procedure code (national, e.g. 1.001612, or motcua's MC.<AREA>.<NNN>). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  /** The bundle's folder name under processes/ and forms/. */
  @Column({ type: 'varchar', length: 100 })
  slug!: string;

  @Column({ type: 'varchar', length: 500 })
  nameVi!: string;

  @Column({ type: 'varchar', length: 500 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: 'commune' | 'province';

  /** Role of the competent agency in the agency tree (resolved to an agency per dossier). */
  @Column({ type: 'varchar', length: 100 })
  competentAgencyRole!: string;

  /** Decree 42/2022: full (toàn trình) or partial (một phần) online service. */
  @Column({ type: 'varchar', length: 16 })
  onlineLevel!: 'full' | 'partial';

  /** Number of the latest published version (the current one is the latest already in force). */
  @Column({ type: 'int' })
  latestVersion!: number;

  /** A deactivated service leaves the catalogue and accepts no new dossiers; running dossiers go on. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
