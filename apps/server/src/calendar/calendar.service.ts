import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { WorkingCalendar } from '@motcua/calendar';
import type { CalendarData } from '@motcua/calendar';
import { CalendarSource } from '../dossiers/calendar-source.ts';
import { CalendarHoliday } from './calendar-holiday.entity.ts';
import { CALENDAR_SETTINGS_ID, CalendarSettings } from './calendar-settings.entity.ts';
import { CalendarSwap } from './calendar-swap.entity.ts';

/** The calendar as stored: the administrator's rows and the settings row. */
export interface StoredCalendar {
  holidays: CalendarHoliday[];
  swaps: CalendarSwap[];
  settings: CalendarSettings;
}

/** One revision of the calendar: what is stored, as @motcua/calendar data, and the WorkingCalendar over it. */
export interface CalendarSnapshot extends StoredCalendar {
  revision: number;
  data: Partial<CalendarData>;
  calendar: WorkingCalendar;
}

/** The stored calendar as @motcua/calendar data (a null setting is left out: the library's default applies). */
export function calendarDataOf(stored: StoredCalendar): Partial<CalendarData> {
  const { settings } = stored;
  return {
    holidays: stored.holidays.map((holiday) => ({
      date: holiday.date,
      name: { vi: holiday.nameVi, en: holiday.nameEn },
    })),
    swaps: stored.swaps.map((swap) => ({
      date: swap.date,
      working: swap.working,
      ...(swap.note === null ? {} : { note: swap.note }),
    })),
    ...(settings.sessions === null ? {} : { sessions: settings.sessions }),
    ...(settings.sameDayCutoff === null ? {} : { sameDayCutoff: settings.sameDayCutoff }),
    ...(settings.weekendDays === null ? {} : { weekendDays: settings.weekendDays }),
    includeBuiltInHolidays: settings.includeBuiltInHolidays,
  };
}

/** Reads the whole stored calendar (through a transaction's manager when given). */
export async function readStoredCalendar(manager: EntityManager): Promise<StoredCalendar> {
  const [holidays, swaps, settings] = await Promise.all([
    manager.getRepository(CalendarHoliday).find({ order: { date: 'ASC' } }),
    manager.getRepository(CalendarSwap).find({ order: { date: 'ASC' } }),
    manager.getRepository(CalendarSettings).findOne({ where: { id: CALENDAR_SETTINGS_ID } }),
  ]);
  if (!settings) throw new Error('calendar_settings has no row: the calendar migration did not run');
  return { holidays, swaps, settings };
}

/**
 * The working-day calendar every deadline is computed on (issue 3 item 3): Vietnam's public holidays built in, plus
 * what the administrator entered — holidays, yearly swaps, office sessions, the same-day cut-off, weekend days.
 *
 * Cached per revision: each call reads the settings row's revision (one primary-key lookup), which every change of the
 * calendar increments in its own transaction, and rebuilds the WorkingCalendar only when it moved. So a change made
 * through the api in one process reaches the workers in another at their next step, with no restart.
 *
 * It is also the dossiers' CalendarSource (the workers' motcua.accept and motcua.supplement-received read it there).
 */
@Injectable()
export class CalendarService extends CalendarSource {
  private cached: CalendarSnapshot | undefined;
  private loading: Promise<CalendarSnapshot> | undefined;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  /** The calendar as it stands now. */
  override async calendar(): Promise<WorkingCalendar> {
    return (await this.snapshot()).calendar;
  }

  /** The calendar as it stands now, with the stored rows it was built from. */
  async snapshot(): Promise<CalendarSnapshot> {
    const revision = await this.revision();
    if (this.cached && this.cached.revision >= revision) return this.cached;
    // One load at a time; a load that started before the revision we saw may be older than it: load again then.
    let snapshot = await (this.loading ??= this.load());
    if (snapshot.revision < revision) snapshot = await (this.loading ??= this.load());
    return snapshot;
  }

  /** Forgets the cached calendar (after a change in this process; other processes see the revision move). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async revision(): Promise<number> {
    const row = await this.dataSource.getRepository(CalendarSettings).findOne({
      where: { id: CALENDAR_SETTINGS_ID },
      select: { id: true, revision: true },
    });
    if (!row) throw new Error('calendar_settings has no row: the calendar migration did not run');
    return row.revision;
  }

  private async load(): Promise<CalendarSnapshot> {
    try {
      // The revision first, the rows after: the rows are at least that revision, so a change that commits in between
      // is at worst cached under the older number and loaded again at the next call.
      const revision = await this.revision();
      const stored = await readStoredCalendar(this.dataSource.manager);
      const data = calendarDataOf(stored);
      const snapshot: CalendarSnapshot = { ...stored, revision, data, calendar: new WorkingCalendar(data) };
      if (!this.cached || this.cached.revision <= revision) this.cached = snapshot;
      return snapshot;
    } finally {
      this.loading = undefined;
    }
  }
}
