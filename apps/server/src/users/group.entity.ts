import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A group of officials, named `<role>@<agency code>` as the BPMN candidateGroups expressions build it. */
@Entity('groups')
export class Group {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 255 })
  nameVi!: string;

  @Column({ type: 'varchar', length: 255 })
  nameEn!: string;

  @Column({ type: 'varchar', length: 36 })
  agencyId!: string;
}
