import { expect } from 'chai';
import { WorkingCalendar } from '@motcua/calendar';
import {
  HOUSEHOLD_BUSINESS,
  KINH_BAC,
  completeTask,
  dossierWhen,
  householdBusinessForm,
} from './support/dossier-journey.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Certified copies are due the same day (cut-off 15:00); household businesses in 3 working days. */
const CERTIFIED_COPY = '2.000815';

const TET_EXTRA = [
  { date: '2026-02-13', name: { vi: 'Nghỉ Tết Nguyên đán (26 tháng Chạp)', en: 'Lunar New Year holiday' } },
  { date: '2026-02-23', name: { vi: 'Nghỉ Tết Nguyên đán (mùng 7 Tết)', en: 'Lunar New Year holiday' } },
];
const HUNG_KINGS_IN_LIEU = {
  date: '2026-04-27',
  name: { vi: 'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật)', en: 'Hung Kings Commemoration (in lieu)' },
};
const DEFAULT_SETTINGS = {
  sessions: [
    { start: '07:00', end: '11:30' },
    { start: '13:30', end: '17:00' },
  ],
  sameDayCutoff: '15:00',
  weekendDays: [6, 0],
  includeBuiltInHolidays: true,
  workingDayMinutes: 480,
};

for (const { name, env } of testServerDatabases()) {
  describe(`the working-day calendar over HTTP on ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let admin: string;
    let desk: string;
    let citizen: string;
    before(async () => {
      server = await startTestServer(env);
      [admin, desk, citizen] = await Promise.all([
        server.login('admin'),
        server.login('kinhbac.desk'),
        server.login('citizen.an'),
      ]);
    });
    after(() => server?.close());

    /** The appointment date the portal shows for a dossier accepted at `receivedAt`. */
    async function dueAt(service: string, receivedAt: string, channel = 'online'): Promise<string> {
      const query = new URLSearchParams({ service, channel, receivedAt });
      const response = await server.request('GET', `/api/calendar/due-date?${query}`);
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      return response.body.dueAt as string;
    }

    async function overview(year = 2026, token = admin): Promise<Json> {
      const response = await server.request('GET', `/api/admin/calendar?year=${year}`, { token });
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      return response.body;
    }

    async function call(method: string, path: string, body?: unknown, token = admin): Promise<Json> {
      return server.request(method, path, { token, body });
    }

    it("shows officials the year's calendar: the built-in public holidays, office sessions and the 15:00 cut-off", async () => {
      const calendar = await overview(2026, desk);
      expect(calendar.year).to.equal(2026);
      expect(calendar.holidays.map((holiday: Json) => holiday.date)).to.deep.equal([
        '2026-01-01',
        '2026-02-16',
        '2026-02-17',
        '2026-02-18',
        '2026-02-19',
        '2026-02-20',
        '2026-04-26',
        '2026-04-30',
        '2026-05-01',
        '2026-09-02',
      ]);
      expect(calendar.holidays.every((holiday: Json) => holiday.source === 'built-in' && holiday.dayOff)).to.equal(
        true,
      );
      expect(calendar.swaps).to.deep.equal([]);
      expect(calendar.settings).to.deep.equal(DEFAULT_SETTINGS);
    });

    it("moves a dossier's due date by the Tết days the administrator adds, and back when they are deleted", async () => {
      // given: accepted Thursday 12/2/2026; Tết (16–20/2) and two weekends fall inside its three working days
      const receivedAt = '2026-02-12T10:00:00+07:00';
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-02-24T17:00:00+07:00');

      // when: the administrator enters the Friday before and the Monday after as Tết days
      const entered = await call('POST', '/api/admin/calendar/holidays', { holidays: TET_EXTRA });
      expect(entered.status, JSON.stringify(entered.body)).to.equal(201);
      expect(entered.body.holidays.map((holiday: Json) => holiday.date)).to.deep.equal(['2026-02-13', '2026-02-23']);

      // then: counted from Tuesday 24/2, due Thursday 26/2; the year shows them as entered, by admin, audited
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-02-26T17:00:00+07:00');
      const calendar = await overview();
      const tet = calendar.holidays.filter((holiday: Json) => holiday.date.startsWith('2026-02'));
      expect(tet.map((holiday: Json) => [holiday.date, holiday.source])).to.deep.equal([
        ['2026-02-13', 'entered'],
        ['2026-02-16', 'built-in'],
        ['2026-02-17', 'built-in'],
        ['2026-02-18', 'built-in'],
        ['2026-02-19', 'built-in'],
        ['2026-02-20', 'built-in'],
        ['2026-02-23', 'entered'],
      ]);
      expect(tet[0]).to.include({ createdBy: 'admin', dayOff: true });
      expect(tet[0].name).to.deep.equal(TET_EXTRA[0]!.name);
      const audit = await call('GET', '/api/admin/audit?entity=calendar&action=calendar.holiday.create');
      expect(audit.body.entries.map((entry: Json) => entry.entityId)).to.include.members(['2026-02-13', '2026-02-23']);

      // when: deleted again
      for (const { date } of TET_EXTRA) {
        const deleted = await call('DELETE', `/api/admin/calendar/holidays/${date}`);
        expect(deleted.status, JSON.stringify(deleted.body)).to.equal(200);
      }

      // then: back to Tuesday 24/2
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-02-24T17:00:00+07:00');
    });

    it('moves it later for a compensatory day, and earlier again for a Saturday swapped to a working day', async () => {
      // given: accepted Thursday 23/4/2026: Friday 24, (Hùng Kings on Sunday 26) Monday 27, Tuesday 28
      const receivedAt = '2026-04-23T10:00:00+07:00';
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-04-28T17:00:00+07:00');

      // when: Monday 27/4 is entered as the compensatory day
      const entered = await call('POST', '/api/admin/calendar/holidays', HUNG_KINGS_IN_LIEU);
      expect(entered.status, JSON.stringify(entered.body)).to.equal(201);
      // then: one working day later
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-04-29T17:00:00+07:00');

      // when: Saturday 25/4 is worked instead
      const swapped = await call('POST', '/api/admin/calendar/swaps', {
        date: '2026-04-25',
        working: true,
        note: 'Làm bù cho thứ Hai 27/4/2026',
      });
      expect(swapped.status, JSON.stringify(swapped.body)).to.equal(201);
      expect(swapped.body.swaps).to.have.length(1);
      expect(swapped.body.swaps[0]).to.include({ date: '2026-04-25', working: true, createdBy: 'admin' });
      // then: Friday 24, Saturday 25, Tuesday 28
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-04-28T17:00:00+07:00');
      expect((await overview()).swaps.map((swap: Json) => [swap.date, swap.working, swap.note])).to.deep.equal([
        ['2026-04-25', true, 'Làm bù cho thứ Hai 27/4/2026'],
      ]);

      // when: a built-in holiday (30/4) is swapped to a working day, the year shows it as not a day off
      expect((await call('POST', '/api/admin/calendar/swaps', { date: '2026-04-30', working: true })).status).to.equal(
        201,
      );
      const thirty = (await overview()).holidays.find((holiday: Json) => holiday.date === '2026-04-30');
      expect(thirty).to.include({ source: 'built-in', dayOff: false });

      // cleanup, through the API
      for (const path of ['swaps/2026-04-30', 'swaps/2026-04-25', 'holidays/2026-04-27']) {
        expect((await call('DELETE', `/api/admin/calendar/${path}`)).status).to.equal(200);
      }
      expect(await dueAt(HOUSEHOLD_BUSINESS, receivedAt)).to.equal('2026-04-28T17:00:00+07:00');
    });

    it('follows the office hours and same-day cut-off the administrator sets', async () => {
      // given: a certified copy at 14:30, before the 15:00 cut-off, is due the same day
      expect(await dueAt(CERTIFIED_COPY, '2026-04-23T14:30:00+07:00')).to.equal('2026-04-23T17:00:00+07:00');

      // when: the office closes at 16:30 and the cut-off is 14:00
      const sessions = [
        { start: '07:30', end: '11:30' },
        { start: '13:00', end: '16:30' },
      ];
      const updated = await call('PUT', '/api/admin/calendar/settings', { sessions, sameDayCutoff: '14:00' });
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      expect(updated.body.settings).to.deep.equal({
        ...DEFAULT_SETTINGS,
        sessions,
        sameDayCutoff: '14:00',
        workingDayMinutes: 450,
      });

      // then: the copy is due the next working day at 16:30, and working days end at 16:30
      expect(await dueAt(CERTIFIED_COPY, '2026-04-23T14:30:00+07:00')).to.equal('2026-04-24T16:30:00+07:00');
      expect(await dueAt(HOUSEHOLD_BUSINESS, '2026-04-23T10:00:00+07:00')).to.equal('2026-04-28T16:30:00+07:00');
      expect((await overview()).settings.sameDayCutoff).to.equal('14:00');

      // when: the settings are put back (an empty body is every default)
      const reset = await call('PUT', '/api/admin/calendar/settings', {});
      expect(reset.status).to.equal(200);
      expect(reset.body.settings).to.deep.equal(DEFAULT_SETTINGS);
      expect(await dueAt(CERTIFIED_COPY, '2026-04-23T14:30:00+07:00')).to.equal('2026-04-23T17:00:00+07:00');
    });

    it('gives a dossier accepted at the desk (motcua.accept) a due date on the calendar the administrator entered', async () => {
      // given: the next two working days entered as holidays
      const builtIn = new WorkingCalendar();
      const first = builtIn.nextWorkingDay(new Date());
      const second = builtIn.nextWorkingDay(first);
      const holidays = [first, second].map((date) => ({ date, name: { vi: 'Nghỉ thử nghiệm', en: 'Test day off' } }));
      const entered = await call('POST', '/api/admin/calendar/holidays', { holidays });
      expect(entered.status, JSON.stringify(entered.body)).to.equal(201);

      // when: a citizen submits and the desk accepts
      const submitted = await server.request('POST', '/api/dossiers', {
        token: citizen,
        body: { serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: householdBusinessForm() },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
      const id = submitted.body.id as string;
      await completeTask(server, desk, id, 'desk-receipt', {
        decision: 'accept',
        checkedDocuments: ['application-form'],
      });
      const accepted = await dossierWhen(server, citizen, id, 'acceptance', (dossier) => dossier.dueAt !== null);

      // then: due three working days after acceptance on the entered calendar, later than on the built-in one
      const receivedAt = new Date(accepted.receivedAt);
      const duration = { workingDays: 3 };
      const expected = new WorkingCalendar({ holidays }).dueDate({ receivedAt, duration });
      expect(new Date(accepted.dueAt).getTime()).to.equal(expected.getTime());
      expect(expected.getTime()).to.be.greaterThan(builtIn.dueDate({ receivedAt, duration }).getTime());

      for (const { date } of holidays) {
        expect((await call('DELETE', `/api/admin/calendar/holidays/${date}`)).status).to.equal(200);
      }
    });

    it('lets neither a citizen nor a desk officer change the calendar (403), nor anyone unauthenticated read it (401)', async () => {
      const changes: [string, string, unknown][] = [
        ['POST', '/api/admin/calendar/holidays', HUNG_KINGS_IN_LIEU],
        ['DELETE', '/api/admin/calendar/holidays/2026-04-27', undefined],
        ['POST', '/api/admin/calendar/swaps', { date: '2026-04-25', working: true }],
        ['DELETE', '/api/admin/calendar/swaps/2026-04-25', undefined],
        ['PUT', '/api/admin/calendar/settings', { sameDayCutoff: '14:00' }],
      ];
      for (const token of [citizen, desk]) {
        for (const [method, path, body] of changes) {
          const response = await call(method, path, body, token);
          expect(response.status, `${method} ${path}`).to.equal(403);
          expect(response.body.error).to.equal('FORBIDDEN');
        }
      }
      expect((await call('GET', '/api/admin/calendar', undefined, citizen)).status).to.equal(403);
      expect((await server.request('GET', '/api/admin/calendar')).status).to.equal(401);
      const calendar = await overview();
      expect(calendar.holidays.filter((holiday: Json) => holiday.source === 'entered')).to.deep.equal([]);
      expect(calendar.settings).to.deep.equal(DEFAULT_SETTINGS);
    });

    it('refuses invalid input with every problem at its JSON pointer, and stores nothing', async () => {
      const revision = (await overview()).revision;

      // a bad date and a missing Vietnamese name
      const holiday = await call('POST', '/api/admin/calendar/holidays', {
        holidays: [
          { date: '2026-02-30', name: { vi: 'Tết', en: 'Tet' } },
          { date: '2026-02-13', name: { en: 'Tet' } },
        ],
      });
      expect(holiday.status).to.equal(400);
      expect(holiday.body.error).to.equal('VALIDATION_FAILED');
      expect(holiday.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal([
        '/holidays/0/date',
        '/holidays/1/name',
      ]);
      expect(holiday.body.details.errors[0].message).to.match(
        /^Phải là một ngày có thật .* \/ must be a calendar date/,
      );

      // a session that ends before it starts, a cut-off that is no time, a weekday that does not exist
      const settings = await call('PUT', '/api/admin/calendar/settings', {
        sessions: [
          { start: '07:00', end: '11:30' },
          { start: '13:30', end: '12:00' },
        ],
        sameDayCutoff: '3pm',
        weekendDays: [6, 7],
      });
      expect(settings.status).to.equal(400);
      expect(settings.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal([
        '/sessions/1',
        '/sameDayCutoff',
        '/weekendDays/1',
      ]);
      expect(settings.body.details.errors[0].message).to.equal(
        'Giờ kết thúc (12:00) phải sau giờ bắt đầu (13:30) / ends (12:00) before it starts (13:30)',
      );

      // a swap that changes nothing (Wednesday is a working day already) and one that is not a swap
      const swap = await call('POST', '/api/admin/calendar/swaps', {
        swaps: [{ date: '2026-04-29', working: true }],
      });
      expect(swap.status).to.equal(400);
      expect(swap.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal(['/swaps/0/working']);
      const notASwap = await call('POST', '/api/admin/calendar/swaps', { date: '2026/04/25', working: 'yes' });
      expect(notASwap.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal(['/date', '/working']);

      // a bad year or date in the address; a holiday that was never entered; a built-in one cannot be deleted
      expect((await call('GET', '/api/admin/calendar?year=26')).status).to.equal(400);
      expect((await call('DELETE', '/api/admin/calendar/holidays/2026-02-30')).status).to.equal(400);
      expect((await call('DELETE', '/api/admin/calendar/holidays/2026-04-27')).status).to.equal(404);
      expect((await call('DELETE', '/api/admin/calendar/holidays/2026-04-30')).status).to.equal(404);

      expect((await overview()).revision).to.equal(revision);
    });

    it('refuses a date entered twice, or a holiday on a date swapped to a working day (409), keeping the first', async () => {
      expect((await call('POST', '/api/admin/calendar/holidays', HUNG_KINGS_IN_LIEU)).status).to.equal(201);
      const again = await call('POST', '/api/admin/calendar/holidays', HUNG_KINGS_IN_LIEU);
      expect(again.status).to.equal(409);
      expect(again.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal(['/date']);
      const contradiction = await call('POST', '/api/admin/calendar/swaps', { date: '2026-04-27', working: true });
      expect(contradiction.status).to.equal(409);

      expect((await call('POST', '/api/admin/calendar/swaps', { date: '2026-05-02', working: true })).status).to.equal(
        201,
      );
      const onSwapped = await call('POST', '/api/admin/calendar/holidays', {
        date: '2026-05-02',
        name: { vi: 'Nghỉ', en: 'Off' },
      });
      expect(onSwapped.status).to.equal(409);

      const calendar = await overview();
      expect(calendar.holidays.filter((holiday: Json) => holiday.source === 'entered')).to.have.length(1);
      expect(calendar.swaps.map((swap: Json) => swap.date)).to.deep.equal(['2026-05-02']);
      expect((await call('DELETE', '/api/admin/calendar/holidays/2026-04-27')).status).to.equal(200);
      expect((await call('DELETE', '/api/admin/calendar/swaps/2026-05-02')).status).to.equal(200);
    });

    it("answers the portal's due-date question without a login, and refuses unknown services and channels", async () => {
      const response = await server.request(
        'GET',
        `/api/calendar/due-date?service=${HOUSEHOLD_BUSINESS}&receivedAt=2026-04-23T10:00:00%2B07:00`,
      );
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({
        service: HOUSEHOLD_BUSINESS,
        channel: 'online',
        duration: { workingDays: 3 },
        receivedAt: '2026-04-23T10:00:00+07:00',
        dueAt: '2026-04-28T17:00:00+07:00',
        dueAtVi: '17:00 Thứ Ba, ngày 28/04/2026',
      });
      const now = await server.request('GET', `/api/calendar/due-date?service=${HOUSEHOLD_BUSINESS}&channel=counter`);
      expect(now.status).to.equal(200);
      expect(new Date(now.body.dueAt).getTime()).to.be.greaterThan(Date.now());
      expect((await server.request('GET', '/api/calendar/due-date?service=9.999999')).status).to.equal(404);
      const bad = await server.request('GET', `/api/calendar/due-date?channel=fax&receivedAt=tomorrow`);
      expect(bad.status).to.equal(400);
      expect(bad.body.details.errors.map((problem: Json) => problem.field)).to.deep.equal([
        'service',
        'channel',
        'receivedAt',
      ]);
    });
  });
}
