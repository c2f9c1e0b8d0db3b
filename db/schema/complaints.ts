import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { TComplaintState } from '../../domain/complaint';

/**
 * One open complaint per consumer and type: a second report of the same problem joins the open
 * one. The slot is taken at intake and released when the complaint closes.
 */
export const openComplaints = pgTable(
  'open_complaints',
  {
    consumerNumber: text('consumer_number').notNull(),
    typeCode: text('type_code').notNull(),
    requestNumber: text('request_number').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumerNumber, t.typeCode] })],
);

/** Read model of complaints for the work queue and look-ups; written by the workflow's activity. */
export const complaints = pgTable(
  'complaints',
  {
    requestNumber: text('request_number').primaryKey(),
    typeCode: text('type_code').notNull(),
    priority: text('priority').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    officeId: text('office_id').notNull(),
    status: text('status').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    escalationOfficeId: text('escalation_office_id'),
    outageId: text('outage_id'),
    crew: text('crew'),
    reopenCount: integer('reopen_count').notNull().default(0),
    reports: integer('reports').notNull().default(1),
    channel: text('channel').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    /** when the field work was reported done (the TAT clock stops); cleared when it is reopened */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** not resolved within the TAT since it was (re)opened: the KPIs' "not within TAT" */
    breached: boolean('breached').notNull().default(false),
    state: jsonb('state').$type<TComplaintState>(),
    /** timeline length: a late, older write never overwrites a newer one */
    version: integer('version').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The queue's order: emergencies first, then high, normal, low; within each field work waiting
     * (open, assigned), then waiting on an outage, then on the consumer, then closed.
     */
    queueRank: smallint('queue_rank').generatedAlwaysAs(
      sql`(4 * case priority when 'emergency' then 0 when 'high' then 1 when 'normal' then 2 else 3 end + case status when 'open' then 0 when 'assigned' then 0 when 'awaiting-restoration' then 1 when 'resolved' then 2 else 3 end)`,
    ),
    /** the due date with none last: the queue's key for seek pagination (db/work-items.ts) */
    queueDue: timestamp('queue_due', { withTimezone: true }).generatedAlwaysAs(
      sql`coalesce(due_at, 'infinity'::timestamptz)`,
    ),
  },
  (t) => [
    index('complaints_queue_idx').on(t.queueRank, t.queueDue, t.requestNumber),
    index('complaints_office_status_idx').on(t.officeId, t.status),
    index('complaints_escalation_idx').on(t.escalationOfficeId, t.status),
    index('complaints_consumer_idx').on(t.consumerNumber),
    index('complaints_outage_idx').on(t.outageId),
    // GET /metrics on every scrape: open complaints by status, and those past their TAT (the backlog only)
    index('complaints_open_status_due_idx')
      .on(t.status, t.dueAt)
      .where(sql`status <> 'closed'`),
    // The KPIs (db/kpis.ts): what was resolved in a period, read from the index alone; the open backlog.
    index('complaints_kpi_resolved_idx')
      .on(t.resolvedAt, t.officeId, t.typeCode, t.breached, t.escalationLevel, t.submittedAt)
      .where(sql`resolved_at is not null`),
    index('complaints_kpi_open_idx')
      .on(
        t.officeId,
        t.status,
        t.submittedAt,
        t.typeCode,
        t.breached,
        t.escalationLevel,
        t.priority,
        t.acknowledgedAt,
      )
      .where(sql`closed_at is null`),
  ],
);

/**
 * Complaints answered by an outage, written at intake before the workflow starts: the registry
 * signals these on a new ETR and on restoration.
 */
export const outageComplaints = pgTable(
  'outage_complaints',
  {
    outageId: text('outage_id').notNull(),
    requestNumber: text('request_number').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.outageId, t.requestNumber] })],
);
