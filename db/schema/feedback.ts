import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One answer per request, from its feedback link. */
export const feedback = pgTable('feedback', {
  requestNumber: text('request_number').primaryKey(),
  consumerNumber: text('consumer_number').notNull(),
  rating: integer('rating').notNull(),
  category: text('category').notNull(),
  comment: text('comment'),
  reopened: text('reopened').notNull().default('no'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
