import { ZBusinessCalendar, type TBusinessCalendar } from './calendar-schema';
import { OFFICE_LEVELS } from './catalogue';
import type { TEscalationOffice } from './service-request';

/** The utility's standard office calendar: 10:00–17:00 IST, Sundays and 2nd/4th Saturdays off. */
export const STANDARD_CALENDAR: TBusinessCalendar = ZBusinessCalendar.parse({
  id: 'kseb-standard',
  utcOffsetMinutes: 330,
  workingHours: { start: '10:00', end: '17:00' },
  weeklyOff: [0],
  secondAndFourthSaturdayOff: true,
  holidays: ['2026-01-26', '2026-08-15', '2026-08-26', '2026-10-02', '2026-12-25', '2027-01-26'],
});

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
