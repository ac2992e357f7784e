import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OfficeSession } from '@motcua/calendar';

/** The one row of calendar_settings. */
export const CALENDAR_SETTINGS_ID = 1;

/**
 * The calendar's settings, one row (id 1, created by the migration). A null field takes @motcua/calendar's default
 * (sessions 07:00–11:30 and 13:30–17:00, same-day cut-off 15:00, weekend Saturday and Sunday).
 *
 * `revision` counts every change of the calendar (holidays and swaps too): it is incremented in the transaction of
 * the change, so every process (api, workers) sees that its cached calendar is stale by reading one number.
 */
@Entity('calendar_settings')
export class CalendarSettings {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'simple-json', nullable: true })
  sessions!: OfficeSession[] | null;

  /** `HH:MM`. */
  @Column({ type: 'varchar', length: 5, nullable: true })
  sameDayCutoff!: string | null;

  /** 0 = Sunday … 6 = Saturday. */
  @Column({ type: 'simple-json', nullable: true })
  weekendDays!: number[] | null;

  @Column({ type: 'boolean', default: true })
  includeBuiltInHolidays!: boolean;

  @Column({ type: 'int', default: 0 })
  revision!: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  updatedAt!: Date | null;

  /** Username of the administrator who changed the calendar last. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  updatedBy!: string | null;
}
