import type { TBusinessCalendar } from './calendar-schema';

/**
 * Business-calendar arithmetic for TAT clocks. Pure and deterministic: workflows call it with
 * workflow time. Offices keep local time as a fixed UTC offset (the utility profile's zone, which
 * must have no DST); a calendar that
 * is `alwaysOpen` counts wall-clock time (24x7 complaint desks, and tests that run in seconds).
 * No zod here: workflows load this module, and what they load is paid for per cached workflow;
 * the schemas are in `calendar-schema.ts`.
 */

export type { TBusinessCalendar } from './calendar-schema';

/** Round the clock (24x7 desks; tests that run in seconds): no local time, so no offset. */
export const ALWAYS_OPEN: TBusinessCalendar = {
  id: '24x7',
  utcOffsetMinutes: 0,
  alwaysOpen: true,
  workingHours: { start: '10:00', end: '17:00' },
  weeklyOff: [0],
  secondAndFourthSaturdayOff: false,
  holidays: [],
};

export function parseBusinessDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  if (!match) throw new Error(`not a business duration: ${value}`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

const DAY = 86_400_000;
/** 'HH:MM' as minutes since midnight. */
export const toMinutes = (value: string) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));

/** Minutes since midnight and the weekday at a fixed offset (the utility profile's zone). */
export { localMinutes, localWeekday } from './utility-profile-contract';

/**
 * Is minute-of-day `minute` within the daily window [start, end)? A window that ends before it
 * starts crosses midnight (21:00–08:00 holds 23:00 and 07:59, not 08:00); start = end is empty.
 */
export const withinDailyWindow = (minute: number, start: number, end: number) =>
  start > end ? minute >= start || minute < end : minute >= start && minute < end;

/** Working window of the local day that starts at `localDayStart` (ms, local clock as UTC), or none. */
function windowOf(cal: TBusinessCalendar, localDayStart: number): [number, number] | undefined {
  const date = new Date(localDayStart);
  const weekday = date.getUTCDay();
  if (cal.weeklyOff.includes(weekday)) return undefined;
  if (cal.secondAndFourthSaturdayOff && weekday === 6) {
    const nth = Math.floor((date.getUTCDate() - 1) / 7) + 1;
    if (nth === 2 || nth === 4) return undefined;
  }
  if (cal.holidays.includes(date.toISOString().slice(0, 10))) return undefined;
  const start = localDayStart + toMinutes(cal.workingHours.start) * 60_000;
  const end = localDayStart + toMinutes(cal.workingHours.end) * 60_000;
  return end > start ? [start, end] : undefined;
}

const MAX_DAYS = 3660;

/** The instant when `durationMs` of business time has elapsed after `from`. */
export function addBusinessTime(from: Date, durationMs: number, cal: TBusinessCalendar): Date {
  if (durationMs <= 0) return new Date(from.getTime());
  if (cal.alwaysOpen) return new Date(from.getTime() + durationMs);
  const offset = cal.utcOffsetMinutes * 60_000;
  let t = from.getTime() + offset; // local clock, expressed as a UTC timestamp
  let remaining = durationMs;
  for (let i = 0; i < MAX_DAYS; i++) {
    const dayStart = Math.floor(t / DAY) * DAY;
    const window = windowOf(cal, dayStart);
    if (window && t < window[1]) {
      const start = Math.max(t, window[0]);
      const available = window[1] - start;
      if (remaining <= available) return new Date(start + remaining - offset);
      remaining -= available;
    }
    t = dayStart + DAY;
  }
  throw new Error('business calendar has no working time within ten years');
}

/** Business time between two instants (0 when `to` is not after `from`). */
export function businessTimeBetween(from: Date, to: Date, cal: TBusinessCalendar): number {
  if (to <= from) return 0;
  if (cal.alwaysOpen) return to.getTime() - from.getTime();
  const offset = cal.utcOffsetMinutes * 60_000;
  const a = from.getTime() + offset;
  const b = to.getTime() + offset;
  let total = 0;
  for (let dayStart = Math.floor(a / DAY) * DAY; dayStart < b; dayStart += DAY) {
    const window = windowOf(cal, dayStart);
    if (!window) continue;
    const start = Math.max(a, window[0]);
    const end = Math.min(b, window[1]);
    if (end > start) total += end - start;
  }
  return total;
}
