import { randomUUID } from 'node:crypto';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComplaintActivities } from '../activities/complaints';
import {
  createServiceRequestActivities,
  type ServiceRequestActivityDeps,
} from '../activities/service-requests';
import { breachesByLevel, slaGroups, slaSeries, type TKpiFilter } from '../db/kpis';
import { complaints, kpiClosureDays, serviceRequests } from '../db/schema';
import type { TComplaintState } from '../domain/complaint';
import { TTC_BUCKET_STARTS, ttcBucketOf, type TGranularity, type TKpiPeriod } from '../domain/kpis';
import type { TServiceRequestState } from '../domain/service-request';
import { p90Of } from './helpers/kpi-p90';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The closure rollup (kpi_closure_days, kept by migration 0030's triggers) against the items it
 * sums: its rows equal a count made afresh from service_requests and complaints, and the SLA KPIs
 * read through it equal the same KPIs computed from the items alone (the p90 to the buckets'
 * resolution) — after items close, are reopened, close late, change their breach, are deleted,
 * and when the read-model activities write closures (retried, or late and stale).
 */
let stack: TestStack;
const u = randomUUID().slice(0, 6);
const A = `ra-${u}`;
const B = `rb-${u}`;
const TYPES = [`rt1-${u}`, `rt2-${u}`];
const CTYPE = `rc-${u}`;
const H = 3_600_000;
const TZ = 'Asia/Kolkata';
const filter: TKpiFilter = {
  scope: { within: sql`select unnest(${sql.raw(`array['${A}', '${B}']`)})` },
  timeZone: TZ,
};
const at = (iso: string) => new Date(iso);

/** A closed (or open, closedAfterH undefined) request of ours. */
const sr = (
  n: number,
  o: {
    office?: string;
    type?: number;
    submitted: string;
    closedAfterH?: number;
    breached?: boolean;
    level?: number;
  },
) => {
  const submittedAt = at(o.submitted);
  return {
    requestNumber: `SR-RU-${u}-${n}`,
    typeCode: TYPES[o.type ?? 0]!,
    consumerNumber: '1546000000001',
    officeId: o.office ?? A,
    status: o.closedAfterH === undefined ? 'in-progress' : 'completed',
    channel: 'web',
    submittedBy: 'consumer',
    submittedAt,
    closedAt: o.closedAfterH === undefined ? null : new Date(submittedAt.getTime() + o.closedAfterH * H),
    breached: o.breached ?? false,
    escalationLevel: o.level ?? 0,
  };
};
const cr = (
  n: number,
  o: { office?: string; submitted: string; resolvedAfterH?: number; breached?: boolean; level?: number },
) => {
  const submittedAt = at(o.submitted);
  return {
    requestNumber: `CR-RU-${u}-${n}`,
    typeCode: CTYPE,
    priority: 'normal',
    consumerNumber: '1546000000001',
    officeId: o.office ?? B,
    status: o.resolvedAfterH === undefined ? 'open' : 'resolved',
    channel: 'sms',
    submittedAt,
    resolvedAt:
      o.resolvedAfterH === undefined ? null : new Date(submittedAt.getTime() + o.resolvedAfterH * H),
    breached: o.breached ?? false,
    escalationLevel: o.level ?? 0,
  };
};

/** Times to close spread over the buckets, closures over a week of March 2021 at every hour of the day. */
const seedItems = () => {
  const requests = Array.from({ length: 60 }, (_, i) =>
    sr(i, {
      office: i % 3 === 0 ? B : A,
      type: i % 2,
      submitted: new Date(Date.UTC(2021, 2, 1, 0, 0) + ((i * 7919) % (6 * 24 * 60)) * 60_000).toISOString(),
      closedAfterH: i % 10 === 9 ? undefined : ((i * 37) % 200) / 4 + (i % 7) * 0.1,
      breached: i % 4 === 0,
      level: i % 4 === 0 ? i % 3 : 0,
    }),
  );
  const complaintRows = Array.from({ length: 30 }, (_, i) =>
    cr(i, {
      office: i % 2 ? A : B,
      submitted: new Date(Date.UTC(2021, 2, 1, 3, 0) + ((i * 4001) % (6 * 24 * 60)) * 60_000).toISOString(),
      resolvedAfterH: i % 8 === 7 ? undefined : ((i * 13) % 50) / 2 + 0.3,
      breached: i % 3 === 0,
      level: i % 3 === 0 ? 1 + (i % 2) : 0,
    }),
  );
  return { requests, complaintRows };
};

/** The rollup's rows of our offices, and the same counted afresh from the items (zeros left out of the arrays). */
async function rollupAndItems() {
  const nonZero = (a: number[]) => a.flatMap((v, i) => (v ? [`${i + 1}:${v}`] : []));
  const stored = await stack.db
    .select()
    .from(kpiClosureDays)
    .where(inArray(kpiClosureDays.officeId, [A, B]));
  const items = await stack.db.execute<{
    kind: string;
    type_code: string;
    office_id: string;
    day: string;
    breached: boolean;
    level: number;
    seconds: string;
    bucket: number;
    slot: number;
  }>(sql`
    select kind, type_code, office_id, to_char(done at time zone 'UTC', 'YYYY-MM-DD') as day, breached, level,
      extract(epoch from done - submitted_at)::text as seconds,
      kpi_ttc_bucket(extract(epoch from done - submitted_at)) as bucket, kpi_slot(done) as slot
    from (
      select 'request' as kind, type_code, office_id, closed_at as done, submitted_at, breached, escalation_level as level
      from service_requests where office_id in (${A}, ${B}) and closed_at is not null
      union all
      select 'complaint', type_code, office_id, resolved_at, submitted_at, breached, escalation_level
      from complaints where office_id in (${A}, ${B}) and resolved_at is not null) i`);
  const expected = new Map<
    string,
    {
      closed: number;
      within: number;
      seconds: number;
      ttc: number[];
      slots: number[];
      within_slots: number[];
      levels: number[];
    }
  >();
  for (const i of items) {
    const key = `${i.day}|${i.kind}|${i.type_code}|${i.office_id}`;
    const e = expected.get(key) ?? {
      closed: 0,
      within: 0,
      seconds: 0,
      ttc: [],
      slots: [],
      within_slots: [],
      levels: [],
    };
    const bump = (a: number[], at: number) => (a[at - 1] = (a[at - 1] ?? 0) + 1);
    e.closed += 1;
    e.seconds += Number(i.seconds);
    bump(e.ttc, i.bucket);
    bump(e.slots, i.slot);
    if (i.breached) bump(e.levels, i.level + 1);
    else {
      e.within += 1;
      bump(e.within_slots, i.slot);
    }
    expected.set(key, e);
  }
  const dense = (a: number[]) => Array.from(a, (v) => v ?? 0);
  return {
    stored: Object.fromEntries(
      stored.map((r) => [
        `${r.day}|${r.kind}|${r.typeCode}|${r.officeId}`,
        {
          closed: r.closed,
          within: r.withinTat,
          seconds: Number(r.seconds),
          ttc: nonZero(r.ttc),
          slots: nonZero(r.closedBySlot),
          within_slots: nonZero(r.withinBySlot),
          levels: nonZero(r.breachedByLevel),
        },
      ]),
    ),
    counted: Object.fromEntries(
      [...expected].map(([k, e]) => [
        k,
        {
          closed: e.closed,
          within: e.within,
          seconds: e.seconds,
          ttc: nonZero(dense(e.ttc)),
          slots: nonZero(dense(e.slots)),
          within_slots: nonZero(dense(e.within_slots)),
          levels: nonZero(dense(e.levels)),
        },
      ]),
    ),
  };
}

async function expectRollupMatchesItems() {
  const { stored, counted } = await rollupAndItems();
  expect(stored).toEqual(counted);
}

/** The SLA KPIs as the items alone give them (what db/kpis.ts answered before the rollup). */
async function fromItems(period: TKpiPeriod) {
  const items = sql`
    select 'request' as kind, type_code collate "C" as type_code, office_id collate "C" as office_id, breached,
      escalation_level, closed_at as done_at, extract(epoch from closed_at - submitted_at)::float8 / 3600 as hours
    from service_requests
    where closed_at >= ${period.from.toISOString()} and closed_at < ${period.to.toISOString()} and office_id in (${A}, ${B})
    union all
    select 'complaint', type_code collate "C", office_id collate "C", breached, escalation_level,
      resolved_at, extract(epoch from resolved_at - submitted_at)::float8 / 3600
    from complaints
    where resolved_at >= ${period.from.toISOString()} and resolved_at < ${period.to.toISOString()} and office_id in (${A}, ${B})`;
  const groups = await stack.db.execute<{
    kind: string;
    type_code: string | null;
    office_id: string | null;
    closed: number;
    within_tat: number;
    avg_h: number;
    hours: number[];
  }>(sql`
    select kind, type_code, office_id, count(*)::int as closed, (count(*) filter (where not breached))::int as within_tat,
      avg(hours) as avg_h, array_agg(hours) as hours
    from (${items}) c group by rollup (kind, type_code, office_id) having grouping(kind) = 0
    order by kind, type_code nulls first, office_id nulls first`);
  const series = await stack.db.execute<{
    kind: string;
    bucket: string;
    closed: number;
    within_tat: number;
  }>(sql`
    select kind, date_trunc(${period.granularity}, done_at, ${TZ}) as bucket, count(*)::int as closed,
      (count(*) filter (where not breached))::int as within_tat
    from (${items}) c group by 1, 2 order by 2, 1`);
  const breaches = await stack.db.execute<{ kind: string; level: number; closed: number }>(sql`
    select kind, escalation_level as level, count(*)::int as closed from (${items}) c where breached
    group by 1, 2 order by 1, 2`);
  return {
    groups: groups.map((g) => ({ ...g, hours: g.hours.map(Number) })),
    series: series.map((p) => ({
      kind: p.kind,
      bucket: new Date(p.bucket).toISOString(),
      closed: p.closed,
      withinTat: p.within_tat,
    })),
    breaches: [...breaches],
  };
}

/** The SLA KPIs through the rollup agree with the items' own over this period. */
async function expectKpisMatchItems(period: TKpiPeriod) {
  const [groups, series, breaches, expected] = await Promise.all([
    slaGroups(stack.db, period, filter),
    slaSeries(stack.db, period, filter),
    breachesByLevel(stack.db, period, filter),
    fromItems(period),
  ]);
  const label = `${period.from.toISOString()} – ${period.to.toISOString()} by ${period.granularity}`;
  expect(
    groups.map((g) => [g.kind, g.typeCode, g.officeId, g.closed, g.withinTat]),
    label,
  ).toEqual(expected.groups.map((g) => [g.kind, g.type_code, g.office_id, g.closed, g.within_tat]));
  expected.groups.forEach((e, i) => {
    const g = groups[i]!;
    expect(
      Math.abs(g.avgHours! - e.avg_h),
      `${label} avg ${g.kind} ${g.typeCode} ${g.officeId}`,
    ).toBeLessThanOrEqual(0.005);
    const { exact, tolerance } = p90Of(e.hours);
    expect(
      Math.abs(g.p90Hours! - exact),
      `${label} p90 ${g.kind} ${g.typeCode} ${g.officeId}: ${g.p90Hours} vs ${exact}`,
    ).toBeLessThanOrEqual(tolerance);
  });
  expect(series, label).toEqual(expected.series);
  expect(
    breaches.filter((b) => b.closed > 0).map((b) => ({ kind: b.kind, level: b.level, closed: b.closed })),
    label,
  ).toEqual(expected.breaches);
  return groups;
}

const periods = (): TKpiPeriod[] => {
  const p = (from: string, to: string, granularity: TGranularity): TKpiPeriod => ({
    from: at(from),
    to: at(to),
    granularity,
  });
  return [
    // partial first and last days, at every granularity
    p('2021-03-01T10:17:00Z', '2021-03-06T07:45:00Z', 'hour'),
    p('2021-03-01T10:17:00Z', '2021-03-06T07:45:00Z', 'day'),
    p('2021-02-20T00:00:00Z', '2021-03-20T13:00:00Z', 'week'),
    p('2021-02-01T00:00:00Z', '2021-04-01T00:00:00Z', 'month'),
    // whole India days (dates), whole UTC days, less than a day
    p('2021-03-01T18:30:00Z', '2021-03-05T18:30:00Z', 'day'),
    p('2021-03-02T00:00:00Z', '2021-03-05T00:00:00Z', 'hour'),
    p('2021-03-03T02:00:00Z', '2021-03-03T20:00:00Z', 'hour'),
  ];
};

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  const { requests, complaintRows } = seedItems();
  await stack.db.insert(serviceRequests).values(requests);
  await stack.db.insert(complaints).values(complaintRows);
});

afterAll(async () => {
  await stack.db.delete(serviceRequests).where(like(serviceRequests.requestNumber, `SR-RU-${u}-%`));
  await stack.db.delete(complaints).where(like(complaints.requestNumber, `CR-RU-${u}-%`));
  // the triggers took every row of ours back out of the rollup
  const left = await stack.db
    .select()
    .from(kpiClosureDays)
    .where(inArray(kpiClosureDays.officeId, [A, B]));
  await stack?.stop();
  expect(left).toEqual([]);
});

describe('the closure rollup', () => {
  it('counts what the items hold, and the SLA KPIs read through it equal the items’ own', async () => {
    await expectRollupMatchesItems();
    for (const period of periods()) await expectKpisMatchItems(period);
    // the seed closes things on several days, in both offices, both kinds, and breaches at levels 0–2
    const { stored } = await rollupAndItems();
    expect(Object.keys(stored).length).toBeGreaterThan(10);
  });

  it('follows a reopening, a late closure, a breach found later, a move and a deletion', async () => {
    const db = stack.db;
    const reopened = `SR-RU-${u}-1`;
    const late = `SR-RU-${u}-2`;
    // negative feedback reopens a request (a breach now), and it closes again a week later
    await db
      .update(serviceRequests)
      .set({ closedAt: null, breached: true, escalationLevel: 1 })
      .where(eq(serviceRequests.requestNumber, reopened));
    await expectRollupMatchesItems();
    await db
      .update(serviceRequests)
      .set({ closedAt: at('2021-03-09T11:20:00Z') })
      .where(eq(serviceRequests.requestNumber, reopened));
    // an open request closes, late
    await db
      .update(serviceRequests)
      .set({ closedAt: at('2021-03-05T23:59:59Z'), status: 'completed' })
      .where(eq(serviceRequests.requestNumber, `SR-RU-${u}-9`));
    // a closure moved to another day and office in one write; a breach found after closure
    await db
      .update(serviceRequests)
      .set({ closedAt: at('2021-03-02T00:00:00Z'), officeId: B })
      .where(eq(serviceRequests.requestNumber, late));
    await db
      .update(serviceRequests)
      .set({ breached: true, escalationLevel: 3 })
      .where(eq(serviceRequests.requestNumber, `SR-RU-${u}-3`));
    // a complaint reopened (its resolution cleared), and resolved again two days later
    await db
      .update(complaints)
      .set({ resolvedAt: null, status: 'open', breached: true })
      .where(eq(complaints.requestNumber, `CR-RU-${u}-1`));
    await expectRollupMatchesItems();
    await db
      .update(complaints)
      .set({ resolvedAt: at('2021-03-07T04:00:00Z'), status: 'resolved' })
      .where(eq(complaints.requestNumber, `CR-RU-${u}-1`));
    // a write that changes nothing the rollup counts, and a deletion
    await db
      .update(serviceRequests)
      .set({ status: 'completed', updatedAt: new Date() })
      .where(like(serviceRequests.requestNumber, `SR-RU-${u}-%`));
    await db.delete(complaints).where(eq(complaints.requestNumber, `CR-RU-${u}-2`));
    await expectRollupMatchesItems();
    for (const period of periods()) await expectKpisMatchItems(period);
    const groups = await slaGroups(
      db,
      { from: at('2021-03-09T00:00:00Z'), to: at('2021-03-10T00:00:00Z'), granularity: 'day' },
      filter,
    );
    expect(groups.find((g) => g.kind === 'request' && g.typeCode === null)).toMatchObject({
      closed: 1,
      withinTat: 0,
    });
  });

  it('is kept current by the read-model activities, once per closure however often they are retried', async () => {
    const db = stack.db;
    const requests = createServiceRequestActivities({
      db,
      now: () => new Date(),
    } as unknown as ServiceRequestActivityDeps);
    const complaintActivities = createComplaintActivities({
      db,
      now: () => new Date(),
      providers: {} as never,
    });
    const rn = `SR-RU-${u}-act`;
    const state = (o: { entries: number; closedAt?: string; status: string; breached?: boolean }) =>
      ({
        requestNumber: rn,
        typeCode: TYPES[1],
        consumerNumber: '1546000000001',
        officeId: A,
        status: o.status,
        clock: {},
        escalationLevel: o.breached ? 2 : 0,
        channel: 'web',
        submittedBy: 'consumer',
        submittedAt: '2021-03-04T06:00:00.000Z',
        closedAt: o.closedAt,
        breached: o.breached ?? false,
        timeline: Array.from({ length: o.entries }, () => ({})),
      }) as unknown as TServiceRequestState;
    const week = {
      from: at('2021-03-01T00:00:00Z'),
      to: at('2021-03-12T00:00:00Z'),
      granularity: 'day' as const,
    };
    const closedOfType = async () =>
      (await slaGroups(db, week, { ...filter, type: TYPES[1] })).find((g) => g.officeId === A)?.closed ?? 0;
    const before = await closedOfType();
    await requests.saveReadModel({ state: state({ entries: 3, status: 'in-progress' }) });
    expect(await closedOfType()).toBe(before);
    // it completes; the activity is retried; an older write arrives late
    const done = state({ entries: 5, status: 'completed', closedAt: '2021-03-04T16:30:00.000Z' });
    await requests.saveReadModel({ state: done });
    await requests.saveReadModel({ state: done });
    await requests.saveReadModel({ state: state({ entries: 4, status: 'in-progress' }) });
    expect(await closedOfType()).toBe(before + 1);
    await expectRollupMatchesItems();
    // negative feedback reopens it (a breach), then it completes again on another day
    await requests.saveReadModel({ state: state({ entries: 7, status: 'in-progress', breached: true }) });
    expect(await closedOfType()).toBe(before);
    await requests.saveReadModel({
      state: state({ entries: 9, status: 'completed', breached: true, closedAt: '2021-03-11T09:00:00.000Z' }),
    });
    await requests.saveReadModel({
      state: state({ entries: 9, status: 'completed', breached: true, closedAt: '2021-03-11T09:00:00.000Z' }),
    });
    expect(await closedOfType()).toBe(before + 1);
    const series = await slaSeries(db, week, { ...filter, type: TYPES[1] });
    expect(series.filter((p) => p.kind === 'request' && p.bucket === '2021-03-10T18:30:00.000Z')).toEqual([
      { kind: 'request', bucket: '2021-03-10T18:30:00.000Z', closed: 1, withinTat: 0 },
    ]);

    // a complaint resolved by its activity, the write retried, then reopened
    const cn = `CR-RU-${u}-act`;
    const complaint = (o: { entries: number; status: string; resolvedAt?: string }) =>
      ({
        requestNumber: cn,
        typeCode: CTYPE,
        priority: 'normal',
        consumerNumber: '1546000000001',
        officeId: B,
        status: o.status,
        dueAt: '2021-03-05T06:00:00.000Z',
        breached: false,
        escalationLevel: 0,
        reopenCount: 0,
        reports: [{ channel: 'sms', at: '2021-03-04T06:00:00.000Z', by: 'consumer' }],
        submittedAt: '2021-03-04T06:00:00.000Z',
        resolvedAt: o.resolvedAt,
        timeline: Array.from({ length: o.entries }, () => ({ at: '2021-03-04T06:00:00.000Z' })),
      }) as unknown as TComplaintState;
    const resolvedOfType = async () =>
      (await slaGroups(db, week, { ...filter, type: CTYPE })).find((g) => g.officeId === B)?.closed ?? 0;
    const complaintsBefore = await resolvedOfType();
    const resolved = complaint({ entries: 4, status: 'resolved', resolvedAt: '2021-03-04T09:00:00.000Z' });
    await complaintActivities.saveComplaint({ state: resolved });
    await complaintActivities.saveComplaint({ state: resolved });
    expect(await resolvedOfType()).toBe(complaintsBefore + 1);
    await complaintActivities.saveComplaint({ state: complaint({ entries: 6, status: 'open' }) });
    expect(await resolvedOfType()).toBe(complaintsBefore);
    await expectRollupMatchesItems();
    for (const period of periods()) await expectKpisMatchItems(period);
  });

  it('buckets times to close in SQL as domain/kpis.ts does', async () => {
    const hours = TTC_BUCKET_STARTS.flatMap((s) => [s, s + 0.001, Math.max(0, s - 0.001)]).concat([
      -1, 10_000,
    ]);
    const rows = await stack.db.execute<{ h: string; b: number }>(sql`
      select h::text, kpi_ttc_bucket(h * 3600) as b from unnest(${sql.raw(`array[${hours.join(',')}]::numeric[]`)}) h`);
    expect(rows.map((r) => [Number(r.h), r.b])).toEqual(hours.map((h) => [h, ttcBucketOf(h) + 1]));
  });
});
