import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { TAreaClass, TCompensationDue } from '../../domain/compensation';
import { consumers } from './consumers';
import { ledgerPostings } from './ledger';

/**
 * Statutory compensation credited for a missed standard of performance: one row per request or
 * complaint (its Request Number), written with its ledger posting in one transaction. The read
 * model behind the consumer's list and the KPIs (total by office and month).
 */
export const compensationCredits = pgTable(
  'compensation_credits',
  {
    requestNumber: text('request_number').primaryKey(),
    /** `service-request` or `complaint` */
    source: text('source').notNull(),
    typeCode: text('type_code').notNull(),
    consumerNumber: text('consumer_number')
      .notNull()
      .references(() => consumers.consumerNumber),
    /** the section office the request was routed to */
    officeId: text('office_id').notNull(),
    /** the month it was credited in, in the utility's zone: `YYYY-MM` */
    month: text('month').notNull(),
    areaClass: text('area_class').$type<TAreaClass>().notNull(),
    standardMs: bigint('standard_ms', { mode: 'number' }).notNull(),
    elapsedMs: bigint('elapsed_ms', { mode: 'number' }).notNull(),
    lateMs: bigint('late_ms', { mode: 'number' }).notNull(),
    /** days (per-day), hours (per-hour) or 1 (per-case) */
    periodsLate: integer('periods_late').notNull(),
    rule: jsonb('rule').$type<TCompensationDue['rule']>().notNull(),
    capped: boolean('capped').notNull(),
    citation: text('citation').notNull(),
    /** the figures behind it are demo examples, not the regulator's */
    example: boolean('example').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    postingId: bigint('posting_id', { mode: 'number' })
      .notNull()
      .references(() => ledgerPostings.id),
    creditedAt: timestamp('credited_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('compensation_credits_consumer_idx').on(t.consumerNumber, t.creditedAt),
    index('compensation_credits_office_month_idx').on(t.month, t.officeId),
    check('compensation_credits_area_class_ck', sql`${t.areaClass} in ('urban', 'rural', 'hilly')`),
    check('compensation_credits_amount_ck', sql`${t.amount} > 0`),
  ],
);
