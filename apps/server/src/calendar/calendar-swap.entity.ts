import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A yearly swap an administrator entered: a weekend day made a working day (`working`, e.g. Saturday 26/4/2025 worked
 * for Friday 2/5/2025) or a working day made a day off. A swap decides its date over weekends and holidays.
 */
@Entity('calendar_swaps')
export class CalendarSwap {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Vietnamese date, `YYYY-MM-DD`; one swap per date. */
  @Column({ type: 'varchar', length: 10, unique: true })
  date!: string;

  @Column({ type: 'boolean' })
  working!: boolean;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /** Username of the administrator who entered it (null: the system). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn()
  createdAt!: Date;
}
