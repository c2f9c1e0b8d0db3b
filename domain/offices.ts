import type { TBusinessCalendar } from './calendar-schema';
import { OFFICE_LEVELS } from './catalogue';
import type { TEscalationOffice } from './service-request';
import type { TUtilityProfile } from './utility-profile-contract';

/**
 * The utility's standard office calendar, from its profile (KSEB: 10:00–17:00 IST, Sundays and
 * 2nd/4th Saturdays off; EVN SPC: 07:30–16:30, weekends off; …): what an office without a
 * calendar of its own keeps.
 */
export function profileCalendar(
  profile: Pick<TUtilityProfile, 'calendar' | 'utcOffsetMinutes'>,
): TBusinessCalendar {
  const c = profile.calendar;
  return {
    id: c.id,
    utcOffsetMinutes: profile.utcOffsetMinutes,
    alwaysOpen: false,
    workingHours: { ...c.workingHours },
    weeklyOff: [...c.weeklyOff],
    secondAndFourthSaturdayOff: c.secondAndFourthSaturdayOff,
    holidays: c.holidays.map((h) => h.date),
  };
}

/**
 * Offices up the hierarchy for each escalation level, from the section office's materialised
 * path `circle/division/subdivision/section`.
 */
export function escalationOffices(
  officePath: string,
  levels: readonly { level: number; officeLevel: (typeof OFFICE_LEVELS)[number] }[],
): TEscalationOffice[] {
  const segments = officePath.split('/');
  return levels.flatMap(({ level, officeLevel }) => {
    const officeId = segments[OFFICE_LEVELS.indexOf(officeLevel)];
    return officeId ? [{ level, officeId }] : [];
  });
}
