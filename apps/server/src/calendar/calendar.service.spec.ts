import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { WorkingCalendar } from '@motcua/calendar';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { CalendarAdminService } from './calendar-admin.service.ts';
import { readHolidays, readSettings, readSwaps } from './calendar-input.ts';
import { CalendarService } from './calendar.service.ts';

const ADMIN = { id: '00000000-0000-4000-8000-000000000001', username: 'admin' };

/** Thursday 23 April 2026, 10:00 in Hà Nội; 3 working days → Tuesday 28 April (Sunday 26/4 is Hùng Kings' day). */
const RECEIVED = new Date('2026-04-23T10:00:00+07:00');
const THREE_DAYS = { workingDays: 3 } as const;

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the calendar service on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let api: CalendarService;
    let workers: CalendarService;
    let admin: CalendarAdminService;
    beforeEach(async () => {
      ({ dataSource, drop } = await openTestDatabase(database()));
      // two processes: the api's cache (behind the administrator's changes) and the workers' own
      api = new CalendarService(dataSource);
      workers = new CalendarService(dataSource);
      admin = new CalendarAdminService(dataSource, api, new AuditService(dataSource.getRepository(AuditEntry)));
    });
    afterEach(async () => {
      await drop();
    });
    after(cleanup);

    it("starts as @motcua/calendar's defaults and keeps one calendar while nothing changes", async () => {
      const first = await workers.calendar();
      expect(first.dueDate({ receivedAt: RECEIVED, duration: THREE_DAYS })).to.deep.equal(
        new WorkingCalendar().dueDate({ receivedAt: RECEIVED, duration: THREE_DAYS }),
      );
      expect(await workers.calendar()).to.equal(first);
      expect((await workers.snapshot()).revision).to.equal(0);
    });

    it("gives another process's cache the administrator's change at its next call (the revision moved)", async () => {
      // given: the workers computed a due date on the calendar as it was
      const before = await workers.calendar();
      expect(before.dueDate({ receivedAt: RECEIVED, duration: THREE_DAYS }).toISOString()).to.equal(
        '2026-04-28T10:00:00.000Z',
      );

      // when: the administrator enters Monday 27/4 as the compensatory day, through the api's service
      await admin.addHolidays(
        readHolidays({ date: '2026-04-27', name: { vi: 'Nghỉ bù Giỗ Tổ Hùng Vương', en: 'Hung Kings (in lieu)' } }),
        ADMIN,
        null,
      );

      // then: the workers' next calendar counts it
      const after = await workers.calendar();
      expect(after).not.to.equal(before);
      expect(after.dueDate({ receivedAt: RECEIVED, duration: THREE_DAYS }).toISOString()).to.equal(
        '2026-04-29T10:00:00.000Z',
      );
      expect((await workers.snapshot()).revision).to.equal(1);
    });

    it('stores swaps and settings so a rebuilt calendar is the one the administrator entered', async () => {
      await admin.addSwaps(readSwaps({ date: '2026-04-25', working: true, note: 'Làm bù' }), ADMIN, null);
      await admin.updateSettings(
        readSettings({
          sessions: [
            { start: '07:30', end: '11:30' },
            { start: '13:00', end: '16:30' },
          ],
        }),
        ADMIN,
        null,
      );
      const snapshot = await new CalendarService(dataSource).snapshot();
      expect(snapshot.data).to.deep.equal({
        holidays: [],
        swaps: [{ date: '2026-04-25', working: true, note: 'Làm bù' }],
        sessions: [
          { start: '07:30', end: '11:30' },
          { start: '13:00', end: '16:30' },
        ],
        includeBuiltInHolidays: true,
      });
      // Saturday 25/4 worked: Friday 24, Saturday 25, Monday 27 → due at the end of Monday's afternoon session
      expect(snapshot.calendar.dueDate({ receivedAt: RECEIVED, duration: THREE_DAYS }).toISOString()).to.equal(
        '2026-04-27T09:30:00.000Z',
      );
      expect(snapshot.revision).to.equal(2);
      expect(snapshot.settings.updatedBy).to.equal('admin');
    });

    it('leaves nothing behind when a change is refused (the revision and the rows roll back)', async () => {
      await admin.addHolidays(
        readHolidays({ date: '2026-09-01', name: { vi: 'Quốc khánh', en: 'National Day' } }),
        ADMIN,
        null,
      );
      let refused: unknown;
      try {
        await admin.addHolidays(
          readHolidays({
            holidays: [
              { date: '2026-09-03', name: { vi: 'Quốc khánh', en: 'National Day' } },
              { date: '2026-09-01', name: { vi: 'Quốc khánh', en: 'National Day' } },
            ],
          }),
          ADMIN,
          null,
        );
      } catch (error) {
        refused = error;
      }
      expect(refused).to.include({ code: 'CONFLICT' });
      expect((refused as { details: unknown }).details).to.deep.equal({
        errors: [
          {
            field: '/holidays/1/date',
            message:
              'Ngày 2026-09-01 đã có ngày nghỉ "Quốc khánh": hãy xoá trước khi nhập lại / 2026-09-01 is already entered as a holiday: delete it first',
          },
        ],
      });
      const snapshot = await api.snapshot();
      expect(snapshot.holidays.map((holiday) => holiday.date)).to.deep.equal(['2026-09-01']);
      expect(snapshot.revision).to.equal(1);
    });
  });
}
