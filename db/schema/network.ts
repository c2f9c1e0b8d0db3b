import { pgTable, text } from 'drizzle-orm/pg-core';
import { offices } from './offices';

/** Substation → feeder → distribution transformer: what an outage is registered against. */
export const substations = pgTable('substations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  officeId: text('office_id')
    .notNull()
    .references(() => offices.id),
});

export const feeders = pgTable('feeders', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  substationId: text('substation_id')
    .notNull()
    .references(() => substations.id),
});

export const transformers = pgTable('transformers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  feederId: text('feeder_id')
    .notNull()
    .references(() => feeders.id),
  sectionOfficeId: text('section_office_id')
    .notNull()
    .references(() => offices.id),
});
