import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A day off an administrator entered on top of the built-in public holidays: this year's Tết days where they differ
 * from the built-in five, the day next to 2/9, a compensatory day for a holiday on a weekend.
 */
@Entity('calendar_holidays')
export class CalendarHoliday {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Vietnamese date, `YYYY-MM-DD`; one entered holiday per date. */
  @Column({ type: 'varchar', length: 10, unique: true })
  date!: string;

  @Column({ type: 'varchar', length: 255 })
  nameVi!: string;

  @Column({ type: 'varchar', length: 255 })
  nameEn!: string;

  /** Username of the administrator who entered it (null: the system). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  createdBy!: string | null;

  @CreateDateColumn()
  createdAt!: Date;
}
