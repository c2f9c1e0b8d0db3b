import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { offices } from './offices';
import { staff } from './staff';

/**
 * An office's on-call roster, one row per shift, in India time. `to` before `from` crosses
 * midnight; `weekdays` are the days a shift starts on (null: every day). Shifts may overlap.
 */
export const onCallShifts = pgTable(
  'on_call_shifts',
  {
    id: text('id').primaryKey(),
    officeId: text('office_id')
      .notNull()
      .references(() => offices.id),
    subject: text('subject')
      .notNull()
      .references(() => staff.subject),
    /** 'HH:MM' */
    from: text('from_time').notNull(),
    /** 'HH:MM', exclusive */
    to: text('to_time').notNull(),
    weekdays: jsonb('weekdays').$type<number[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('on_call_shifts_office_idx').on(t.officeId)],
);
