import { Global, Module } from '@nestjs/common';
import { CalendarSource } from '../dossiers/calendar-source.ts';
import { CalendarAdminController } from './calendar-admin.controller.ts';
import { CalendarAdminService } from './calendar-admin.service.ts';
import { CalendarController } from './calendar.controller.ts';
import { CalendarService } from './calendar.service.ts';

/**
 * The working-day calendar for every role: inject CalendarService for the WorkingCalendar deadlines are computed on;
 * it is also the dossiers' CalendarSource port.
 */
@Global()
@Module({
  providers: [CalendarService, { provide: CalendarSource, useExisting: CalendarService }],
  exports: [CalendarService, CalendarSource],
})
export class CalendarModule {}

/** The api role's part: the administrator's calendar endpoints and the portal's due-date helper. */
@Module({
  controllers: [CalendarAdminController, CalendarController],
  providers: [CalendarAdminService],
})
export class CalendarApiModule {}
