import { describe, expect, it } from 'vitest';
import { onCallNow, type TOnCallShift } from '../domain/staff';

// India is UTC+05:30; 2026-11-23 is a Monday.
const ist = (local: string) => new Date(`${local}+05:30`);
const who = (shifts: TOnCallShift[], at: Date) => onCallNow(shifts, at).map((s) => s.subject);

describe('onCallNow (India time)', () => {
  const roster: TOnCallShift[] = [
    { subject: 'day', from: '08:00', to: '20:00' },
    { subject: 'night', from: '20:00', to: '08:00' },
  ];

  it('hands over at the edges: from is inclusive, to exclusive', () => {
    expect(who(roster, ist('2026-11-23T07:59:59'))).toEqual(['night']);
    expect(who(roster, ist('2026-11-23T08:00:00'))).toEqual(['day']);
    expect(who(roster, ist('2026-11-23T19:59:00'))).toEqual(['day']);
    expect(who(roster, ist('2026-11-23T20:00:00'))).toEqual(['night']);
  });

  it('keeps a night shift on call across midnight', () => {
    expect(who(roster, ist('2026-11-23T23:59:00'))).toEqual(['night']);
    expect(who(roster, ist('2026-11-24T00:00:00'))).toEqual(['night']);
    expect(who(roster, ist('2026-11-24T03:30:00'))).toEqual(['night']);
  });

  it('reads the clock in India time, not UTC', () => {
    // 02:29 UTC is 07:59 IST; 02:30 UTC is 08:00 IST
    expect(who(roster, new Date('2026-11-23T02:29:00Z'))).toEqual(['night']);
    expect(who(roster, new Date('2026-11-23T02:30:00Z'))).toEqual(['day']);
  });

  it('gives a crossing shift to the day it started on', () => {
    const mondayNights: TOnCallShift[] = [{ subject: 'mon-night', from: '22:00', to: '06:00', weekdays: [1] }];
    expect(who(mondayNights, ist('2026-11-23T21:59:00'))).toEqual([]); // Monday, before it starts
    expect(who(mondayNights, ist('2026-11-23T22:00:00'))).toEqual(['mon-night']); // Monday night
    expect(who(mondayNights, ist('2026-11-24T05:59:00'))).toEqual(['mon-night']); // Tuesday early: Monday's shift
    expect(who(mondayNights, ist('2026-11-24T06:00:00'))).toEqual([]);
    expect(who(mondayNights, ist('2026-11-24T22:30:00'))).toEqual([]); // Tuesday night: not Monday's
    expect(who(mondayNights, ist('2026-11-23T01:00:00'))).toEqual([]); // Monday early: Sunday's, none
  });

  it('returns every overlapping shift, and from = to means around the clock', () => {
    const shifts: TOnCallShift[] = [
      ...roster,
      { subject: 'handover', from: '19:30', to: '20:30' },
      { subject: 'always', from: '00:00', to: '00:00' },
      { subject: 'sunday', from: '08:00', to: '20:00', weekdays: [0] },
    ];
    expect(who(shifts, ist('2026-11-23T19:45:00'))).toEqual(['day', 'handover', 'always']);
    expect(who(shifts, ist('2026-11-23T20:15:00'))).toEqual(['night', 'handover', 'always']);
    expect(who(shifts, ist('2026-11-29T12:00:00'))).toEqual(['day', 'always', 'sunday']);
    expect(who([], ist('2026-11-29T12:00:00'))).toEqual([]);
  });
});
