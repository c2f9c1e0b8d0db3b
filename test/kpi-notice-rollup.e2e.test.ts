import { randomUUID } from 'node:crypto';
import { inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeChannels, type TKpiFilter } from '../db/kpis';
import { kpiNoticeDays, notifications } from '../db/schema';
import type { TKpiPeriod } from '../domain/kpis';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The notices rollup (kpi_notice_days, kept by migration 0032's triggers) against the notices it
 * counts: its rows equal a count made afresh from notifications, and the notices KPI read through
 * it equals the same KPI counted from the notices alone (what db/kpis.ts answered before the
 * rollup) — over periods of whole days, partial days and less than a day, after notices are
 * recorded, change status (delivered on a fallback, undelivered), move office and are deleted.
 */
let stack: TestStack;
const u = randomUUID().slice(0, 6);
const A = `na-${u}`;
const B = `nb-${u}`;
const filter: TKpiFilter = {
  scope: { within: sql`select unnest(${sql.raw(`array['${A}', '${B}']`)})` },
  timeZone: 'Asia/Kolkata',
};
const CHAINS = [['sms', 'whatsapp'], ['whatsapp', 'voice'], ['email', 'sms'], null] as const;
const STATUSES = ['pending', 'delivered', 'undelivered', 'undeliverable', 'sending'];

/** 80 notices of ours over a week of March 2021, at every hour of the day. */
const seed = () =>
  Array.from({ length: 80 }, (_, i) => {
    const chain = CHAINS[i % CHAINS.length] ?? null;
    return {
      key: `nr-${u}-${i}`,
      consumerNumber: '1546000000001',
      // staff notices count under their office, consumer notices under the consumer's section
      ...(i % 5 === 0 ? { officeId: A, role: 'supervisor' } : { consumerOfficeId: i % 3 ? A : B }),
      channel: chain ? chain[i % 7 === 0 ? 1 : 0] : 'sms',
      chain: chain ? [...chain] : null,
      language: 'en',
      template: 'request-received',
      params: {},
      status: STATUSES[i % STATUSES.length]!,
      createdAt: new Date(Date.UTC(2021, 2, 1, 0, 0) + ((i * 7919) % (7 * 24 * 60)) * 60_000),
    };
  });

async function expectRollupMatchesNotices() {
  const stored = await stack.db
    .select()
    .from(kpiNoticeDays)
    .where(inArray(kpiNoticeDays.officeId, [A, B]));
  const counted = await stack.db.execute<{
    day: string;
    office_id: string;
    first_channel: string;
    status: string;
    fell_back: boolean;
    n: number;
  }>(sql`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, kpi_office_id as office_id, first_channel,
      status, fell_back, count(*)::int as n
    from notifications where kpi_office_id in (${A}, ${B}) group by 1, 2, 3, 4, 5`);
  const key = (d: string, o: string, c: string, s: string, f: boolean) => `${d}|${o}|${c}|${s}|${f}`;
  expect(
    Object.fromEntries(
      stored.map((r) => [key(r.day, r.officeId, r.firstChannel, r.status, r.fellBack), r.notices]),
    ),
  ).toEqual(
    Object.fromEntries(
      counted.map((r) => [key(r.day, r.office_id, r.first_channel, r.status, r.fell_back), r.n]),
    ),
  );
  expect(stored.length).toBeGreaterThan(0);
}

/** The notices KPI counted from the notices alone. */
async function fromNotices(period: TKpiPeriod) {
  const rows = await stack.db.execute<Record<string, unknown>>(sql`
    select first_channel as channel, count(*)::int as notices,
      (count(*) filter (where status = 'delivered'))::int as delivered,
      (count(*) filter (where status in ('undelivered', 'undeliverable')))::int as undelivered,
      (count(*) filter (where status not in ('delivered', 'undelivered', 'undeliverable')))::int as pending,
      (count(*) filter (where fell_back))::int as fell_back
    from notifications
    where created_at >= ${period.from.toISOString()} and created_at < ${period.to.toISOString()}
      and kpi_office_id in (${A}, ${B})
    group by 1 order by 1`);
  return rows.map((r) => ({
    channel: r.channel,
    notices: r.notices,
    delivered: r.delivered,
    undelivered: r.undelivered,
    pending: r.pending,
    fellBack: r.fell_back,
  }));
}

const p = (from: string, to: string): TKpiPeriod => ({
  from: new Date(from),
  to: new Date(to),
  granularity: 'day',
});
const PERIODS = [
  p('2021-02-20T00:00:00Z', '2021-03-20T00:00:00Z'), // whole days only, all of ours
  p('2021-03-01T18:30:00Z', '2021-03-06T18:30:00Z'), // partial first and last days (the zone's days)
  p('2021-03-02T00:00:00Z', '2021-03-05T07:15:00Z'), // a partial last day only
  p('2021-03-03T02:00:00Z', '2021-03-03T20:00:00Z'), // within one day
  p('2021-03-03T20:00:00Z', '2021-03-04T05:00:00Z'), // across midnight, no whole day
  p('2021-03-04T00:00:00Z', '2021-03-04T00:00:00Z'), // empty
];

async function expectKpiMatchesNotices() {
  for (const period of PERIODS) {
    const expected = await fromNotices(period);
    expect(await noticeChannels(stack.db, period, filter), period.from.toISOString()).toEqual(expected);
  }
  // the whole week has notices of every channel
  expect((await fromNotices(PERIODS[0]!)).length).toBeGreaterThanOrEqual(3);
}

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  await stack.db.insert(notifications).values(seed());
});

afterAll(async () => {
  await stack.db.delete(notifications).where(like(notifications.key, `nr-${u}-%`));
  await stack.db.delete(notifications).where(like(notifications.key, `nb-${u}-%`));
  // the triggers took every notice of ours back out of the rollup
  const left = await stack.db
    .select()
    .from(kpiNoticeDays)
    .where(inArray(kpiNoticeDays.officeId, [A, B]));
  await stack?.stop();
  expect(left).toEqual([]);
});

describe('the notices rollup', () => {
  it('counts the recorded notices, and the KPI through it equals the notices counted alone', async () => {
    await expectRollupMatchesNotices();
    await expectKpiMatchesNotices();
  });

  it('follows status changes, a fallback delivery, a moved office and deletions', async () => {
    // pending ones delivered on their chain's second channel (a fallback), sending ones undelivered
    await stack.db.execute(sql`
      update notifications set status = 'delivered', channel = coalesce(chain->>1, channel)
      where key like ${`nr-${u}-%`} and status = 'pending'`);
    await stack.db.execute(sql`
      update notifications set status = 'undelivered' where key like ${`nr-${u}-%`} and status = 'sending'`);
    // a retried write that changes nothing, and one that moves a notice to the other section
    await stack.db.execute(sql`
      update notifications set status = status where key like ${`nr-${u}-%`}`);
    await stack.db.execute(sql`
      update notifications set consumer_office_id = ${B} where key = ${`nr-${u}-1`}`);
    await stack.db.execute(sql`delete from notifications where key in (${`nr-${u}-2`}, ${`nr-${u}-3`})`);
    await expectRollupMatchesNotices();
    await expectKpiMatchesNotices();
    const delivered = await fromNotices(PERIODS[0]!);
    expect(delivered.some((c) => Number(c.fellBack) > 0)).toBe(true);
  });

  it('takes batches written at once over the same day rows without a deadlock, and an upsert counts once', async () => {
    // As a campaign's dispatchers write them: statements of many notices at once, over the same
    // few day rows, each in another order. Counted per row, two such statements took the day rows
    // in their notices' order and deadlocked each other.
    const batch = (b: number, reverse: boolean) => {
      const rows = Array.from({ length: 600 }, (_, i) => ({
        key: `nb-${u}-${b}-${i}`,
        consumerNumber: '1546000000001',
        consumerOfficeId: i % 2 ? A : B,
        channel: (['sms', 'whatsapp', 'email'] as const)[i % 3]!,
        chain: [(['sms', 'whatsapp', 'email'] as const)[i % 3]!],
        language: 'en',
        template: 'request-received',
        params: {},
        status: i % 4 ? 'delivered' : 'pending',
        createdAt: new Date(Date.UTC(2021, 2, 2 + (i % 2), 6)),
      }));
      return reverse ? rows.reverse() : rows;
    };
    await Promise.all(
      Array.from({ length: 6 }, (_, b) => stack.db.insert(notifications).values(batch(b, b % 2 === 1))),
    );
    await expectRollupMatchesNotices();
    // An upsert of notices new and old: the old ones' status moves (counted by the update), the
    // new ones are counted by the insert, a repeated one changes nothing.
    const upsert = [...batch(0, false).slice(0, 300), ...batch(9, true).slice(0, 100)].map((r) => ({
      ...r,
      status: 'undelivered',
    }));
    for (let round = 0; round < 2; round++)
      await stack.db
        .insert(notifications)
        .values(upsert)
        .onConflictDoUpdate({ target: notifications.key, set: { status: sql`excluded.status` } });
    await expectRollupMatchesNotices();
    await expectKpiMatchesNotices();
  });
});
