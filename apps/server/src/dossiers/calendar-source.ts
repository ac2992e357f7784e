import { Injectable } from '@nestjs/common';
import { WorkingCalendar } from '@motcua/calendar';

/**
 * The working-day calendar deadlines are computed on. Today: @motcua/calendar's defaults (weekends, Vietnam's
 * public holidays from date-holidays, sessions 07:00–11:30 and 13:30–17:00, same-day cut-off 15:00). When the
 * administrator's calendar (holidays, yearly swaps, office hours) is stored, this is the one place that reads it.
 */
@Injectable()
export class CalendarSource {
  private readonly builtIn = new WorkingCalendar();

  async calendar(): Promise<WorkingCalendar> {
    return this.builtIn;
  }
}
