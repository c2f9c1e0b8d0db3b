import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { TAreaClass } from '../../domain/compensation';
import type { TBusinessCalendar } from '../../domain/calendar';

export const officeLevel = pgEnum('office_level', ['circle', 'division', 'subdivision', 'section']);

/**
 * The office hierarchy. `path` is the chain of ids from the circle down, joined by '/',
 * so "is office B within office A" is a prefix test: B.path = A.path or starts with A.path + '/'.
 */
export const offices = pgTable(
  'offices',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    level: officeLevel('level').notNull(),
    parentId: text('parent_id'),
    path: text('path').notNull().unique(),
    phone: text('phone'),
    email: text('email'),
    /** the office's business calendar; null means the utility's standard one */
    calendar: jsonb('calendar').$type<TBusinessCalendar>(),
    /** which timeline of a standard of performance applies to the consumers it serves */
    areaClass: text('area_class').$type<TAreaClass>().notNull().default('urban'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('offices_parent_idx').on(t.parentId),
    check('offices_area_class_ck', sql`${t.areaClass} in ('urban', 'rural', 'hilly')`),
  ],
);
