import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import type { TServiceRequestState } from '../../domain/service-request';

/** Read model of service requests for work queues, lists and KPIs; written by workflow activities. */
export const serviceRequests = pgTable(
  'service_requests',
  {
    requestNumber: text('request_number').primaryKey(),
    typeCode: text('type_code').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    officeId: text('office_id').notNull(),
    escalationOfficeId: text('escalation_office_id'),
    escalationLevel: integer('escalation_level').notNull().default(0),
    status: text('status').notNull(),
    currentStep: text('current_step'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    channel: text('channel').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** the TAT clock ran out before it closed (or negative feedback reopened it): the KPIs' "not within TAT" */
    breached: boolean('breached').notNull().default(false),
    /** the workflow's state when last saved; the timeline of a closed request is read from here */
    state: jsonb('state').$type<TServiceRequestState>(),
    /** timeline length: a late, older write never overwrites a newer one */
    version: integer('version').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** the console's order, breached and warned first: 0 both, 1 breached, 2 warned, 3 neither */
    queueRank: smallint('queue_rank').generatedAlwaysAs(
      sql`(case when coalesce((state->>'breached')::boolean, false) then 0 else 2 end + case when coalesce((state->>'warned')::boolean, false) then 0 else 1 end)`,
    ),
    /** the due date with none last: the queues' key for seek pagination (db/work-items.ts) */
    queueDue: timestamp('queue_due', { withTimezone: true }).generatedAlwaysAs(
      sql`coalesce(due_at, 'infinity'::timestamptz)`,
    ),
  },
  (t) => [
    // The queues' orders, so that a page is a walk of an index from where the last one ended.
    index('service_requests_queue_urgent_idx').on(t.queueRank, t.queueDue, t.requestNumber),
    index('service_requests_queue_due_idx').on(t.queueDue, t.requestNumber),
    index('service_requests_office_status_idx').on(t.officeId, t.status),
    index('service_requests_escalation_idx').on(t.escalationOfficeId, t.status),
    index('service_requests_consumer_idx').on(t.consumerNumber),
    // GET /metrics on every scrape: open requests by status, and those past their TAT (the backlog only)
    index('service_requests_open_status_due_idx')
      .on(t.status, t.dueAt)
      .where(sql`status in ('in-progress', 'awaiting-consumer')`),
    // The KPIs (db/kpis.ts): what closed in a period, read from the index alone; the open backlog.
    index('service_requests_kpi_closed_idx')
      .on(t.closedAt, t.officeId, t.typeCode, t.breached, t.escalationLevel, t.submittedAt)
      .where(sql`closed_at is not null`),
    index('service_requests_kpi_open_idx')
      .on(t.officeId, t.status, t.submittedAt, t.typeCode, t.breached, t.escalationLevel)
      .where(sql`closed_at is null`),
  ],
);

/** Intake idempotency: one Idempotency-Key (per caller) → one Request Number, forever. */
export const intakeKeys = pgTable('intake_keys', {
  key: text('key').primaryKey(),
  requestNumber: text('request_number').notNull(),
  /** SHA-256 of the canonical submission: the same key with a different request is refused */
  bodyHash: text('body_hash'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every back-office decision, with who made it; keyed by workflow run + activity id so a retry writes once. */
export const requestDecisions = pgTable(
  'request_decisions',
  {
    id: text('id').primaryKey(),
    requestNumber: text('request_number').notNull(),
    action: text('action').notNull(),
    actorSubject: text('actor_subject').notNull(),
    actorRole: text('actor_role').notNull(),
    actorOfficeId: text('actor_office_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    /** the executive's Ed25519 signature over `signedMessage`, made with the key `signatureKeyId` */
    signatureKeyId: text('signature_key_id'),
    signedMessage: text('signed_message'),
    signature: text('signature'),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('request_decisions_rn_idx').on(t.requestNumber)],
);
