import { expect } from 'chai';

import { TIME_ZONE, dayOf, isoDate, parseClock, parseIsoDate, startOfDay, weekdayOf } from './local-time.ts';

describe('Vietnamese local time', () => {
  it("agrees with Intl's Asia/Ho_Chi_Minh, so the fixed +07:00 offset is exact", () => {
    // given
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const instants = ['1976-01-01T00:00:00Z', '2025-12-31T16:59:59Z', '2025-12-31T17:00:00Z', '2026-06-30T23:00:00Z'];
    for (let month = 0; month < 12 * 6; month++)
      instants.push(new Date(Date.UTC(2024, month, 15, 17, 30)).toISOString());

    for (const instant of instants) {
      // when
      const ours = isoDate(dayOf(Date.parse(instant)));

      // then
      expect(ours, instant).to.equal(format.format(new Date(instant)));
    }
  });

  it('starts a local day at 17:00 UTC the day before', () => {
    // when
    const start = startOfDay(parseIsoDate('2026-01-05') ?? Number.NaN);

    // then
    expect(new Date(start).toISOString()).to.equal('2026-01-04T17:00:00.000Z');
  });

  it('numbers weekdays as Date#getDay does', () => {
    // when / then
    expect(weekdayOf(parseIsoDate('2026-01-04') ?? Number.NaN)).to.equal(0);
    expect(weekdayOf(parseIsoDate('2026-01-05') ?? Number.NaN)).to.equal(1);
    expect(weekdayOf(parseIsoDate('1969-12-31') ?? Number.NaN)).to.equal(3);
  });

  it('parses only real calendar dates and HH:MM times', () => {
    // when / then
    expect(parseIsoDate('2024-02-29')).to.be.a('number');
    for (const bad of ['2025-02-29', '2026-13-01', '2026-1-5', '05/01/2026', '2026-01-05T00:00']) {
      expect(parseIsoDate(bad), bad).to.equal(undefined);
    }
    expect(parseClock('07:30')).to.equal(450);
    expect(parseClock('24:00')).to.equal(1440);
    for (const bad of ['7:30', '24:01', '12:60', '15h']) expect(parseClock(bad), bad).to.equal(undefined);
  });
});
