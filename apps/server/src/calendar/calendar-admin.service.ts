import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SAME_DAY_CUTOFF,
  DEFAULT_SESSIONS,
  DEFAULT_WEEKEND_DAYS,
  WorkingCalendar,
  validateCalendarData,
} from '@motcua/calendar';
import type {
  CalendarData,
  CalendarHoliday as EffectiveHoliday,
  DaySwap,
  EnteredHoliday,
  OfficeSession,
} from '@motcua/calendar';
import { AuditService } from '../audit/audit.service.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import { DomainError } from '../common/domain-error.ts';
import type { FieldError } from '../common/domain-error.ts';
import { inTransaction, isUniqueViolation } from '../database/transaction.ts';
import { CalendarHoliday } from './calendar-holiday.entity.ts';
import type { CalendarSettingsInput, Located } from './calendar-input.ts';
import { problemMessage } from './calendar-input.ts';
import { CALENDAR_SETTINGS_ID, CalendarSettings } from './calendar-settings.entity.ts';
import { CalendarSwap } from './calendar-swap.entity.ts';
import { CalendarService, calendarDataOf, readStoredCalendar } from './calendar.service.ts';
import type { StoredCalendar } from './calendar.service.ts';

/** The settings in force, defaults filled in. */
export interface EffectiveSettings {
  sessions: OfficeSession[];
  sameDayCutoff: string;
  weekendDays: number[];
  includeBuiltInHolidays: boolean;
  /** Length of one working day (all sessions). */
  workingDayMinutes: number;
}

export interface HolidayView extends EffectiveHoliday {
  /** For an entered holiday: who entered it and when. */
  createdBy?: string | null;
  createdAt?: Date;
}

export interface SwapView {
  date: string;
  working: boolean;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface CalendarOverview {
  year: number;
  /** The year's holidays in effect: built-in and entered, one per date; `dayOff` false where a swap made it working. */
  holidays: HolidayView[];
  swaps: SwapView[];
  settings: EffectiveSettings;
  revision: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

const ENTITY = 'calendar';

/**
 * The administrator's side of the calendar (issue 3 item 7): holidays, yearly swaps and office hours, each change
 * checked against the whole calendar, audited and stored in one transaction that also increments the calendar's
 * revision, so every process's CalendarService reloads it.
 */
@Injectable()
export class CalendarAdminService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CalendarService) private readonly calendars: CalendarService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async overview(year: number): Promise<CalendarOverview> {
    const snapshot = await this.calendars.snapshot();
    const entered = new Map(snapshot.holidays.map((holiday) => [holiday.date, holiday]));
    const inYear = (date: string): boolean => date.startsWith(`${String(year).padStart(4, '0')}-`);
    return {
      year,
      holidays: snapshot.calendar.holidaysOf(year).map((holiday) => {
        const row = holiday.source === 'entered' ? entered.get(holiday.date) : undefined;
        return row ? { ...holiday, createdBy: row.createdBy, createdAt: row.createdAt } : holiday;
      }),
      swaps: snapshot.swaps.filter((swap) => inYear(swap.date)).map(swapView),
      settings: effectiveSettings(snapshot.calendar, snapshot.data),
      revision: snapshot.revision,
      updatedAt: snapshot.settings.updatedAt,
      updatedBy: snapshot.settings.updatedBy,
    };
  }

  /** Enters days off; a date already entered, or swapped to a working day, is a conflict (409) — nothing is stored. */
  async addHolidays(located: Located<EnteredHoliday>[], actor: AuditActor, ip: string | null): Promise<HolidayView[]> {
    const holidays = located.map((item) => item.value);
    return this.change(actor, async (manager, stored) => {
      const taken = new Map(stored.holidays.map((holiday) => [holiday.date, holiday]));
      const workingSwaps = new Set(stored.swaps.filter((swap) => swap.working).map((swap) => swap.date));
      const conflicts: FieldError[] = [];
      holidays.forEach((holiday, index) => {
        const field = `${located[index]!.pointer}/date`;
        if (taken.has(holiday.date)) {
          conflicts.push({
            field,
            message: `Ngày ${holiday.date} đã có ngày nghỉ "${taken.get(holiday.date)!.nameVi}": hãy xoá trước khi nhập lại / ${holiday.date} is already entered as a holiday: delete it first`,
          });
        } else if (workingSwaps.has(holiday.date)) {
          conflicts.push({
            field,
            message: `Ngày ${holiday.date} đã được đổi thành ngày làm việc: hãy xoá ngày hoán đổi trước / ${holiday.date} is swapped to a working day: delete the swap first`,
          });
        }
      });
      throwConflicts(conflicts);
      const repository = manager.getRepository(CalendarHoliday);
      const rows: CalendarHoliday[] = [];
      for (const holiday of holidays) {
        const row = await repository.save(
          repository.create({
            id: randomUUID(),
            date: holiday.date,
            nameVi: holiday.name.vi,
            nameEn: holiday.name.en,
            createdBy: actor.username,
          }),
        );
        rows.push(row);
        await this.audit.record(
          { actor, action: 'calendar.holiday.create', entity: ENTITY, entityId: holiday.date, data: holiday, ip },
          manager,
        );
      }
      checkWhole({ ...stored, holidays: [...stored.holidays, ...rows] });
      return rows.map((row) => ({
        date: row.date,
        name: { vi: row.nameVi, en: row.nameEn },
        source: 'entered' as const,
        dayOff: true,
        createdBy: row.createdBy,
        createdAt: row.createdAt,
      }));
    });
  }

  /** Deletes an entered holiday (a built-in one is made a working day with a swap instead). */
  async removeHoliday(date: string, actor: AuditActor, ip: string | null): Promise<void> {
    await this.change(actor, async (manager, stored) => {
      const row = stored.holidays.find((holiday) => holiday.date === date);
      if (!row) {
        throw new DomainError(
          'NOT_FOUND',
          `Không có ngày nghỉ đã nhập vào ngày ${date} (ngày lễ có sẵn được đổi thành ngày làm việc bằng một ngày hoán đổi)`,
          `No holiday was entered for ${date} (a built-in holiday is made a working day with a swap)`,
        );
      }
      await manager.getRepository(CalendarHoliday).delete({ id: row.id });
      await this.audit.record(
        {
          actor,
          action: 'calendar.holiday.delete',
          entity: ENTITY,
          entityId: date,
          data: { date, name: { vi: row.nameVi, en: row.nameEn } },
          ip,
        },
        manager,
      );
    });
  }

  /**
   * Enters yearly swaps. A date that already has a swap, a working swap on an entered holiday, or a swap that changes
   * nothing (a working day made working, a day off made off: usually a mistyped date) is refused — nothing is stored.
   */
  async addSwaps(located: Located<DaySwap>[], actor: AuditActor, ip: string | null): Promise<SwapView[]> {
    const swaps = located.map((item) => item.value);
    return this.change(actor, async (manager, stored) => {
      // The calendar as stored (no swap yet on these dates, or it is a conflict) decides whether a swap changes anything.
      const calendar = new WorkingCalendar(calendarDataOf(stored));
      const taken = new Set(stored.swaps.map((swap) => swap.date));
      const entered = new Set(stored.holidays.map((holiday) => holiday.date));
      const problems: FieldError[] = [];
      const conflicts: FieldError[] = [];
      swaps.forEach((swap, index) => {
        const field = `${located[index]!.pointer}/date`;
        if (taken.has(swap.date)) {
          conflicts.push({
            field,
            message: `Ngày ${swap.date} đã có ngày hoán đổi: hãy xoá trước khi nhập lại / ${swap.date} already has a swap: delete it first`,
          });
        } else if (swap.working && entered.has(swap.date)) {
          conflicts.push({
            field,
            message: `Ngày ${swap.date} là ngày nghỉ đã nhập: hãy xoá ngày nghỉ đó thay vì đổi thành ngày làm việc / ${swap.date} is an entered holiday: delete it instead of swapping it to a working day`,
          });
        } else if (calendar.isWorkingDay(swap.date) === swap.working) {
          problems.push({
            field: `${located[index]!.pointer}/working`,
            message: swap.working
              ? `Ngày ${swap.date} vốn là ngày làm việc / ${swap.date} is a working day already`
              : `Ngày ${swap.date} vốn là ngày nghỉ / ${swap.date} is a day off already`,
          });
        }
      });
      throwConflicts(conflicts);
      if (problems.length > 0) throw DomainError.validation(problems);
      const repository = manager.getRepository(CalendarSwap);
      const rows: CalendarSwap[] = [];
      for (const swap of swaps) {
        rows.push(
          await repository.save(
            repository.create({
              id: randomUUID(),
              date: swap.date,
              working: swap.working,
              note: swap.note ?? null,
              createdBy: actor.username,
            }),
          ),
        );
        await this.audit.record(
          { actor, action: 'calendar.swap.create', entity: ENTITY, entityId: swap.date, data: swap, ip },
          manager,
        );
      }
      checkWhole({ ...stored, swaps: [...stored.swaps, ...rows] });
      return rows.map(swapView);
    });
  }

  async removeSwap(date: string, actor: AuditActor, ip: string | null): Promise<void> {
    await this.change(actor, async (manager, stored) => {
      const row = stored.swaps.find((swap) => swap.date === date);
      if (!row) {
        throw new DomainError(
          'NOT_FOUND',
          `Không có ngày hoán đổi vào ngày ${date}`,
          `No swap was entered for ${date}`,
        );
      }
      await manager.getRepository(CalendarSwap).delete({ id: row.id });
      await this.audit.record(
        {
          actor,
          action: 'calendar.swap.delete',
          entity: ENTITY,
          entityId: date,
          data: { date, working: row.working, note: row.note },
          ip,
        },
        manager,
      );
    });
  }

  /** Replaces the settings (office sessions, same-day cut-off, weekend days, built-in holidays); missing = default. */
  async updateSettings(input: CalendarSettingsInput, actor: AuditActor, ip: string | null): Promise<EffectiveSettings> {
    return this.change(actor, async (manager, stored) => {
      const before = settingsOf(stored.settings);
      const after = {
        sessions: input.sessions ?? null,
        sameDayCutoff: input.sameDayCutoff ?? null,
        weekendDays: input.weekendDays ?? null,
        includeBuiltInHolidays: input.includeBuiltInHolidays ?? true,
      };
      const next = { ...stored, settings: { ...stored.settings, ...after } };
      checkWhole(next);
      await manager.getRepository(CalendarSettings).update({ id: CALENDAR_SETTINGS_ID }, after);
      await this.audit.record(
        {
          actor,
          action: 'calendar.settings.update',
          entity: ENTITY,
          entityId: 'settings',
          data: { before, after },
          ip,
        },
        manager,
      );
      const data = calendarDataOf(next);
      return effectiveSettings(new WorkingCalendar(data), data);
    });
  }

  /**
   * Runs one change in a transaction that first increments the calendar's revision (on MySQL/MariaDB the row lock
   * queues concurrent changes, so each one checks against the calendar as the previous one left it), then forgets
   * this process's cached calendar.
   */
  private async change<T>(
    actor: AuditActor,
    work: (manager: EntityManager, stored: StoredCalendar) => Promise<T>,
  ): Promise<T> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        await manager
          .createQueryBuilder()
          .update(CalendarSettings)
          .set({ revision: () => 'revision + 1', updatedAt: new Date(), updatedBy: actor.username })
          .where('id = :id', { id: CALENDAR_SETTINGS_ID })
          .execute();
        return work(manager, await readStoredCalendar(manager));
      });
    } catch (error) {
      // Two administrators entering the same date at once on a database without the row lock's queue.
      if (isUniqueViolation(error)) {
        throw new DomainError(
          'CONFLICT',
          'Ngày này vừa được nhập bởi người khác, vui lòng tải lại lịch',
          'This date was just entered by someone else, please reload the calendar',
        );
      }
      throw error;
    } finally {
      this.calendars.invalidate();
    }
  }
}

function throwConflicts(conflicts: FieldError[]): void {
  if (conflicts.length > 0) {
    throw new DomainError('CONFLICT', 'Ngày đã có trong lịch làm việc', 'The date is already in the working calendar', {
      errors: conflicts,
    });
  }
}

/** The calendar after a change must still be valid as a whole (the edge checked the change alone). */
function checkWhole(stored: StoredCalendar): void {
  const problems = validateCalendarData(calendarDataOf(stored));
  if (problems.length > 0) {
    throw DomainError.validation(
      problems.map((problem) => ({ field: problem.path, message: problemMessage(problem.message) })),
    );
  }
}

function swapView(swap: CalendarSwap): SwapView {
  return {
    date: swap.date,
    working: swap.working,
    note: swap.note,
    createdBy: swap.createdBy,
    createdAt: swap.createdAt,
  };
}

function settingsOf(settings: CalendarSettings): Record<string, unknown> {
  return {
    sessions: settings.sessions,
    sameDayCutoff: settings.sameDayCutoff,
    weekendDays: settings.weekendDays,
    includeBuiltInHolidays: settings.includeBuiltInHolidays,
  };
}

function effectiveSettings(calendar: WorkingCalendar, data: Partial<CalendarData>): EffectiveSettings {
  return {
    sessions: data.sessions ?? DEFAULT_SESSIONS.map((session) => ({ ...session })),
    sameDayCutoff: data.sameDayCutoff ?? DEFAULT_SAME_DAY_CUTOFF,
    weekendDays: data.weekendDays ?? [...DEFAULT_WEEKEND_DAYS],
    includeBuiltInHolidays: data.includeBuiltInHolidays ?? true,
    workingDayMinutes: calendar.workingDayMinutes,
  };
}
