import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  ALWAYS_OPEN,
  businessTimeBetween,
  parseBusinessDuration,
} from '../domain/calendar';
import { ZBusinessCalendar } from '../domain/calendar-schema';
import { profileCalendar } from '../domain/offices';
import { utilityProfile } from '../domain/utility-profile';

const STANDARD_CALENDAR = profileCalendar(utilityProfile('kseb'));

const H = 3_600_000;
// 10:00–17:00 IST (UTC+5:30), Sundays off, 2026-12-25 a holiday.
const office = ZBusinessCalendar.parse({
  id: 't',
  utcOffsetMinutes: 330,
  workingHours: { start: '10:00', end: '17:00' },
  weeklyOff: [0],
  holidays: ['2026-12-25'],
});
const ist = (local: string) => new Date(`${local}+05:30`);

describe('business calendar', () => {
  it('counts only working hours', () => {
    // Monday 16:00 + 2h → Tuesday 11:00
    expect(addBusinessTime(ist('2026-11-23T16:00:00'), 2 * H, office)).toEqual(ist('2026-11-24T11:00:00'));
  });

  it('starts the clock at opening time when submitted after hours', () => {
    expect(addBusinessTime(ist('2026-11-23T20:00:00'), 1 * H, office)).toEqual(ist('2026-11-24T11:00:00'));
  });

  it('skips weekly offs and holidays', () => {
    // Saturday 16:00 + 2h: 1h Saturday, Sunday off → Monday 11:00
    expect(addBusinessTime(ist('2026-11-28T16:00:00'), 2 * H, office)).toEqual(ist('2026-11-30T11:00:00'));
    // Thursday 24 Dec 16:30 + 1h: 30 min, Christmas off → Saturday 26th 10:30
    expect(addBusinessTime(ist('2026-12-24T16:30:00'), 1 * H, office)).toEqual(ist('2026-12-26T10:30:00'));
  });

  it('knows the 2nd and 4th Saturdays of the standard calendar', () => {
    // 2026-11-28 is the 4th Saturday: Friday 16:00 + 2h → Monday 11:00
    expect(addBusinessTime(ist('2026-11-27T16:00:00'), 2 * H, STANDARD_CALENDAR)).toEqual(
      ist('2026-11-30T11:00:00'),
    );
  });

  it('measures business time between instants, the inverse of adding it', () => {
    const from = ist('2026-11-20T15:12:00');
    for (const hours of [0.5, 3, 7, 19.25, 70]) {
      const to = addBusinessTime(from, hours * H, office);
      expect(businessTimeBetween(from, to, office)).toBe(hours * H);
    }
    expect(businessTimeBetween(ist('2026-11-29T09:00:00'), ist('2026-11-29T18:00:00'), office)).toBe(0); // Sunday
  });

  it('runs round the clock when always open', () => {
    const from = new Date('2026-11-29T01:00:00Z');
    expect(addBusinessTime(from, 5000, ALWAYS_OPEN).getTime() - from.getTime()).toBe(5000);
  });

  it('parses business durations and refuses days', () => {
    expect(parseBusinessDuration('21h')).toBe(21 * H);
    expect(parseBusinessDuration('90m')).toBe(1.5 * H);
    expect(parseBusinessDuration('2.5s')).toBe(2500);
    expect(() => parseBusinessDuration('3d')).toThrow();
  });
});

describe('the round-the-clock calendar', () => {
  it('is what the schema makes of { alwaysOpen } (written out so workflows need no zod)', () => {
    expect(ALWAYS_OPEN).toEqual(ZBusinessCalendar.parse({ id: '24x7', alwaysOpen: true }));
  });
});
