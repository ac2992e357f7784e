import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AGENCY_LEVELS = ['province', 'department', 'commune'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** An agency in the effective-dated tree: province → departments and communes. */
@Entity('agencies')
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** QCVN 102:2016-style identifier, e.g. 000.00.12.H10. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 255 })
  nameVi!: string;

  @Column({ type: 'varchar', length: 255 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 16 })
  level!: AgencyLevel;

  @Column({ type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  /**
   * The agency's role in the tree, kebab-case (e.g. province-people-committee, commune-people-committee,
   * commune-police, social-insurance): a service's competentAgencyRole resolves to the agency with it.
   */
  @Column({ type: 'varchar', length: 64, default: '' })
  role!: string;

  /**
   * The territorial unit (a commune or the province) whose area this agency serves, when that is not
   * the agency itself: a commune police station sits under the provincial police in the tree but
   * serves its commune. Null for the communes and the province themselves.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  jurisdictionId!: string | null;

  @Column({ type: 'varchar', length: 1000, default: '' })
  legalAuthority!: string;

  @Column({ type: 'varchar', length: 10 })
  effectiveFrom!: string;

  /** Last day in force (inclusive); null while in force. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  effectiveTo!: string | null;
}
