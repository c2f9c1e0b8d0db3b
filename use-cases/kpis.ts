import {
  backlog,
  breachesByLevel,
  campaignKpis,
  contactKinds,
  contactSeries,
  noticeChannels,
  slaGroups,
  slaSeries,
  unacknowledgedEmergencies,
  type TKpiFilter,
} from '../db/kpis';
import { DomainProblem, FailureType, fieldErrors } from '../domain/failures';
import { AGE_BUCKETS, KPI_ROLES, periodOf, shareOf, ZKpiQuery, type TKpiPeriod } from '../domain/kpis';
import { UNSCOPED_ROLES, type TPrincipal } from '../domain/roles';
import { offices } from '../db/schema';
import { assertRole, queueScope } from './access';
import { clockOf, type UseCaseDeps } from './deps';
import type { z } from 'zod';

export { KPI_ROLES };

/**
 * The KPIs (#17): SLA compliance, the backlog, inbound contacts, outbound notices, campaigns.
 * Supervisors and executives see their office and the offices under it, ops and admin every
 * office (or the one they ask for); consumers and the roles that work items are refused.
 */

export type TKpiQuery = z.output<typeof ZKpiQuery>;
type TDeps = Pick<UseCaseDeps, 'db' | 'now'> & { config: Pick<UseCaseDeps['config'], 'profile'> };

/** A query as a page received it (strings), parsed with the API's own schema: problems are named `query.<field>`. */
export function parseKpiQuery(raw: Record<string, string | undefined>): TKpiQuery {
  const parsed = ZKpiQuery.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success)
    throw new DomainProblem(FailureType.InvalidInput, 'invalid query', {
      errors: fieldErrors(parsed.error.issues, 'query'),
    });
  return parsed.data;
}

/** Who asks, for which offices, over which period: checked before any figure is read. */
async function prepare(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  assertRole(principal, KPI_ROLES);
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  const now = clockOf(deps)();
  const resolved = periodOf(q, now, deps.config.profile.utcOffsetMinutes);
  if (!resolved.ok)
    throw new DomainProblem(FailureType.InvalidInput, 'invalid period', { errors: resolved.errors });
  const scope = await queueScope(deps.db, principal, q.officeId);
  const filter: TKpiFilter = { scope, type: q.type, timeZone: deps.config.profile.timeZone };
  return { now, period: resolved.period, filter, officeId: scope?.officeId ?? null };
}

const periodShown = (period: TKpiPeriod) => ({
  from: period.from.toISOString(),
  to: period.to.toISOString(),
  granularity: period.granularity,
});

/**
 * SLA compliance: of the requests closed and complaints resolved in the period, the share whose
 * TAT had not run out, by type and office (with totals), per bucket; average and p90 time to close;
 * breaches by escalation level (closed in the period, and open now).
 */
export async function slaKpi(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const { period, filter, officeId } = await prepare(deps, principal, q);
  const [groups, series, breaches] = await Promise.all([
    slaGroups(deps.db, period, filter),
    slaSeries(deps.db, period, filter),
    breachesByLevel(deps.db, period, filter),
  ]);
  return {
    period: periodShown(period),
    officeId,
    type: q.type ?? null,
    groups,
    series: series.map((p) => ({ ...p, share: shareOf(p.withinTat, p.closed) })),
    breaches,
  };
}
export type TSlaKpi = Awaited<ReturnType<typeof slaKpi>>;

/** The backlog now: open items by kind, office, status and age bucket; waiting on the consumer; unacknowledged emergencies. */
export async function backlogKpi(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const { now, filter, officeId } = await prepare(deps, principal, q);
  const [rows, emergencies] = await Promise.all([
    backlog(deps.db, now, filter),
    unacknowledgedEmergencies(deps.db, filter),
  ]);
  const sum = (pick: (r: (typeof rows)[number]) => boolean) =>
    rows.filter(pick).reduce((n, r) => n + r.items, 0);
  return {
    asOf: now.toISOString(),
    officeId,
    type: q.type ?? null,
    buckets: AGE_BUCKETS.map((b) => b.id),
    rows,
    open: { request: sum((r) => r.kind === 'request'), complaint: sum((r) => r.kind === 'complaint') },
    /** requests at a step of the consumer's (the TAT clock paused); complaints resolved, waiting for the consumer's word */
    waitingOnConsumer: {
      request: sum((r) => r.kind === 'request' && r.status === 'awaiting-consumer'),
      complaint: sum((r) => r.kind === 'complaint' && r.status === 'resolved'),
    },
    emergencies,
  };
}
export type TBacklogKpi = Awaited<ReturnType<typeof backlogKpi>>;

/** Inbound contacts per bucket and channel, and each channel's look-ups, complaints and requests with their shares. */
export async function contactsKpi(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const { period, filter, officeId } = await prepare(deps, principal, q);
  const [series, kinds] = await Promise.all([
    contactSeries(deps.db, period, filter),
    contactKinds(deps.db, period, filter),
  ]);
  const channels = [...new Set(kinds.map((k) => k.channel))];
  const total = kinds.reduce((n, k) => n + k.contacts, 0);
  const of = (channel: string | undefined, kind: string) =>
    kinds
      .filter((k) => (!channel || k.channel === channel) && k.kind === kind)
      .reduce((n, k) => n + k.contacts, 0);
  const mix = (channel?: string) => {
    const all = kinds.filter((k) => !channel || k.channel === channel).reduce((n, k) => n + k.contacts, 0);
    const lookUps = of(channel, 'look-up');
    const complaints = of(channel, 'complaint');
    const requests = of(channel, 'request');
    return {
      contacts: all,
      lookUps,
      complaints,
      requests,
      lookUpShare: shareOf(lookUps, all),
      complaintShare: shareOf(complaints, all),
      requestShare: shareOf(requests, all),
    };
  };
  return {
    period: periodShown(period),
    officeId,
    series,
    channels: channels.map((channel) => ({ channel, ...mix(channel) })),
    total: { ...mix(), contacts: total },
  };
}
export type TContactsKpi = Awaited<ReturnType<typeof contactsKpi>>;

/** Outbound notices of the period by first channel: delivery rate (of those decided) and fallbacks. */
export async function noticesKpi(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const { period, filter, officeId } = await prepare(deps, principal, q);
  const channels = await noticeChannels(deps.db, period, filter);
  return {
    period: periodShown(period),
    officeId,
    channels: channels.map((c) => ({
      ...c,
      deliveryRate: shareOf(c.delivered, c.delivered + c.undelivered),
      fallbackShare: shareOf(c.fellBack, c.delivered),
    })),
  };
}
export type TNoticesKpi = Awaited<ReturnType<typeof noticesKpi>>;

/** Campaigns started in the period: recipients, sent, delivered, calls made. */
export async function campaignsKpi(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const { period, filter, officeId } = await prepare(deps, principal, q);
  const campaigns = await campaignKpis(deps.db, period, filter);
  return {
    period: periodShown(period),
    officeId,
    campaigns: campaigns.map((c) => ({ ...c, deliveryRate: shareOf(c.delivered, c.recipients) })),
  };
}
export type TCampaignsKpi = Awaited<ReturnType<typeof campaignsKpi>>;

/** Each KPI as one table of plain values: what its CSV export holds. */
export const KPI_TABLES = {
  sla: (k: TSlaKpi) =>
    k.groups.map((g) => ({
      kind: g.kind,
      type: g.typeCode ?? 'all',
      office: g.officeId ?? 'all',
      closed: g.closed,
      within_tat: g.withinTat,
      share: g.share,
      avg_hours: g.avgHours,
      p90_hours: g.p90Hours,
    })),
  backlog: (k: TBacklogKpi) =>
    k.rows.map((r) => ({
      kind: r.kind,
      office: r.officeId,
      status: r.status,
      age: r.bucket,
      items: r.items,
    })),
  contacts: (k: TContactsKpi) =>
    k.series.map((p) => ({ bucket: p.bucket, channel: p.channel, contacts: p.contacts })),
  notices: (k: TNoticesKpi) =>
    k.channels.map((c) => ({
      channel: c.channel,
      notices: c.notices,
      delivered: c.delivered,
      undelivered: c.undelivered,
      pending: c.pending,
      fell_back: c.fellBack,
      delivery_rate: c.deliveryRate,
    })),
  campaigns: (k: TCampaignsKpi) =>
    k.campaigns.map((c) => ({
      campaign: c.id,
      kind: c.kind,
      office: c.officeId,
      status: c.status,
      started: c.createdAt,
      recipients: c.recipients,
      sent: c.sent,
      delivered: c.delivered,
      calls_made: c.callsMade,
    })),
} as const;
export type TKpiName = keyof typeof KPI_TABLES;
/** The columns of each KPI's table, in order (the CSV's header, also when there are no rows). */
export const KPI_COLUMNS: Record<TKpiName, readonly string[]> = {
  sla: ['kind', 'type', 'office', 'closed', 'within_tat', 'share', 'avg_hours', 'p90_hours'],
  backlog: ['kind', 'office', 'status', 'age', 'items'],
  contacts: ['bucket', 'channel', 'contacts'],
  notices: ['channel', 'notices', 'delivered', 'undelivered', 'pending', 'fell_back', 'delivery_rate'],
  campaigns: [
    'campaign',
    'kind',
    'office',
    'status',
    'started',
    'recipients',
    'sent',
    'delivered',
    'calls_made',
  ],
};
export const KPI_NAMES = Object.keys(KPI_TABLES) as TKpiName[];
export const KPI_READERS = {
  sla: slaKpi,
  backlog: backlogKpi,
  contacts: contactsKpi,
  notices: noticesKpi,
  campaigns: campaignsKpi,
} as const;

/** The offices a person may ask the KPIs of: every office for ops and admin, else theirs and those under it. */
export async function kpiOffices(deps: Pick<UseCaseDeps, 'db'>, principal: TPrincipal) {
  assertRole(principal, KPI_ROLES);
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  const rows = await deps.db
    .select({ id: offices.id, name: offices.name, path: offices.path })
    .from(offices)
    .orderBy(offices.path);
  if (UNSCOPED_ROLES.has(principal.role)) return rows;
  const mine = rows.find((o) => o.id === principal.officeId);
  return mine ? rows.filter((o) => o.path === mine.path || o.path.startsWith(`${mine.path}/`)) : [];
}

/** Every KPI at once, for the dashboard. */
export async function allKpis(deps: TDeps, principal: TPrincipal, q: TKpiQuery) {
  const [sla, backlog, contacts, notices, campaigns] = await Promise.all([
    slaKpi(deps, principal, q),
    backlogKpi(deps, principal, q),
    contactsKpi(deps, principal, q),
    noticesKpi(deps, principal, q),
    campaignsKpi(deps, principal, q),
  ]);
  return { sla, backlog, contacts, notices, campaigns };
}
