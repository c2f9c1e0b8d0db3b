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

const EARLIEST = Date.parse('2000-01-01T00:00:00Z') - DAY_MS;
const LATEST = Date.parse('2101-01-01T00:00:00Z') + DAY_MS;

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
  // Dates of years 0000–9999 parse, but their instants do not all print as ISO the database reads.
  const outOfRange = (
    [
      ['query.from', from],
      ['query.to', to],
    ] as const
  )
    .filter(([, at]) => !(at.getTime() >= EARLIEST && at.getTime() <= LATEST))
    .map(([field]) => ({ field, message: 'must be between 2000-01-01 and 2100-12-31' }));
  if (outOfRange.length) return { ok: false, errors: outOfRange };
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

/**
 * The buckets of time to close the closure rollup counts (`kpi_closure_days.ttc`, db/migrations
 * 0030): each range of times split into buckets of one width. Buckets are `[start, end)`; the last
 * one is open (from 360 days on). The migration's `kpi_ttc_bucket` holds the same starts (a test
 * compares them).
 */
export const TTC_RANGES = [
  { toHours: 1, widthHours: 0.25 },
  { toHours: 4, widthHours: 0.5 },
  { toHours: 12, widthHours: 1 },
  { toHours: 24, widthHours: 2 },
  { toHours: 48, widthHours: 4 },
  { toHours: 96, widthHours: 8 },
  { toHours: 168, widthHours: 12 },
  { toHours: 336, widthHours: 24 },
  { toHours: 720, widthHours: 48 },
  { toHours: 2160, widthHours: 240 },
  { toHours: 8640, widthHours: 2160 },
] as const;

/** Each bucket's start in hours (the first is 0; the last, open bucket starts at 8,640 h = 360 days). */
export const TTC_BUCKET_STARTS: readonly number[] = (() => {
  const starts = [0];
  let at = 0;
  for (const r of TTC_RANGES)
    while (at < r.toHours) {
      at += r.widthHours;
      starts.push(at);
    }
  return starts;
})();
export const TTC_BUCKETS = TTC_BUCKET_STARTS.length;

/** The bucket (0-based) a time to close falls in; a negative time is counted in the first. */
export function ttcBucketOf(hours: number): number {
  let b = 0;
  while (b + 1 < TTC_BUCKETS && hours >= TTC_BUCKET_STARTS[b + 1]!) b += 1;
  return b;
}

/** A bucket's width in hours (the open last bucket: Infinity). */
export const ttcBucketWidth = (b: number) =>
  b + 1 < TTC_BUCKETS ? TTC_BUCKET_STARTS[b + 1]! - TTC_BUCKET_STARTS[b]! : Infinity;

/**
 * A percentile (`percentile_cont`'s definition: interpolated between the two nearest ranks) read
 * from counts per bucket. Within a bucket the items are taken as spread evenly from its start, so
 * each rank is read within one bucket's width of its true value, and so is the percentile (within
 * the wider of the two buckets its ranks fall in). The open last bucket reads as its start.
 * Hours; null when there are no items.
 */
export function percentileOfBuckets(counts: readonly number[], p: number): number | null {
  const n = counts.reduce((s, c) => s + c, 0);
  if (n <= 0) return null;
  const rank = (j: number) => {
    let before = 0;
    for (let b = 0; b < counts.length; b += 1) {
      const c = counts[b] ?? 0;
      if (c > 0 && j < before + c) {
        const width = ttcBucketWidth(b);
        return TTC_BUCKET_STARTS[b]! + (Number.isFinite(width) ? ((j - before) / c) * width : 0);
      }
      before += c;
    }
    return TTC_BUCKET_STARTS[TTC_BUCKETS - 1]!;
  };
  const r = p * (n - 1);
  const lo = Math.floor(r);
  const below = rank(lo);
  return r === lo ? below : below + (r - lo) * (rank(lo + 1) - below);
}
