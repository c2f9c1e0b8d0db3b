import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Each staff member's inbox: one row per notice per person, rendered in their language. The
 * notice key is unique per subject, so a retried delivery adds nothing.
 */
export const staffInbox = pgTable(
  'staff_inbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** the recipient's JWT `sub` */
    subject: text('subject').notNull(),
    noticeKey: text('notice_key').notNull(),
    template: text('template').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    urgent: boolean('urgent').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('staff_inbox_subject_notice_idx').on(t.subject, t.noticeKey),
    index('staff_inbox_subject_created_idx').on(t.subject, t.createdAt),
  ],
);
