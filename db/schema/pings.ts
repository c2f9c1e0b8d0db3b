import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { consumers } from './consumers';

/** One row per ping workflow run; the workflow id is the key, so an activity retry writes once. */
export const pings = pgTable('pings', {
  workflowId: text('workflow_id').primaryKey(),
  consumerNumber: text('consumer_number')
    .notNull()
    .references(() => consumers.consumerNumber),
  channel: text('channel').notNull(),
  requestedBy: text('requested_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
});
