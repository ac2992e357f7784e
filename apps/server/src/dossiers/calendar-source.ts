import { Injectable } from '@nestjs/common';
import { WorkingCalendar } from '@motcua/calendar';

/**
 * The working-day calendar deadlines are computed on (a port: the calendar feature's CalendarService provides it under
 * this token, with the administrator's holidays, yearly swaps and office hours from the database). This base class
 * is @motcua/calendar's defaults alone (weekends, Vietnam's public holidays from date-holidays, sessions 07:00–11:30
 * and 13:30–17:00, same-day cut-off 15:00), for unit specs that need no database.
 */
@Injectable()
export class CalendarSource {
  private readonly builtIn = new WorkingCalendar();

  async calendar(): Promise<WorkingCalendar> {
    return this.builtIn;
  }
}
