import { expect } from 'vitest';
import { ttcBucketOf, ttcBucketWidth } from '../../domain/kpis';

/**
 * The exact p90 of times to close (hours; `percentile_cont(0.9)`), and how far the KPIs' p90 may
 * be from it: the rollup reads it from buckets of time to close, within the wider of the two
 * buckets its ranks fall in (domain/kpis.ts TTC_RANGES), plus the answer's rounding to 0.01 h.
 */
export function p90Of(hours: number[]) {
  const s = [...hours].sort((a, b) => a - b);
  const r = 0.9 * (s.length - 1);
  const [lo, hi] = [s[Math.floor(r)]!, s[Math.ceil(r)]!];
  const exact = lo + (r - Math.floor(r)) * (hi - lo);
  const tolerance = Math.max(ttcBucketWidth(ttcBucketOf(lo)), ttcBucketWidth(ttcBucketOf(hi))) + 0.005;
  return { exact, tolerance };
}

/** The KPIs' p90 is the exact one of these times, to the histogram's resolution. */
export function expectP90(actual: unknown, hours: number[]) {
  const { exact, tolerance } = p90Of(hours);
  expect(typeof actual === 'number' || typeof actual === 'string', `p90 ${String(actual)}`).toBe(true);
  expect(
    Math.abs(Number(actual) - exact),
    `p90 ${String(actual)} vs ${exact} ± ${tolerance}`,
  ).toBeLessThanOrEqual(tolerance);
}
