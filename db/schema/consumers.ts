import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { TAreaClass } from '../../domain/compensation';
import { offices } from './offices';
import { transformers } from './network';

export const consumers = pgTable(
  'consumers',
  {
    consumerNumber: text('consumer_number').primaryKey(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    email: text('email'),
    language: text('language').notNull().default('en'),
    preferredChannel: text('preferred_channel').notNull().default('sms'),
    /** channels the consumer does not want non-mandatory notices on */
    optOuts: jsonb('opt_outs').$type<string[]>().notNull().default([]),
    address: text('address').notNull(),
    category: text('category').notNull().default('LT-1A domestic'),
    sanctionedLoadKw: numeric('sanctioned_load_kw', { precision: 8, scale: 2 }).notNull().default('3'),
    lifeSupport: boolean('life_support').notNull().default(false),
    /** a socially important object (hospital, water supply, school…): an outage reaches it by a call first */
    socialCategory: text('social_category'),
    /** false once the connection is dismantled: nothing more is billed or posted to it */
    active: boolean('active').notNull().default(true),
    /** the premises' area class where it differs from its section office's (a hilly pocket of a rural section) */
    areaClass: text('area_class').$type<TAreaClass>(),
    sectionOfficeId: text('section_office_id')
      .notNull()
      .references(() => offices.id),
    transformerId: text('transformer_id')
      .notNull()
      .references(() => transformers.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * What the agent desk's search looks through: the name and the address in lower case, one
     * text, so that each typed word is one trigram-index condition (db/agent-search.ts).
     */
    searchText: text('search_text').generatedAlwaysAs(sql`lower(name || ' ' || address)`),
  },
  (t) => [
    index('consumers_section_idx').on(t.sectionOfficeId),
    index('consumers_transformer_idx').on(t.transformerId),
    index('consumers_phone_idx').on(t.phone),
    // The agent desk finds callers by name and address, typos and all (pg_trgm; migration 0020).
    index('consumers_search_trgm_idx').using('gin', t.searchText.op('gin_trgm_ops')),
    check('consumers_area_class_ck', sql`${t.areaClass} in ('urban', 'rural', 'hilly')`),
  ],
);
