import { describe, expect, it } from 'vitest';
import { ZServiceType } from '../domain/catalogue';
import { ALWAYS_OPEN, type TBusinessCalendar } from '../domain/calendar';
import { COMPLAINT_CATALOGUE } from '../domain/complaint-catalogue';
import {
  compensationDue,
  complaintClockEvents,
  runningTime,
  shortestTimelineMs,
  type TStandard,
} from '../domain/compensation';
import { SERVICE_CATALOGUE } from '../domain/catalogue';
import { STANDARDS_OF_PERFORMANCE, withStandard } from '../domain/standards-of-performance';

const SOURCE = { citation: 'test', example: true };
const H = 3_600_000;
const S = 1000;
const perDay = (amount: number, cap?: number, day = '7h'): TStandard => ({
  timeline: { urban: '49h', rural: '105h', hilly: '210h' },
  compensation: { kind: 'per-day', amount, day, ...(cap === undefined ? {} : { cap }), source: SOURCE },
  citation: 'Rules, rule 4',
  source: { citation: 'Rules, rule 4', example: false },
});

describe('compensationDue', () => {
  it('owes nothing exactly on time, and the first started day one millisecond after', () => {
    const standard = perDay(50, 1000);
    expect(compensationDue({ standard, areaClass: 'urban', elapsedMs: 49 * H })).toBeUndefined();
    expect(compensationDue({ standard, areaClass: 'urban', elapsedMs: 49 * H - 1 })).toBeUndefined();
    const due = compensationDue({ standard, areaClass: 'urban', elapsedMs: 49 * H + 1 })!;
    expect(due).toMatchObject({ periodsLate: 1, amountPaise: 5000, lateMs: 1, capped: false, example: true });
    expect(due.rule).toEqual({ kind: 'per-day', amount: 50, cap: 1000, day: '7h' });
  });

  it('counts every started day of the rule (a working day of 7 h), per area class', () => {
    const standard = perDay(50, 1000);
    // rural: 105 h, then 3 days and one hour late → 4 started days
    const due = compensationDue({ standard, areaClass: 'rural', elapsedMs: (105 + 3 * 7 + 1) * H })!;
    expect(due).toMatchObject({
      areaClass: 'rural',
      standardMs: 105 * H,
      periodsLate: 4,
      amountPaise: 20000,
    });
    // the same clock is on time in the hills
    expect(compensationDue({ standard, areaClass: 'hilly', elapsedMs: (105 + 22) * H })).toBeUndefined();
  });

  it('caps the total, and says so', () => {
    const due = compensationDue({ standard: perDay(50, 120), areaClass: 'urban', elapsedMs: (49 + 70) * H })!;
    expect(due.periodsLate).toBe(10);
    expect(due).toMatchObject({ amountPaise: 12000, capped: true });
    // exactly at the cap is not "capped"
    expect(
      compensationDue({ standard: perDay(40, 120), areaClass: 'urban', elapsedMs: (49 + 21) * H }),
    ).toMatchObject({ amountPaise: 12000, capped: false, periodsLate: 3 });
  });

  it('pays a per-case rule once however late, and a per-hour rule by the started hour', () => {
    const perCase: TStandard = {
      ...perDay(0.01),
      compensation: { kind: 'per-case', amount: 250, source: SOURCE },
    };
    for (const late of [1, 5 * H, 500 * H])
      expect(
        compensationDue({ standard: perCase, areaClass: 'urban', elapsedMs: 49 * H + late }),
      ).toMatchObject({ periodsLate: 1, amountPaise: 25000, capped: false });
    const perHour: TStandard = {
      ...perDay(0.01),
      timeline: { urban: '6h', rural: '12h', hilly: '24h' },
      compensation: { kind: 'per-hour', amount: 25, cap: 500, source: SOURCE },
    };
    expect(compensationDue({ standard: perHour, areaClass: 'urban', elapsedMs: 8.5 * H })).toMatchObject({
      periodsLate: 3,
      amountPaise: 7500,
    });
    expect(compensationDue({ standard: perHour, areaClass: 'urban', elapsedMs: 60 * H })).toMatchObject({
      amountPaise: 50000,
      capped: true,
    });
  });

  it('works in paise: 12.35 a day for 3 days is 37.05', () => {
    const due = compensationDue({ standard: perDay(12.35), areaClass: 'urban', elapsedMs: (49 + 20) * H })!;
    expect(due.amountPaise).toBe(3705);
  });

  it('the shortest timeline is the bar below which no area class is late', () => {
    expect(shortestTimelineMs(perDay(1))).toBe(49 * H);
  });
});

describe('runningTime', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const at = (s: number) => new Date(t0 + s * S).toISOString();
  const standard: TStandard = {
    ...perDay(10, 100, '2s'),
    timeline: { urban: '10s', rural: '10s', hilly: '10s' },
  };

  it('leaves out a pause that crosses the due time: a clock due at 10 s, paused 8–20 s, done at 23 s is 1 s late', () => {
    const events = [
      { at: at(0), running: true },
      { at: at(8), running: false },
      { at: at(20), running: true },
    ];
    const elapsed = runningTime(events, at(23), ALWAYS_OPEN);
    expect(elapsed).toBe(11 * S);
    expect(compensationDue({ standard, areaClass: 'urban', elapsedMs: elapsed })).toMatchObject({
      lateMs: S,
      periodsLate: 1,
      amountPaise: 1000,
    });
    // without the pause it would have been 13 s late: 7 started days of 2 s, capped at 100
    expect(
      compensationDue({
        standard,
        areaClass: 'urban',
        elapsedMs: runningTime(events.slice(0, 1), at(23), ALWAYS_OPEN),
      }),
    ).toMatchObject({ periodsLate: 7, amountPaise: 7000 });
  });

  it('done while paused counts up to the pause; on time when the pause holds the due time', () => {
    const events = [
      { at: at(0), running: true },
      { at: at(9), running: false },
    ];
    expect(runningTime(events, at(30), ALWAYS_OPEN)).toBe(9 * S);
    expect(compensationDue({ standard, areaClass: 'urban', elapsedMs: 9 * S })).toBeUndefined();
  });

  it('counts business time only on an office calendar', () => {
    const office: TBusinessCalendar = {
      ...ALWAYS_OPEN,
      id: 'office',
      alwaysOpen: false,
      weeklyOff: [0],
      workingHours: { start: '10:00', end: '17:00' },
    };
    // Tuesday 2026-12-01 09:00 UTC to Wednesday 12:00 UTC: 7 h on Tuesday + 2 h on Wednesday
    const events = [{ at: '2026-12-01T09:00:00Z', running: true }];
    expect(runningTime(events, '2026-12-02T12:00:00Z', office)).toBe(9 * H);
  });

  it("a complaint's clock stops while it stood resolved and runs again when reopened", () => {
    const timeline = [
      { at: at(0), event: 'registered' },
      { at: at(3), event: 'crew-assigned' },
      { at: at(5), event: 'resolved' },
      { at: at(50), event: 'reopened' },
      { at: at(58), event: 'resolved' },
      { at: at(90), event: 'confirmed-fixed' },
    ];
    expect(runningTime(complaintClockEvents(timeline), at(58), ALWAYS_OPEN)).toBe(13 * S);
  });
});

describe('the demo standards', () => {
  it('are valid catalogue data, and say which figures are examples', () => {
    for (const type of SERVICE_CATALOGUE) {
      const entry = withStandard(type, 'kseb');
      expect(() => ZServiceType.parse(entry)).not.toThrow();
    }
    const kseb = STANDARDS_OF_PERFORMANCE.kseb!;
    // the new-connection timeline is cited (rule 4); every amount is an example
    expect(kseb.service['new-connection']!.source.example).toBe(false);
    for (const s of [...Object.values(kseb.service), ...Object.values(kseb.complaint)])
      expect(s.compensation.source.example).toBe(true);
    expect(Object.keys(kseb.complaint)).toEqual(
      expect.arrayContaining(['no-power', 'low-voltage', 'high-voltage']),
    );
    for (const code of Object.keys(kseb.complaint))
      expect(COMPLAINT_CATALOGUE.some((c) => c.code === code)).toBe(true);
    expect(STANDARDS_OF_PERFORMANCE['evn-spc']!.service).toEqual({});
    expect(STANDARDS_OF_PERFORMANCE['ru-grid']!.complaint).toEqual({});
  });

  it('refuses a rule whose cap is below its amount, naming the field', () => {
    const bad = {
      ...withStandard(
        SERVICE_CATALOGUE.find((t) => t.code === 'new-connection')!,
        'kseb',
      ),
    };
    bad.standard = { ...bad.standard!, compensation: { ...bad.standard!.compensation, cap: 1 } as never };
    const result = ZServiceType.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['standard', 'compensation', 'cap']);
  });
});
