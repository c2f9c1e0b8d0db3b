import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Outages registered by dispatchers on feeders and/or distribution transformers. Consumers are
 * affected through the network topology (consumer → transformer → feeder). Kept ready for the
 * notification campaigns of a later issue: every change is an event.
 */
export const outages = pgTable(
  'outages',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(), // planned | emergency
    status: text('status').notNull(), // scheduled | active | restored | cancelled
    feederIds: jsonb('feeder_ids').$type<string[]>().notNull(),
    transformerIds: jsonb('transformer_ids').$type<string[]>().notNull(),
    reason: text('reason').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** estimated time of restoration */
    etr: timestamp('etr', { withTimezone: true }).notNull(),
    restoredAt: timestamp('restored_at', { withTimezone: true }),
    officeId: text('office_id').notNull(),
    registeredBy: text('registered_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outages_status_idx').on(t.status)],
);

export const outageEvents = pgTable(
  'outage_events',
  {
    id: text('id').primaryKey(),
    outageId: text('outage_id').notNull(),
    event: text('event').notNull(), // registered | etr-changed | restored
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    by: text('by').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outage_events_outage_idx').on(t.outageId)],
);
