import { expect } from 'chai';

import { TimerExpressionError, addDuration, nextCycleDueDate, parseCycle, parseTimeDate } from './timer-expressions.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (epochMs: number): string => new Date(epochMs).toISOString();

describe('timer expressions', () => {
  describe('addDuration', () => {
    const start = at('2026-01-05T08:00:00Z');

    it('adds days and times', () => {
      expect(iso(addDuration(start, 'P1D'))).to.equal('2026-01-06T08:00:00.000Z');
      expect(iso(addDuration(start, 'PT15M'))).to.equal('2026-01-05T08:15:00.000Z');
      expect(iso(addDuration(start, 'P1DT2H30M'))).to.equal('2026-01-06T10:30:00.000Z');
      expect(iso(addDuration(start, 'PT36H'))).to.equal('2026-01-06T20:00:00.000Z');
      expect(iso(addDuration(start, 'PT0.25S'))).to.equal('2026-01-05T08:00:00.250Z');
      expect(iso(addDuration(start, 'P3Y6M4DT12H30M5S'))).to.equal('2029-07-09T20:30:05.000Z');
    });

    it('adds weeks', () => {
      expect(iso(addDuration(start, 'P2W'))).to.equal('2026-01-19T08:00:00.000Z');
      expect(iso(addDuration(start, 'P1W2D'))).to.equal('2026-01-14T08:00:00.000Z');
    });

    it('keeps the start for a zero duration', () => {
      expect(addDuration(start, 'PT0S')).to.equal(start);
      expect(addDuration(start, 'P0D')).to.equal(start);
    });

    it('goes back for a negative duration, so the timer is due in the past', () => {
      expect(iso(addDuration(start, '-PT5M'))).to.equal('2026-01-05T07:55:00.000Z');
      expect(iso(addDuration(start, 'PT-5M'))).to.equal('2026-01-05T07:55:00.000Z');
      expect(addDuration(start, '-P1D')).to.be.below(start);
    });

    it('adds months and years in calendar terms, clamping to the end of shorter months', () => {
      expect(iso(addDuration(at('2026-01-31T10:00:00Z'), 'P1M'))).to.equal('2026-02-28T10:00:00.000Z');
      expect(iso(addDuration(at('2024-01-31T10:00:00Z'), 'P1M'))).to.equal('2024-02-29T10:00:00.000Z');
      expect(iso(addDuration(at('2026-03-31T10:00:00Z'), 'P1M'))).to.equal('2026-04-30T10:00:00.000Z');
      expect(iso(addDuration(at('2026-01-15T10:00:00Z'), 'P1Y2M'))).to.equal('2027-03-15T10:00:00.000Z');
      expect(iso(addDuration(at('2024-02-29T00:00:00Z'), 'P1Y'))).to.equal('2025-02-28T00:00:00.000Z');
      expect(iso(addDuration(at('2026-11-30T10:00:00Z'), 'P3M'))).to.equal('2027-02-28T10:00:00.000Z');
      expect(iso(addDuration(at('2026-03-31T10:00:00Z'), '-P1M'))).to.equal('2026-02-28T10:00:00.000Z');
    });

    it('accepts lower-case designators like java.time', () => {
      expect(iso(addDuration(start, 'p1dt1h'))).to.equal('2026-01-06T09:00:00.000Z');
    });

    it('rejects malformed durations with a message naming the input', () => {
      for (const bad of ['', 'P', 'PT', '1D', 'P1H', 'P1.5D', 'PT1H2D', 'P1DT', 'five minutes', 'R/PT1H']) {
        expect(() => addDuration(start, bad), bad)
          .to.throw(TimerExpressionError)
          .with.property('message')
          .that.contains(`'${bad}' is not an ISO 8601 duration`);
      }
    });
  });

  describe('parseTimeDate', () => {
    it('reads UTC and offset date-times', () => {
      expect(iso(parseTimeDate('2026-01-01T10:00:00Z'))).to.equal('2026-01-01T10:00:00.000Z');
      expect(iso(parseTimeDate('2026-01-01T10:00:00+07:00'))).to.equal('2026-01-01T03:00:00.000Z');
      expect(iso(parseTimeDate('2026-01-01T10:00:00-05:30'))).to.equal('2026-01-01T15:30:00.000Z');
      expect(iso(parseTimeDate('2026-01-01T10:00:00.123Z'))).to.equal('2026-01-01T10:00:00.123Z');
      expect(iso(parseTimeDate('2026-01-01T10:00Z'))).to.equal('2026-01-01T10:00:00.000Z');
    });

    it('treats a date-time without offset or zone as UTC, as Zeebe documents', () => {
      expect(iso(parseTimeDate('2019-10-02T08:09:40'))).to.equal('2019-10-02T08:09:40.000Z');
    });

    it('resolves a zone id in brackets, including daylight saving time', () => {
      expect(iso(parseTimeDate('2026-01-01T10:00:00[Asia/Ho_Chi_Minh]'))).to.equal('2026-01-01T03:00:00.000Z');
      expect(iso(parseTimeDate('2019-10-02T08:09:40[Europe/Berlin]'))).to.equal('2019-10-02T06:09:40.000Z');
      expect(iso(parseTimeDate('2026-01-15T08:00:00[Europe/Berlin]'))).to.equal('2026-01-15T07:00:00.000Z');
    });

    it('moves a time in a DST gap forward and takes the earlier offset in an overlap, like java.time', () => {
      expect(iso(parseTimeDate('2024-03-31T02:30:00[Europe/Berlin]'))).to.equal('2024-03-31T01:30:00.000Z');
      expect(iso(parseTimeDate('2024-10-27T02:30:00[Europe/Berlin]'))).to.equal('2024-10-27T00:30:00.000Z');
    });

    it('lets the offset fix the instant when both offset and zone id are given', () => {
      expect(iso(parseTimeDate('2022-01-01T10:00:00+02:00[Europe/Berlin]'))).to.equal('2022-01-01T08:00:00.000Z');
    });

    it('rejects malformed or impossible date-times and unknown zones', () => {
      expect(() => parseTimeDate('2026-01-01')).to.throw(TimerExpressionError, 'is not an ISO 8601 date-time');
      expect(() => parseTimeDate('tomorrow')).to.throw(TimerExpressionError, 'is not an ISO 8601 date-time');
      expect(() => parseTimeDate('2026-02-30T10:00:00Z')).to.throw(TimerExpressionError, 'not a valid calendar');
      expect(() => parseTimeDate('2026-01-01T24:00:00Z')).to.throw(TimerExpressionError, 'not a valid calendar');
      expect(() => parseTimeDate('2026-01-01T10:00:00+19:00')).to.throw(TimerExpressionError, 'invalid offset');
      expect(() => parseTimeDate('2026-01-01T10:00:00[Mars/Olympus]')).to.throw(
        TimerExpressionError,
        "unknown time zone 'Mars/Olympus'",
      );
    });
  });

  describe('parseCycle', () => {
    it('reads a repeating interval with a count', () => {
      expect(parseCycle('R5/PT10S')).to.deep.equal({ repetitions: 5, duration: 'PT10S' });
    });

    it('reads an infinite repeating interval', () => {
      expect(parseCycle('R/PT1H')).to.deep.equal({ repetitions: -1, duration: 'PT1H' });
    });

    it('reads a repeating interval with a start, also one with a zone id', () => {
      expect(parseCycle('R3/2026-01-01T00:00:00Z/P1D')).to.deep.equal({
        repetitions: 3,
        start: at('2026-01-01T00:00:00Z'),
        duration: 'P1D',
      });
      expect(parseCycle('R/2022-01-01T10:00:00+02:00[Europe/Berlin]/P1D')).to.deep.equal({
        repetitions: -1,
        start: at('2022-01-01T08:00:00Z'),
        duration: 'P1D',
      });
    });

    it('reads a 6-field cron expression as an infinite cycle', () => {
      expect(parseCycle('0 0 9-17 * * MON-FRI')).to.deep.equal({ repetitions: -1, cron: '0 0 9-17 * * MON-FRI' });
      expect(parseCycle('@daily')).to.deep.equal({ repetitions: -1, cron: '@daily' });
    });

    it('rejects malformed cycles with a clear message', () => {
      const rejects = (text: string, message: string): void => {
        expect(() => parseCycle(text), text).to.throw(TimerExpressionError, message);
      };
      rejects('', 'empty timer cycle');
      rejects('RX/PT1S', 'is not an ISO 8601 repeating interval');
      rejects('R5', 'is not an ISO 8601 repeating interval');
      rejects('R5/PT', 'is not an ISO 8601 duration');
      rejects('R/PT0S', 'must be positive');
      rejects('R/yesterday/PT1H', 'is not an ISO 8601 date-time');
      rejects('0 9 * * *', 'it has 5 fields');
      rejects('0 0 25 * * *', "invalid hour field '25': 25 is not in 0-23");
      rejects('0 0 9 * * FUNDAY', "invalid day-of-week field 'FUNDAY'");
      rejects('0 0 9 * JAN-FOO *', "invalid month field 'JAN-FOO'");
      rejects('0 0 9 * * FRI-MON', 'goes backwards');
      rejects('0 */0 * * * *', 'must be positive');
      rejects('0 0 0 30 2 *', 'never fires');
    });
  });

  describe('nextCycleDueDate', () => {
    const now = at('2026-01-05T08:00:00Z');

    it('fires a cycle without start one interval after the given time', () => {
      const cycle = parseCycle('R5/PT10S');
      expect(iso(nextCycleDueDate(cycle, now))).to.equal('2026-01-05T08:00:10.000Z');
      expect(iso(nextCycleDueDate(cycle, now + 10_000))).to.equal('2026-01-05T08:00:20.000Z');
    });

    it('fires first at a future start, then one interval after each firing', () => {
      // given
      const cycle = parseCycle('R3/2026-02-01T00:00:00Z/P1D');

      // when
      const first = nextCycleDueDate(cycle, now);
      const second = nextCycleDueDate(cycle, first);

      // then
      expect(iso(first)).to.equal('2026-02-01T00:00:00.000Z');
      expect(iso(second)).to.equal('2026-02-02T00:00:00.000Z');
    });

    it('ignores a start in the past', () => {
      const cycle = parseCycle('R/2020-01-01T00:00:00Z/PT1H');
      expect(iso(nextCycleDueDate(cycle, now))).to.equal('2026-01-05T09:00:00.000Z');
    });

    it('applies a monthly interval in calendar terms', () => {
      const cycle = parseCycle('R/P1M');
      expect(iso(nextCycleDueDate(cycle, at('2026-01-31T09:00:00Z')))).to.equal('2026-02-28T09:00:00.000Z');
    });

    it('skips weekends with a MON-FRI cron (evaluated in UTC)', () => {
      // given: Friday 2026-01-09, after the last firing of the day
      const cycle = parseCycle('0 0 9-17 * * MON-FRI');

      // when
      const next = nextCycleDueDate(cycle, at('2026-01-09T17:00:00Z'));

      // then: Monday 09:00, not Saturday
      expect(iso(next)).to.equal('2026-01-12T09:00:00.000Z');
    });

    it('gives the next matching second strictly after the given time', () => {
      const cycle = parseCycle('0 0 9-17 * * MON-FRI');
      expect(iso(nextCycleDueDate(cycle, at('2026-01-05T09:00:00Z')))).to.equal('2026-01-05T10:00:00.000Z');
      expect(iso(nextCycleDueDate(cycle, at('2026-01-05T08:59:59.500Z')))).to.equal('2026-01-05T09:00:00.000Z');
      expect(iso(nextCycleDueDate(parseCycle('* * * * * *'), at('2026-01-05T09:00:00.300Z')))).to.equal(
        '2026-01-05T09:00:01.000Z',
      );
    });

    it('supports lists, steps, names, ? and day 7 as Sunday', () => {
      const next = (cron: string, after: string): string => iso(nextCycleDueDate(parseCycle(cron), at(after)));
      expect(next('0 */15 * * * *', '2026-01-05T08:07:00Z')).to.equal('2026-01-05T08:15:00.000Z');
      expect(next('30 5 8,12 * * ?', '2026-01-05T08:05:30Z')).to.equal('2026-01-05T12:05:30.000Z');
      expect(next('0 0 0 1 jan,jul *', '2026-01-05T00:00:00Z')).to.equal('2026-07-01T00:00:00.000Z');
      expect(next('0 0 12 ? * 7', '2026-01-05T00:00:00Z')).to.equal('2026-01-11T12:00:00.000Z');
      expect(next('0 0 12 ? * SUN', '2026-01-05T00:00:00Z')).to.equal('2026-01-11T12:00:00.000Z');
      expect(next('0 10/20 * * * *', '2026-01-05T08:31:00Z')).to.equal('2026-01-05T08:50:00.000Z');
    });

    it('requires both day-of-month and day-of-week to match, as Spring does', () => {
      // the next Friday the 13th after 2026-01-05 is in February
      const cycle = parseCycle('0 0 0 13 * FRI');
      expect(iso(nextCycleDueDate(cycle, at('2026-01-05T00:00:00Z')))).to.equal('2026-02-13T00:00:00.000Z');
    });

    it('supports macros and the Quartz-style L, W and # of Spring', () => {
      const next = (cron: string, after: string): string => iso(nextCycleDueDate(parseCycle(cron), at(after)));
      expect(next('@hourly', '2026-01-05T08:30:00Z')).to.equal('2026-01-05T09:00:00.000Z');
      expect(next('@monthly', '2026-01-05T08:30:00Z')).to.equal('2026-02-01T00:00:00.000Z');
      expect(next('0 0 0 L * *', '2026-02-01T00:00:00Z')).to.equal('2026-02-28T00:00:00.000Z');
      expect(next('0 0 0 L-2 * *', '2026-02-01T00:00:00Z')).to.equal('2026-02-26T00:00:00.000Z');
      expect(next('0 0 0 LW * *', '2026-01-01T00:00:00Z')).to.equal('2026-01-30T00:00:00.000Z');
      expect(next('0 0 0 1W * *', '2026-02-02T00:00:00Z')).to.equal('2026-03-02T00:00:00.000Z');
      expect(next('0 0 0 ? * FRI#2', '2026-01-10T00:00:00Z')).to.equal('2026-02-13T00:00:00.000Z');
      expect(next('0 0 0 ? * 5L', '2026-01-01T00:00:00Z')).to.equal('2026-01-30T00:00:00.000Z');
    });

    it('finds rare dates such as 29 February on a Monday', () => {
      const cycle = parseCycle('0 0 0 29 2 MON');
      expect(iso(nextCycleDueDate(cycle, at('2026-01-01T00:00:00Z')))).to.equal('2044-02-29T00:00:00.000Z');
    });
  });
});
