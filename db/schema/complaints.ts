import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
