import { z } from 'zod';

/** The schemas of business calendars and durations (the arithmetic is in `calendar.ts`, zod-free). */

/** A time of day, 00:00–23:59. */
export const ZTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00–23:59)');
const hhmm = ZTimeOfDay;

export const ZBusinessCalendar = z.object({
  id: z.string().min(1),
  /** local time of the offices: the utility profile's offset (`profileCalendar`); 0 for round-the-clock calendars */
  utcOffsetMinutes: z.number().int().min(-720).max(840).default(0),
  alwaysOpen: z.boolean().default(false),
  workingHours: z.object({ start: hhmm, end: hhmm }).default({ start: '10:00', end: '17:00' }),
  /** 0 = Sunday … 6 = Saturday */
  weeklyOff: z.array(z.number().int().min(0).max(6)).default([0]),
  /** also off: the 2nd and 4th Saturday of each month (as Kerala government offices are) */
  secondAndFourthSaturdayOff: z.boolean().default(false),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
});
export type TBusinessCalendar = z.output<typeof ZBusinessCalendar>;


/** "8h", "90m", "30s", "1.5h": an amount of business time. Days are deliberately not allowed. */
export const ZBusinessDuration = z
  .string()
  .regex(/^\d+(\.\d+)?(s|m|h)$/, 'must be a business duration like "16h", "90m" or "30s"');

