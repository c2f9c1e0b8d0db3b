import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every notice Seva sends, keyed by an idempotency key derived from the workflow id and step, so
 * a retried activity never records (or sends) a notice twice.
 */
export const notifications = pgTable(
  'notifications',
  {
    key: text('key').primaryKey(),
    consumerNumber: text('consumer_number'),
    officeId: text('office_id'),
    role: text('role'),
    channel: text('channel').notNull(),
    language: text('language').notNull(),
    template: text('template').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_consumer_idx').on(t.consumerNumber),
    index('notifications_office_idx').on(t.officeId),
  ],
);
