import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A supplement pause of the legal clock: from the request (after acceptance) to the citizen's supplement. */
@Entity('dossier_pauses')
@Index('IDX_dossier_pauses_dossier', ['dossierId', 'pausedAt'])
export class DossierPause {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  dossierId!: string;

  @Column({ type: 'datetime', precision: 3 })
  pausedAt!: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  resumedAt!: Date | null;

  @Column({ type: 'varchar', length: 1000, default: '' })
  reason!: string;
}
