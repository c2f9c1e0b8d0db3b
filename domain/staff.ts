import { z } from 'zod';
import { installedProfile } from './utility-profile';
import { localMinutes, localWeekday, toMinutes, withinDailyWindow } from './calendar';
import { ZTimeOfDay } from './calendar-schema';
import { LANGUAGES } from './notice-templates';
import { STAFF_ROLES } from './roles';
import { ZRole } from './roles-schema';

/** How a staff member wants to be reached when an alert cannot wait for the inbox. */
export const STAFF_CHANNELS = ['sms', 'whatsapp', 'email', 'voice'] as const;
export type TStaffChannel = (typeof STAFF_CHANNELS)[number];
export const STAFF_LANGUAGES = LANGUAGES;

export const ZStaffRole = ZRole.exclude(['consumer'], {
  message: `a staff role: one of ${STAFF_ROLES.join(', ')}`,
});
export type TStaffRole = z.infer<typeof ZStaffRole>;

/** A JWT `sub` as the directory keys it: no spaces, no slashes, so it sits safely in a path. */
export const ZSubject = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/,
    'letters, digits and . _ @ - (at most 128), starting with a letter or digit',
  );

/** One shift of an office's on-call roster, in India time. */
export type TOnCallShift = {
  subject: string;
  /** 'HH:MM', India time */
  from: string;
  /** 'HH:MM', India time, exclusive; earlier than `from` when the shift crosses midnight, equal for 24 hours */
  to: string;
  /** days the shift starts on (0 = Sunday … 6 = Saturday); absent: every day */
  weekdays?: readonly number[] | null;
};

export const ZOnCallShift = z
  .object({
    subject: ZSubject,
    from: ZTimeOfDay.describe('start, India time'),
    to: ZTimeOfDay.describe(
      'end, India time (exclusive); earlier than `from` when the shift crosses midnight, equal to it for 24 hours',
    ),
    weekdays: z
      .array(
        z
          .number()
          .int()
          .min(0, 'a day from 0 (Sunday) to 6 (Saturday)')
          .max(6, 'a day from 0 (Sunday) to 6 (Saturday)'),
      )
      .min(1)
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'each day once')
      .optional()
      .describe('days the shift starts on, 0 = Sunday … 6 = Saturday; absent: every day'),
  })
  .strict();

/**
 * The shifts on call at `at`. A shift that crosses midnight belongs to the day it starts on: a
 * Monday 20:00–08:00 shift is on call until Tuesday 07:59. Overlapping shifts are all returned.
 */
export function onCallNow<S extends TOnCallShift>(
  shifts: readonly S[],
  at: Date,
  utcOffsetMinutes = installedProfile().utcOffsetMinutes,
): S[] {
  const minute = localMinutes(at, utcOffsetMinutes);
  const today = localWeekday(at, utcOffsetMinutes);
  return shifts.filter((s) => {
    const from = toMinutes(s.from);
    const to = toMinutes(s.to);
    if (from !== to && !withinDailyWindow(minute, from, to)) return false;
    if (!s.weekdays?.length) return true;
    // After midnight in a crossing shift: it started yesterday.
    const startedOn = from >= to && minute < to ? (today + 6) % 7 : today;
    return s.weekdays.includes(startedOn);
  });
}
