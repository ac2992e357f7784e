import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Roles } from '../auth/auth.decorators.ts';
import { clientIp } from '../auth/cookies.ts';
import { CurrentUser } from '../auth/current-user.decorator.ts';
import type { AuthenticatedUser } from '../auth/current-user.decorator.ts';
import { FieldErrors } from '../common/domain-error.ts';
import { readDate, readString, todayInVietnam } from '../common/input.ts';
import { CalendarAdminService } from './calendar-admin.service.ts';
import { readHolidays, readSettings, readSwaps } from './calendar-input.ts';

/** Years the calendar shows (date-holidays' lunar holidays are exact over this range). */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

function readPathDate(date: string): string {
  const errors = new FieldErrors();
  readDate({ date }, 'date', errors, true);
  errors.throwIfAny();
  return date;
}

/**
 * The working-day calendar (issue 3 items 3 and 7): officials read it, the administrator enters holidays, yearly
 * swaps and office hours.
 */
@ApiTags('admin')
@Roles('administrator')
@Controller('admin/calendar')
export class CalendarAdminController {
  constructor(@Inject(CalendarAdminService) private readonly calendar: CalendarAdminService) {}

  /** `?year=YYYY` (default this year): the year's holidays in effect (built-in and entered), swaps, office hours. */
  @Get()
  @Roles('administrator', 'desk', 'specialist', 'leader', 'designer')
  async overview(@Query('year') year?: string): Promise<object> {
    const errors = new FieldErrors();
    readString({ year }, 'year', errors, {
      pattern: /^\d{4}$/,
      patternVi: `Năm từ ${FIRST_YEAR} đến ${LAST_YEAR}`,
      patternEn: `A year from ${FIRST_YEAR} to ${LAST_YEAR}`,
    });
    const value = year === undefined ? Number(todayInVietnam().slice(0, 4)) : Number(year);
    if (errors.empty && (value < FIRST_YEAR || value > LAST_YEAR)) {
      errors.add('year', `Năm từ ${FIRST_YEAR} đến ${LAST_YEAR}`, `A year from ${FIRST_YEAR} to ${LAST_YEAR}`);
    }
    errors.throwIfAny();
    return this.calendar.overview(value);
  }

  /** `{ date, name: { vi, en } }` or `{ holidays: [...] }`: days off on top of the built-in public holidays. */
  @Post('holidays')
  async addHolidays(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<object> {
    return { holidays: await this.calendar.addHolidays(readHolidays(body), user, clientIp(request)) };
  }

  @Delete('holidays/:date')
  @HttpCode(200)
  async removeHoliday(
    @CurrentUser() user: AuthenticatedUser,
    @Param('date') date: string,
    @Req() request: Request,
  ): Promise<object> {
    await this.calendar.removeHoliday(readPathDate(date), user, clientIp(request));
    return { deleted: true, date };
  }

  /** `{ date, working, note? }` or `{ swaps: [...] }`: a weekend day worked, or a working day off. */
  @Post('swaps')
  async addSwaps(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<object> {
    return { swaps: await this.calendar.addSwaps(readSwaps(body), user, clientIp(request)) };
  }

  @Delete('swaps/:date')
  @HttpCode(200)
  async removeSwap(
    @CurrentUser() user: AuthenticatedUser,
    @Param('date') date: string,
    @Req() request: Request,
  ): Promise<object> {
    await this.calendar.removeSwap(readPathDate(date), user, clientIp(request));
    return { deleted: true, date };
  }

  /** `{ sessions?, sameDayCutoff?, weekendDays?, includeBuiltInHolidays? }`: the whole settings, missing = default. */
  @Put('settings')
  async updateSettings(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<object> {
    return { settings: await this.calendar.updateSettings(readSettings(body), user, clientIp(request)) };
  }
}
