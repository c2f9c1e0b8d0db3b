import { sql, type SQL } from 'drizzle-orm';
import type { TAgeBucket, TGranularity, TKpiPeriod } from '../domain/kpis';
import { AGE_BUCKETS, percentileOfBuckets, shareOf, TTC_BUCKETS } from '../domain/kpis';
import type { Database } from './client';

/**
 * The KPIs, computed in SQL from the read models. Each question reads one index range: what
 * closed (or was resolved) in the period — its whole days from the rollup `kpi_closure_days`, its
 * partial first and last days from the items —, the open items (partial indexes), the period's
 * notices (whole days from the rollup `kpi_notice_days`), the contact slots of the period
 * (`inbound_contact_slots`) — never the whole history.
 * The indexes are in db/schema (`*_kpi_*`); `npm run bench -- --scenario kpis` shows the plans and times.
 */

/** The offices a question covers: undefined is every office (ops, admin asking for none). */
export type TKpiScope = { within: SQL | { getSQL(): SQL } } | undefined;
export type TKpiFilter = { scope: TKpiScope; type?: string; timeZone: string };

const officeIn = (scope: TKpiScope, column = sql`office_id`) =>
  scope ? sql`and ${column} in (${scope.within})` : sql``;
const typeIs = (type: string | undefined) => (type ? sql`and type_code = ${type}` : sql``);
const bucketOf = (granularity: TGranularity, column: SQL, timeZone: string) =>
  sql`date_trunc(${granularity}, ${column}, ${timeZone})`;
const iso = (d: Date) => d.toISOString();
const hours = (seconds: unknown) =>
  seconds === null ? null : Math.round((Number(seconds) / 3600) * 100) / 100;

const DAY_MS = 86_400_000;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type TSplit = {
  /** whole UTC days [from, to) read from the rollup, and the partial last day's when the rollup stands for it */
  days?: { from: string; to: string; last?: { day: string; whole: SQL } };
  /** instants read from the items; one with `skip` is not when that holds (the rollup stood for it) */
  ranges: { from: number; to: number; skip?: SQL }[];
};

/**
 * The period in the rollup's terms: the whole UTC days in it, read from `kpi_closure_days`, and
 * what is left at either end (less than a day each, or all of a period shorter than that), read
 * from the items. The partial last day is the rollup's row too when nothing on that day closed at
 * or after the period's end (the usual case: a period that ends now).
 */
function splitPeriod(period: TKpiPeriod): TSplit {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const endDay = Math.floor(to / DAY_MS) * DAY_MS;
  if (firstDay >= endDay) return { ranges: [{ from, to }] };
  const ranges: TSplit['ranges'] = from < firstDay ? [{ from, to: firstDay }] : [];
  if (endDay === to) return { days: { from: utcDate(firstDay), to: utcDate(endDay) }, ranges };
  const [after, dayEnd] = [iso(new Date(to)), iso(new Date(endDay + DAY_MS))];
  const whole = sql`(not exists (select from service_requests where closed_at >= ${after} and closed_at < ${dayEnd})
    and not exists (select from complaints where resolved_at >= ${after} and resolved_at < ${dayEnd}))`;
  ranges.push({ from: endDay, to, skip: whole });
  return {
    days: { from: utcDate(firstDay), to: utcDate(endDay), last: { day: utcDate(endDay), whole } },
    ranges,
  };
}

/**
 * Requests that closed, and complaints that were resolved, in the given ranges of instants (the
 * period's partial days): the closed items of each kind, and of those the ones whose TAT had not
 * run out. The rows of both kinds, ready to group; none when there are no ranges.
 */
const closedItems = (ranges: TSplit['ranges'], f: TKpiFilter) =>
  sql.join(
    // no ranges: one that is empty (an index probe that finds nothing)
    (ranges.length ? ranges : [{ from: 0, to: 0 }]).flatMap(({ from, to, skip }) => {
      const [a, b] = [iso(new Date(from)), iso(new Date(to))];
      const unless = skip ? sql`and not ${skip}` : sql``;
      return [
        sql`select 'request' as kind, type_code collate "C" as type_code, office_id collate "C" as office_id, breached,
          escalation_level, closed_at as done_at, extract(epoch from closed_at - submitted_at) as seconds
        from service_requests
        where closed_at >= ${a} and closed_at < ${b} ${officeIn(f.scope)} ${typeIs(f.type)} ${unless}`,
        sql`select 'complaint', type_code collate "C", office_id collate "C", breached, escalation_level,
          resolved_at, extract(epoch from resolved_at - submitted_at)
        from complaints
        where resolved_at >= ${a} and resolved_at < ${b} ${officeIn(f.scope)} ${typeIs(f.type)} ${unless}`,
      ];
    }),
    sql` union all `,
  );

/** The rollup's rows of the period's whole days (none when it has none), of the offices and type asked for. */
const closureDays = ({ days }: TSplit, f: TKpiFilter) => {
  if (!days) return sql`(select * from kpi_closure_days where false)`;
  const last = days.last ? sql`or (day = ${days.last.day}::date and ${days.last.whole})` : sql``;
  return sql`(select * from kpi_closure_days
    where day >= ${days.from}::date and (day < ${days.to}::date ${last}) ${officeIn(f.scope)} ${typeIs(f.type)})`;
};

/** `array[sum(column[1]), …, sum(column[n])]`: a rollup array summed element by element (n is ours, not input). */
const summedArray = (column: string, n: number) =>
  sql.raw(`array[${Array.from({ length: n }, (_, i) => `sum(${column}[${i + 1}])::int`).join(', ')}]`);

export type TSlaGroup = {
  kind: string;
  /** null: every type (the kind's total) */
  typeCode: string | null;
  /** null: every office of the scope */
  officeId: string | null;
  closed: number;
  withinTat: number;
  share: number | null;
  avgHours: number | null;
  p90Hours: number | null;
};

/**
 * SLA compliance by kind, type and office, with each type's and each kind's totals (grouping sets):
 * the rollup's days and the items of the partial days, summed; the p90 read from the buckets of
 * time to close (within one bucket's width: domain/kpis.ts TTC_RANGES).
 */
export async function slaGroups(db: Database, period: TKpiPeriod, f: TKpiFilter): Promise<TSlaGroup[]> {
  const split = splitPeriod(period);
  // Summed per office and type first (a hash of a few hundred groups), then the totals over those.
  const rows = await db.execute<Record<string, unknown>>(sql`
    select kind, type_code, office_id, sum(closed)::int as closed, sum(within_tat)::int as within_tat,
      (sum(seconds) / sum(closed))::float8 as avg_s, ${summedArray('ttc', TTC_BUCKETS)} as ttc
    from (
      select kind, type_code, office_id, sum(closed) as closed, sum(within_tat) as within_tat, sum(seconds) as seconds,
        ${summedArray('ttc', TTC_BUCKETS)} as ttc
      from (
        select kind, type_code collate "C" as type_code, office_id collate "C" as office_id, closed, within_tat, seconds, ttc
        from ${closureDays(split, f)} d
        union all
        select kind, type_code, office_id, count(*)::int, (count(*) filter (where not breached))::int, sum(seconds),
          kpi_unit(${TTC_BUCKETS}, b, count(*)::int)
        from (select *, kpi_ttc_bucket(seconds) as b from (${closedItems(split.ranges, f)}) i) c
        group by kind, type_code, office_id, b
      ) c
      group by kind, type_code, office_id
    ) g
    group by rollup (kind, type_code, office_id) having grouping(kind) = 0
    order by kind, type_code nulls first, office_id nulls first`);
  return rows.map((r) => {
    const p90 = percentileOfBuckets(r.ttc as number[], 0.9);
    return {
      kind: String(r.kind),
      typeCode: (r.type_code as string | null) ?? null,
      officeId: (r.office_id as string | null) ?? null,
      closed: Number(r.closed),
      withinTat: Number(r.within_tat),
      share: shareOf(Number(r.within_tat), Number(r.closed)),
      avgHours: hours(r.avg_s),
      p90Hours: p90 === null ? null : Math.round(p90 * 100) / 100,
    };
  });
}

export type TSlaPoint = { kind: string; bucket: string; closed: number; withinTat: number };

/**
 * SLA compliance per bucket of the period (hour, day, week… in the utility's time zone), by kind:
 * the rollup's whole days (a day across two buckets by its half hours, each in its bucket: the
 * zone's hours and days are whole half hours), and the items of the partial days.
 */
export async function slaSeries(db: Database, period: TKpiPeriod, f: TKpiFilter): Promise<TSlaPoint[]> {
  const split = splitPeriod(period);
  const utcStart = (day: SQL) => sql`(${day}::timestamp at time zone 'UTC')`;
  const [first, last] = split.days ? [split.days.from, split.days.to] : ['1970-01-01', '1970-01-01'];
  // A day's row is one bucket's when the day's first and last instants are (weeks and months,
  // mostly); only the others are split into their half hours (hours; days, at an offset from UTC).
  const rows = await db.execute<{
    kind: string;
    bucket: Date | string;
    closed: number;
    within_tat: number;
  }>(sql`
    with days as (
      select day, ${bucketOf(period.granularity, utcStart(sql`day`), f.timeZone)} as first_bucket,
        ${bucketOf(period.granularity, sql`${utcStart(sql`(day + 1)`)} - interval '1 microsecond'`, f.timeZone)} as last_bucket
      from (select generate_series(${first}::date, ${last}::date, interval '1 day')::date as day) g),
    whole as (
      select r.kind, y.first_bucket as bucket, sum(r.closed) as closed, sum(r.within_tat) as within_tat
      from ${closureDays(split, f)} r join days y on y.day = r.day
      where y.first_bucket = y.last_bucket group by 1, 2),
    halves as (
      select r.kind, r.day, ${summedArray('r.closed_by_slot', 48)} as c, ${summedArray('r.within_by_slot', 48)} as w
      from ${closureDays(split, f)} r join days y on y.day = r.day
      where y.first_bucket <> y.last_bucket group by 1, 2)
    select kind, bucket, sum(closed)::int as closed, sum(within_tat)::int as within_tat from (
      select kind, bucket, closed, within_tat from whole
      union all
      select kind, ${bucketOf(period.granularity, sql`(${utcStart(sql`day`)} + (i - 1) * interval '30 minutes')`, f.timeZone)},
        c[i], w[i]
      from halves cross join generate_series(1, 48) i
      where c[i] > 0
      union all
      select kind, ${bucketOf(period.granularity, sql`done_at`, f.timeZone)}, 1, (not breached)::int
      from (${closedItems(split.ranges, f)}) c
    ) s
    group by 1, 2 order by 2, 1`);
  return rows.map((r) => ({
    kind: r.kind,
    bucket: new Date(r.bucket).toISOString(),
    closed: r.closed,
    withinTat: r.within_tat,
  }));
}

export type TBreachLevel = { kind: string; level: number; closed: number; open: number };

/**
 * Breaches by the highest escalation level they reached: of the items closed in the period (the
 * rollup's days and the partial days' items), and of the items open now (a complaint resolved and
 * waiting for the consumer's word is not).
 */
export async function breachesByLevel(
  db: Database,
  period: TKpiPeriod,
  f: TKpiFilter,
): Promise<TBreachLevel[]> {
  const split = splitPeriod(period);
  const rows = await db.execute<{ kind: string; level: number; closed: number; open: number }>(sql`
    select kind, level, sum(closed)::int as closed, sum(open)::int as open from (
      select kind, (l.i - 1)::int as level, l.n as closed, 0 as open
      from ${closureDays(split, f)} d cross join lateral unnest(d.breached_by_level) with ordinality l(n, i)
      where l.n > 0
      union all
      select kind, escalation_level, count(*), 0
      from (${closedItems(split.ranges, f)}) c where breached group by 1, 2
      union all
      select 'request', escalation_level, 0, count(*) from service_requests
      where closed_at is null and breached ${officeIn(f.scope)} ${typeIs(f.type)} group by 2
      union all
      select 'complaint', escalation_level, 0, count(*) from complaints
      where closed_at is null and status <> 'resolved' and breached ${officeIn(f.scope)} ${typeIs(f.type)} group by 2
    ) b group by 1, 2 order by 1, 2`);
  return [...rows];
}

const ageBucket = (now: Date) => {
  const cases = AGE_BUCKETS.flatMap((b) =>
    b.upToDays === undefined
      ? []
      : [sql`when submitted_at > ${iso(new Date(now.getTime() - b.upToDays * 86_400_000))} then ${b.id}`],
  );
  return sql`case ${sql.join(cases, sql` `)} else ${AGE_BUCKETS.at(-1)!.id} end`;
};

export type TBacklogRow = {
  kind: string;
  officeId: string;
  status: string;
  bucket: TAgeBucket;
  items: number;
};

/** Open items now (not closed), by kind, office, status and age bucket. */
export async function backlog(db: Database, now: Date, f: TKpiFilter): Promise<TBacklogRow[]> {
  const rows = await db.execute<{
    kind: string;
    office_id: string;
    status: string;
    bucket: TAgeBucket;
    items: number;
  }>(sql`
    select kind, office_id, status, bucket, count(*)::int as items from (
      select 'request' as kind, office_id, status, ${ageBucket(now)} as bucket from service_requests
      where closed_at is null ${officeIn(f.scope)} ${typeIs(f.type)}
      union all
      select 'complaint', office_id, status, ${ageBucket(now)} from complaints
      where closed_at is null ${officeIn(f.scope)} ${typeIs(f.type)}
    ) o group by 1, 2, 3, 4 order by 1, 2, 3, 4`);
  return rows.map((r) => ({
    kind: r.kind,
    officeId: r.office_id,
    status: r.status,
    bucket: r.bucket,
    items: r.items,
  }));
}

export type TEmergencies = { unacknowledged: number; oldestSubmittedAt: string | null };

/** Emergencies whose field work is pending and which no one has acknowledged yet. */
export async function unacknowledgedEmergencies(db: Database, f: TKpiFilter): Promise<TEmergencies> {
  const [row] = await db.execute<{ n: number; oldest: Date | string | null }>(sql`
    select count(*)::int as n, min(submitted_at) as oldest from complaints
    where closed_at is null and priority = 'emergency' and acknowledged_at is null
      and status in ('open', 'assigned') ${officeIn(f.scope)} ${typeIs(f.type)}`);
  return {
    unacknowledged: row?.n ?? 0,
    oldestSubmittedAt: row?.oldest ? new Date(row.oldest).toISOString() : null,
  };
}

/** The period's start and end rounded out to whole contact slots (half hours). */
const slotRange = (period: TKpiPeriod) => sql`
  slot >= date_bin('30 minutes', ${iso(period.from)}::timestamptz, timestamptz '2000-01-01 00:00:00+00')
  and slot < ${iso(period.to)}`;

export type TContactPoint = { bucket: string; channel: string; contacts: number };

/**
 * Inbound contacts per bucket (hour, day… in the utility's time zone) and channel: summed per slot
 * and channel first (the index alone, `inbound_contact_slots_kpi_idx`), so the zone's bucket is
 * computed once a slot and channel, not once a slot row (offices × kinds of them).
 */
export async function contactSeries(
  db: Database,
  period: TKpiPeriod,
  f: TKpiFilter,
): Promise<TContactPoint[]> {
  const rows = await db.execute<{ bucket: Date | string; channel: string; contacts: number }>(sql`
    select ${bucketOf(period.granularity, sql`slot`, f.timeZone)} as bucket, channel, sum(contacts)::int as contacts
    from (
      select slot, channel, sum(contacts) as contacts
      from inbound_contact_slots where ${slotRange(period)} ${officeIn(f.scope)}
      group by 1, 2
    ) s
    group by 1, 2 order by 1, 2`);
  return rows.map((r) => ({
    bucket: new Date(r.bucket).toISOString(),
    channel: r.channel,
    contacts: r.contacts,
  }));
}

export type TContactKinds = { channel: string; kind: string; contacts: number };

/** Inbound contacts of the period by channel and kind (look-up, complaint, request). */
export async function contactKinds(
  db: Database,
  period: TKpiPeriod,
  f: TKpiFilter,
): Promise<TContactKinds[]> {
  const rows = await db.execute<TContactKinds>(sql`
    select channel, kind, sum(contacts)::int as contacts
    from inbound_contact_slots where ${slotRange(period)} ${officeIn(f.scope)}
    group by 1, 2 order by 1, 2`);
  return [...rows];
}

export type TNoticeChannel = {
  channel: string;
  notices: number;
  delivered: number;
  undelivered: number;
  pending: number;
  fellBack: number;
};

/**
 * Outbound notices recorded in the period, by the channel each was to go on first: delivered (on
 * any channel), of those delivered on a fallback, undelivered (the chain ran out, or there was
 * none), still pending. The period's whole UTC days are read from the rollup `kpi_notice_days`,
 * its partial first and last days (under a day each) from the notices (`notifications_kpi_idx`).
 */
export async function noticeChannels(
  db: Database,
  period: TKpiPeriod,
  f: TKpiFilter,
): Promise<TNoticeChannel[]> {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const endDay = Math.floor(to / DAY_MS) * DAY_MS;
  const whole = firstDay < endDay;
  const ranges = whole
    ? [
        [from, firstDay],
        [endDay, to],
      ].filter(([a, b]) => a! < b!)
    : [[from, to]];
  const items = ranges.map(
    ([a, b]) => sql`
      select first_channel, status, fell_back, count(*) as n
      from notifications
      where created_at >= ${iso(new Date(a!))} and created_at < ${iso(new Date(b!))} ${officeIn(f.scope, sql`kpi_office_id`)}
      group by 1, 2, 3`,
  );
  const days = whole
    ? [
        sql`
      select first_channel, status, fell_back, sum(notices) as n
      from kpi_notice_days
      where day >= ${utcDate(firstDay)}::date and day < ${utcDate(endDay)}::date ${officeIn(f.scope)}
      group by 1, 2, 3`,
      ]
    : [];
  const rows = await db.execute<{
    channel: string;
    notices: number;
    delivered: number;
    undelivered: number;
    pending: number;
    fell_back: number;
  }>(sql`
    select first_channel as channel, sum(n)::int as notices,
      coalesce(sum(n) filter (where status = 'delivered'), 0)::int as delivered,
      coalesce(sum(n) filter (where status in ('undelivered', 'undeliverable')), 0)::int as undelivered,
      coalesce(sum(n) filter (where status not in ('delivered', 'undelivered', 'undeliverable')), 0)::int as pending,
      coalesce(sum(n) filter (where fell_back), 0)::int as fell_back
    from (${sql.join([...days, ...items], sql` union all `)}) g
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

export type TCampaignKpi = {
  id: string;
  kind: string;
  officeId: string;
  status: string;
  createdAt: string;
  recipients: number;
  sent: number;
  delivered: number;
  callsMade: number;
};

/** At most this many campaigns a question answers (the newest of the period). */
export const CAMPAIGNS_MAX = 100;

/**
 * Campaigns started in the period, newest first: recipients, automated messages sent (a channel
 * tried), delivered (or reached by a call), calls made by operators.
 */
export async function campaignKpis(db: Database, period: TKpiPeriod, f: TKpiFilter): Promise<TCampaignKpi[]> {
  const rows = await db.execute<{
    id: string;
    kind: string;
    office_id: string;
    status: string;
    created_at: Date | string;
    recipients: number;
    sent: number;
    delivered: number;
    calls_made: number;
  }>(sql`
    select c.id, c.kind, c.office_id, c.status, c.created_at,
      (select count(*)::int from campaign_recipients r where r.campaign_id = c.id) as recipients,
      coalesce(d.sent, 0)::int as sent, coalesce(d.delivered, 0)::int as delivered,
      (select coalesce(sum(calls), 0)::int from campaign_deliveries k
        where k.campaign_id = c.id and k.calls > 0) as calls_made
    from campaigns c
    left join lateral (
      select count(*) filter (where route = 'auto' and status in ('sending', 'awaiting-receipt', 'delivered', 'undelivered')) as sent,
        count(*) filter (where status in ('delivered', 'reached')) as delivered
      from campaign_deliveries where campaign_id = c.id) d on true
    where c.created_at >= ${iso(period.from)} and c.created_at < ${iso(period.to)} ${officeIn(f.scope, sql`c.office_id`)}
    order by c.created_at desc limit ${CAMPAIGNS_MAX}`);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    officeId: r.office_id,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    recipients: r.recipients,
    sent: r.sent,
    delivered: r.delivered,
    callsMade: r.calls_made,
  }));
}
