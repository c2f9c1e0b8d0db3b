import { z } from 'zod';

/**
 * The KPIs' query (GET /v1/kpis/…, the console's /console/kpis): a period, an office, a type and
 * a granularity. The JSON API and the page parse it with this one schema, so a bad value is named
 * the same way on both (`query.from`, `query.to`, …).
 */

/** Who reads the KPIs: the people who run offices and the centre. Agents, CSC staff and dispatchers work items, not figures. */
export const KPI_ROLES = ['supervisor', 'executive', 'ops', 'admin'] as const;

export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type TGranularity = (typeof GRANULARITIES)[number];

export const KPI_KINDS = ['request', 'complaint'] as const;

/** The backlog's age buckets, by time since submission (calendar time), upper bounds in days. */
export const AGE_BUCKETS = [
  { id: 'under-1d', upToDays: 1 },
  { id: '1-3d', upToDays: 3 },
  { id: '3-7d', upToDays: 7 },
  { id: '7-30d', upToDays: 30 },
  { id: 'over-30d', upToDays: undefined },
] as const;
export type TAgeBucket = (typeof AGE_BUCKETS)[number]['id'];

const DAY_MS = 86_400_000;
/** The longest period one question may cover, and the longest one asked for by the hour. */
export const MAX_PERIOD_DAYS = 366;
export const MAX_HOURLY_DAYS = 31;
export const DEFAULT_PERIOD_DAYS = 30;

const ZInstant = z.union([
  z.iso.date('a date YYYY-MM-DD or an instant with its offset'),
  z.iso.datetime({ offset: true, message: 'a date YYYY-MM-DD or an instant with its offset' }),
]);

export const ZKpiQuery = z.object({
  from: ZInstant.optional().describe(
    'start of the period (inclusive): a date (the start of that day in the utility’s time zone) or an instant; default: 30 days before `to`',
  ),
  to: ZInstant.optional().describe(
    'end of the period (exclusive): a date (the whole of that day is in) or an instant; default: now',
  ),
  officeId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('an office within yours (default: yours; ops and admin see every office)'),
  type: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/, 'a request or complaint type code')
    .optional()
    .describe('one request or complaint type'),
  granularity: z
    .enum(GRANULARITIES)
    .default('day')
    .describe('the series’ buckets (hour: periods up to 31 days)'),
  format: z.enum(['json', 'csv']).optional().describe('csv: the KPI as text/csv (as does Accept: text/csv)'),
});
export type TKpiQueryInput = z.input<typeof ZKpiQuery>;

/** The period resolved to instants: [from, to). */
export type TKpiPeriod = { from: Date; to: Date; granularity: TGranularity };

/** A date is the start of that day in the zone `utcOffsetMinutes` east of UTC; `end` takes the next day's start. */
const instantOf = (value: string, utcOffsetMinutes: number, end: boolean) => {
  if (value.length > 10) return new Date(value);
  const midnight = Date.parse(`${value}T00:00:00Z`) - utcOffsetMinutes * 60_000;
  return new Date(end ? midnight + DAY_MS : midnight);
};

/**
 * The period a parsed query asks for, checked: `to` after `from`, at most MAX_PERIOD_DAYS, and
 * hours only over MAX_HOURLY_DAYS. Problems are named as zod names them (path under `query`).
 */
export function periodOf(
  q: z.output<typeof ZKpiQuery>,
  now: Date,
  utcOffsetMinutes: number,
): { ok: true; period: TKpiPeriod } | { ok: false; errors: { field: string; message: string }[] } {
  const to = q.to ? instantOf(q.to, utcOffsetMinutes, true) : now;
  const from = q.from
    ? instantOf(q.from, utcOffsetMinutes, false)
    : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (!(days > 0)) return { ok: false, errors: [{ field: 'query.to', message: 'must be after from' }] };
  if (days > MAX_PERIOD_DAYS)
    return {
      ok: false,
      errors: [{ field: 'query.from', message: `at most ${MAX_PERIOD_DAYS} days before to` }],
    };
  if (q.granularity === 'hour' && days > MAX_HOURLY_DAYS)
    return {
      ok: false,
      errors: [
        { field: 'query.granularity', message: `hour needs a period of at most ${MAX_HOURLY_DAYS} days` },
      ],
    };
  return { ok: true, period: { from, to, granularity: q.granularity } };
}

/** A share as a fraction with four decimals (null when there is nothing to share). */
export const shareOf = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
