import type { TNoticeParam } from '../../domain/notices';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A notification campaign: today one per outage (id = the outage's id). Its lifecycle (waves,
 * timers, ETR and restoration, the call list's clock) runs in `outageCampaignWorkflow`; who is
 * told what lives here, so 100,000 recipients cost rows, not workflow history.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    /** outage | manual | reminders */
    kind: text('kind').notNull(),
    outageId: text('outage_id'),
    /** the office that owns it (the outage's): who may see it */
    officeId: text('office_id').notNull(),
    /** scheduled | materialising | running | done | cancelled */
    status: text('status').notNull(),
    /** manual campaigns: the operator's name for it */
    title: text('title'),
    /** manual campaigns: whom it targets, what it says, on which channel first (`TManualCampaignSpec`) */
    spec: jsonb('spec').$type<Record<string, unknown>>(),
    createdBy: text('created_by'),
    /** manual campaigns: when it starts sending (at once when null) */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaigns_office_idx').on(t.officeId)],
);

/**
 * Who the campaign reaches, as the network was when it started (later topology edits change
 * nothing); `callList` recipients (life support, social objects) are called by an operator first.
 */
export const campaignRecipients = pgTable(
  'campaign_recipients',
  {
    campaignId: text('campaign_id').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    transformerId: text('transformer_id').notNull(),
    feederId: text('feeder_id').notNull(),
    /** the consumer's section office: whose call list they are on */
    officeId: text('office_id').notNull(),
    /** what is off for them, in words they know: their transformer's or their feeder's name */
    area: text('area').notNull(),
    callList: boolean('call_list').notNull(),
    /** life-support | the social category */
    callReason: text('call_reason'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.consumerNumber] })],
);

/** One message of the campaign to everyone (the first notice, each ETR change, the restoration…). */
export const campaignStages = pgTable(
  'campaign_stages',
  {
    campaignId: text('campaign_id').notNull(),
    stage: text('stage').notNull(),
    template: text('template').notNull(),
    /** the notice's parameters; each recipient's `area` is added when it is rendered */
    params: jsonb('params').$type<Record<string, TNoticeParam>>().notNull(),
    /** the channel tried first for everyone (a manual campaign's choice, the reminders' voice call); none: each consumer's own */
    channel: text('channel'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.stage] })],
);

/**
 * One stage for one recipient: its notice key is `campaign/<id>`, each channel try an attempt in
 * `notification_attempts` (`campaign/<id>#<attempt>`, the provider's idempotency key).
 * Automated (`route` auto): due → sending (claimed, leased) → awaiting-receipt → delivered, or on
 * to the next channel of `chain`, undelivered when it runs out. Call list (`route` call): calling →
 * reached, or after the tries (or a wrong number) over to auto. `told-by-complaint`: the consumer's
 * own complaint tells them this (they are not told twice).
 */
export const campaignDeliveries = pgTable(
  'campaign_deliveries',
  {
    /** `<campaign>.<stage>.<consumer>` */
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').notNull(),
    stage: text('stage').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    route: text('route').notNull(),
    status: text('status').notNull(),
    /** this recipient's own parameters over the stage's (a reminder's amount) */
    params: jsonb('params').$type<Record<string, TNoticeParam>>(),
    /** the channels in the order they are tried (planned at the first send) */
    chain: jsonb('chain').$type<string[]>(),
    /** index into chain of the channel being tried */
    step: integer('step').notNull().default(0),
    /** provider failures on the current step (three, then the next channel) */
    failures: integer('failures').notNull().default(0),
    channel: text('channel'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    /** the dispatch activity holding it (its retry takes its own rows back at once) */
    claim: text('claim'),
    /** call list: who has it, how many calls, the last outcome and note */
    claimedBy: text('claimed_by'),
    calls: integer('calls').notNull().default(0),
    callOutcome: text('call_outcome'),
    callNote: text('call_note'),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('campaign_deliveries_due_idx').on(t.campaignId, t.route, t.status, t.dueAt),
    index('campaign_deliveries_consumer_idx').on(t.campaignId, t.consumerNumber),
    // The campaigns KPI's calls made (db/kpis.ts): only the deliveries someone called.
    index('campaign_deliveries_calls_idx')
      .on(t.campaignId, t.calls)
      .where(sql`calls > 0`),
  ],
);

/** Every call made for the call list: who, when, what came of it. */
export const campaignCalls = pgTable(
  'campaign_calls',
  {
    /** `<delivery>#<call>` */
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id').notNull(),
    by: text('by').notNull(),
    outcome: text('outcome').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('campaign_calls_delivery_idx').on(t.deliveryId)],
);
