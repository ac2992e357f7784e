import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last dossier number issued by one receiving agency on one Vietnamese date (gapless daily sequence). */
@Entity('dossier_code_sequences')
export class DossierCodeSequence {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  agencyCode!: string;

  /** YYMMDD in Asia/Ho_Chi_Minh. */
  @PrimaryColumn({ type: 'varchar', length: 6 })
  day!: string;

  @Column({ type: 'int' })
  lastNumber!: number;
}
