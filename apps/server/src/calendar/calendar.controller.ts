import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { formatDateVi } from '@motcua/calendar';
import { Public } from '../auth/auth.decorators.ts';
import { DomainError, FieldErrors } from '../common/domain-error.ts';
import { readString } from '../common/input.ts';
import { DossierCatalogue } from '../dossiers/dossier-catalogue.ts';
import { isoInVietnam } from '../dossiers/dossier-code.ts';
import { CalendarService } from './calendar.service.ts';

const CHANNELS = ['online', 'counter'] as const;

/** The portal's helper: when a dossier would be due if it were accepted now. */
@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(
    @Inject(CalendarService) private readonly calendars: CalendarService,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
  ) {}

  /**
   * `?service=<code>&channel=online|counter` (default online) `&receivedAt=<ISO 8601>` (default now): the appointment
   * date of a dossier of the service (its version in force today) accepted at that moment, on the working-day
   * calendar as it stands.
   */
  @Public()
  @Get('due-date')
  async dueDate(
    @Query('service') service?: string,
    @Query('channel') channel?: string,
    @Query('receivedAt') receivedAt?: string,
  ): Promise<object> {
    const errors = new FieldErrors();
    const code = readString({ service }, 'service', errors, { required: true, max: 64 });
    const chosen = readString({ channel }, 'channel', errors, { oneOf: CHANNELS }) ?? 'online';
    let at = new Date();
    if (receivedAt !== undefined) {
      at = new Date(receivedAt);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(receivedAt) || Number.isNaN(at.getTime())) {
        errors.add('receivedAt', 'Thời điểm theo ISO 8601', 'A moment in ISO 8601');
      }
    }
    errors.throwIfAny();
    const version = await this.catalogue.currentVersion(code!, new Date());
    if (!version) throw DomainError.notFound('thủ tục', 'service', code);
    const durations = version.metadata.legalDuration;
    const duration = durations[chosen as (typeof CHANNELS)[number]] ?? durations.online ?? durations.counter;
    if (!duration) {
      throw new DomainError(
        'UNPROCESSABLE',
        `Thủ tục ${code} không có thời hạn giải quyết`,
        `The service ${code} has no legal duration`,
      );
    }
    const due = (await this.calendars.calendar()).dueDate({ receivedAt: at, duration });
    return {
      service: version.serviceCode,
      channel: chosen,
      duration,
      receivedAt: isoInVietnam(at),
      dueAt: isoInVietnam(due),
      dueAtVi: formatDateVi(due, { time: true, weekday: true }),
    };
  }
}
