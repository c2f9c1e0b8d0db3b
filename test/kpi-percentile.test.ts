import { describe, expect, it } from 'vitest';
import { percentileOfBuckets, TTC_BUCKETS, TTC_BUCKET_STARTS, ttcBucketOf } from '../domain/kpis';
import { p90Of } from './helpers/kpi-p90';

const countsOf = (hours: number[]) => {
  const counts = Array<number>(TTC_BUCKETS).fill(0);
  for (const h of hours) counts[ttcBucketOf(h)]! += 1;
  return counts;
};

describe('the p90 read from buckets of time to close', () => {
  it('is within the resolution of the buckets its ranks fall in, for spreads short and long', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const scale of [0.5, 3, 20, 60, 200, 1000, 5000]) {
      for (const n of [1, 2, 5, 40, 1000]) {
        const hours = Array.from({ length: n }, () => random() * scale);
        const { exact, tolerance } = p90Of(hours);
        const read = percentileOfBuckets(countsOf(hours), 0.9)!;
        expect(Math.abs(read - exact), `${n} items over ${scale} h`).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('reads items at bucket starts exactly, nothing as null, and the open last bucket as its start', () => {
    expect(percentileOfBuckets(countsOf([10, 20, 40, 44]), 0.9)).toBeCloseTo(42.8, 9);
    expect(percentileOfBuckets(countsOf([]), 0.9)).toBeNull();
    expect(percentileOfBuckets(countsOf([9000, 12000]), 0.9)).toBe(TTC_BUCKET_STARTS.at(-1));
    expect(ttcBucketOf(-3)).toBe(0);
    expect(ttcBucketOf(0.25)).toBe(1);
  });
});
