import { boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { offices } from './offices';

/**
 * The staff directory: who a token's `sub` is, where they work and how to reach them. Alerts to
 * "the executive of sec-pattom" resolve to the active people here. Rows are deactivated, never
 * deleted, so old alerts still name someone.
 */
export const staff = pgTable(
  'staff',
  {
    /** the JWT `sub` */
    subject: text('subject').primaryKey(),
    name: text('name').notNull(),
    /** a staff role (domain/roles.ts), never consumer */
    role: text('role').notNull(),
    officeId: text('office_id')
      .notNull()
      .references(() => offices.id),
    /** E.164 */
    phone: text('phone').notNull(),
    email: text('email'),
    /** sms | whatsapp | email | voice */
    preferredChannel: text('preferred_channel').notNull(),
    language: text('language').notNull().default('en'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('staff_office_role_idx').on(t.officeId, t.role)],
);
