import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { campaignDeliveries, campaignRecipients, campaigns, consumers } from './schema';

export type TCampaignRow = typeof campaigns.$inferSelect;

export type TChannelFigures = { channel: string; sent: number; delivered: number; failed: number };
export type TCampaignFigures = {
  targeted: number;
  callList: number;
  stages: {
    stage: string;
    template: string;
    planned: number;
    delivered: number;
    open: number;
    /** not sent: the campaign cancelled, or (reminders) the bill paid first */
    cancelled: number;
    toldByComplaint: number;
  }[];
  channels: TChannelFigures[];
  calls: {
    total: number;
    open: number;
    claimed: number;
    reached: number;
    fellBack: number;
    escalated: number;
  };
  complaintsLinked: number;
  inboundContacts: number;
};

/** The campaign's figures: who was targeted, each stage's progress, attempts per channel, the call list, inbound contacts. */
export async function campaignFigures(db: Database, campaign: TCampaignRow): Promise<TCampaignFigures> {
  const id = campaign.id;
  const [counts] = await db.execute<{ targeted: number; call_list: number }>(sql`
    select count(*)::int as targeted, (count(*) filter (where call_list))::int as call_list
    from ${campaignRecipients} where campaign_id = ${id}`);
  const stages = await db.execute<{
    stage: string;
    template: string;
    planned: number;
    delivered: number;
    open: number;
    cancelled: number;
    told_by_complaint: number;
  }>(sql`
    select s.stage, s.template, count(d.id)::int as planned,
      (count(d.id) filter (where d.status in ('delivered', 'reached')))::int as delivered,
      (count(d.id) filter (where d.status not in ('delivered', 'reached', 'undelivered', 'told-by-complaint', 'cancelled')))::int as open,
      (count(d.id) filter (where d.status = 'cancelled'))::int as cancelled,
      (count(d.id) filter (where d.status = 'told-by-complaint'))::int as told_by_complaint
    from campaign_stages s left join ${campaignDeliveries} d on d.campaign_id = s.campaign_id and d.stage = s.stage
    where s.campaign_id = ${id} group by s.stage, s.template, s.created_at order by s.created_at`);
  const channels = await db.execute<TChannelFigures>(sql`
    select a.channel, count(*)::int as sent,
      (count(*) filter (where a.status = 'delivered'))::int as delivered,
      (count(*) filter (where a.status in ('failed', 'timed-out')))::int as failed
    from ${campaignDeliveries} d join notification_attempts a on a.key = 'campaign/' || d.id
    where d.campaign_id = ${id}
    group by a.channel order by a.channel`);
  const [calls] = await db.execute<TCampaignFigures['calls']>(sql`
    select count(*)::int as total,
      (count(*) filter (where route = 'call' and status = 'calling'))::int as open,
      (count(*) filter (where route = 'call' and status = 'claimed'))::int as claimed,
      (count(*) filter (where status = 'reached'))::int as reached,
      (count(*) filter (where route = 'auto'))::int as "fellBack",
      (count(*) filter (where escalated_at is not null))::int as escalated
    from ${campaignDeliveries}
    where campaign_id = ${id} and (route = 'call' or calls > 0 or call_outcome is not null)
      and status <> 'told-by-complaint'`);
  const [inbound] = await db.execute<{ complaints: number; contacts: number }>(sql`
    select
      (select count(*)::int from outage_complaints where outage_id = ${campaign.outageId ?? ''}) as complaints,
      (select count(*)::int from inbound_contacts ic
        where ic.at >= ${campaign.createdAt.toISOString()}
          and exists (select 1 from ${campaignRecipients} r where r.campaign_id = ${id} and r.consumer_number = ic.consumer_number)) as contacts`);
  return {
    targeted: counts?.targeted ?? 0,
    callList: counts?.call_list ?? 0,
    stages: stages.map((s) => ({
      stage: s.stage,
      template: s.template,
      planned: s.planned,
      delivered: s.delivered,
      open: s.open,
      cancelled: s.cancelled,
      toldByComplaint: s.told_by_complaint,
    })),
    channels: [...channels],
    calls: calls ?? { total: 0, open: 0, claimed: 0, reached: 0, fellBack: 0, escalated: 0 },
    complaintsLinked: inbound?.complaints ?? 0,
    inboundContacts: inbound?.contacts ?? 0,
  };
}

export type TCallListEntry = {
  id: string;
  campaignId: string;
  outageId: string | null;
  stage: string;
  template: string;
  consumerNumber: string;
  name: string;
  phone: string;
  address: string;
  language: string;
  officeId: string;
  area: string;
  reason: string | null;
  status: string;
  claimedBy: string | null;
  calls: number;
  lastOutcome: string | null;
  lastNote: string | null;
  dueAt: string;
  escalatedAt: string | null;
};

/**
 * The call list of the offices given (the caller's scope; all when undefined): the entries to
 * work now and later, oldest first; with `done`, also those already worked.
 */
export async function callList(
  db: Database,
  officeIds: string[] | undefined,
  options: { campaignId?: string; done?: boolean; limit?: number } = {},
): Promise<TCallListEntry[]> {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select d.id, d.campaign_id, k.outage_id, d.stage, s.template, d.consumer_number, c.name, c.phone, c.address,
           c.language, r.office_id, r.area, r.call_reason, d.status, d.claimed_by, d.calls, d.call_outcome,
           d.call_note, d.due_at, d.escalated_at
    from ${campaignDeliveries} d
    join ${campaignRecipients} r on r.campaign_id = d.campaign_id and r.consumer_number = d.consumer_number
    join ${campaigns} k on k.id = d.campaign_id
    join campaign_stages s on s.campaign_id = d.campaign_id and s.stage = d.stage
    join ${consumers} c on c.consumer_number = d.consumer_number
    where r.call_list and d.status <> 'told-by-complaint'
      ${
        officeIds
          ? sql`and r.office_id in (${sql.join(
              officeIds.map((o) => sql`${o}`),
              sql`, `,
            )})`
          : sql``
      }
      ${options.campaignId ? sql`and d.campaign_id = ${options.campaignId}` : sql``}
      ${options.done ? sql`` : sql`and d.route = 'call' and d.status in ('calling', 'claimed')`}
    order by d.due_at, d.id
    limit ${options.limit ?? 200}`);
  return rows.map((r) => ({
    id: r.id as string,
    campaignId: r.campaign_id as string,
    outageId: r.outage_id as string | null,
    stage: r.stage as string,
    template: r.template as string,
    consumerNumber: r.consumer_number as string,
    name: r.name as string,
    phone: r.phone as string,
    address: r.address as string,
    language: r.language as string,
    officeId: r.office_id as string,
    area: r.area as string,
    reason: r.call_reason as string | null,
    status: r.status as string,
    claimedBy: r.claimed_by as string | null,
    calls: r.calls as number,
    lastOutcome: r.call_outcome as string | null,
    lastNote: r.call_note as string | null,
    dueAt: new Date(r.due_at as string).toISOString(),
    escalatedAt: r.escalated_at ? new Date(r.escalated_at as string).toISOString() : null,
  }));
}
