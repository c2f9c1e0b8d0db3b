import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bills, consumers, feeders, offices, substations, transformers } from '../db/schema';
import { LANGUAGES } from '../domain/consumer';
import { loadDemoData } from '../scripts/lib/demo-data';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => stack?.stop());

describe('demo data', () => {
  it('loads idempotently', async () => {
    const before = await stack.db.select({ n: count() }).from(bills);
    await loadDemoData(stack.db);
    const after = await stack.db.select({ n: count() }).from(bills);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('has the office hierarchy, the network and consumers a newcomer can try', async () => {
    const levels = await stack.db
      .select({ level: offices.level, n: count() })
      .from(offices)
      .groupBy(offices.level);
    const byLevel = Object.fromEntries(levels.map((l) => [l.level, l.n]));
    expect(byLevel.circle).toBeGreaterThanOrEqual(2);
    expect(byLevel.section).toBeGreaterThanOrEqual(6);

    const all = await stack.db.select().from(consumers);
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect(all.every((c) => /^\d{13}$/.test(c.consumerNumber))).toBe(true);
    expect(new Set(all.map((c) => c.language))).toEqual(new Set(LANGUAGES));
    expect(all.filter((c) => c.lifeSupport).length).toBeGreaterThan(0);
    // Socially important objects of several kinds, which outage campaigns call first.
    expect(new Set(all.map((c) => c.socialCategory).filter(Boolean)).size).toBeGreaterThanOrEqual(2);

    // Every consumer is fed from a transformer on a feeder of a substation.
    const fed = await stack.db
      .select({ n: count() })
      .from(consumers)
      .innerJoin(transformers, eq(consumers.transformerId, transformers.id))
      .innerJoin(feeders, eq(transformers.feederId, feeders.id))
      .innerJoin(substations, eq(feeders.substationId, substations.id));
    expect(fed[0]!.n).toBe(all.length);

    const perConsumer = await stack.db.execute<{ min: number }>(
      sql`select min(n)::int as min from (select count(*) n from ${bills} group by ${bills.consumerNumber}) t`,
    );
    expect(Number(perConsumer[0]!.min)).toBeGreaterThanOrEqual(3);
  });
});
