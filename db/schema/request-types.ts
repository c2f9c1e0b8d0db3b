import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { TServiceType } from '../../domain/catalogue';

/** The catalogue, as data. Intake snapshots a type's definition into the workflow input. */
export const requestTypes = pgTable('request_types', {
  code: text('code').primaryKey(),
  kind: text('kind').notNull(),
  version: integer('version').notNull(),
  definition: jsonb('definition').$type<TServiceType>().notNull(),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Per-prefix, per-year serials for Request Numbers. */
export const requestCounters = pgTable(
  'request_counters',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);
