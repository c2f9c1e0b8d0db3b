import { boolean, date, index, numeric, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { consumers } from './consumers';

export const bills = pgTable(
  'bills',
  {
    id: text('id').primaryKey(),
    consumerNumber: text('consumer_number')
      .notNull()
      .references(() => consumers.consumerNumber),
    period: text('period').notNull(),
    unitsKwh: numeric('units_kwh', { precision: 10, scale: 1 }).notNull(),
    amount: numeric('amount', { precision: 12, scale: 2 }).notNull(),
    dueDate: date('due_date').notNull(),
    paid: boolean('paid').notNull().default(false),
    /**
     * when the supply is cut if the bill is still unpaid (the due date and the utility's notice
     * period, `disconnectionDateOf`); none: never disconnected for it, so never reminded
     */
    disconnectionDate: date('disconnection_date'),
  },
  (t) => [
    unique('bills_consumer_period_uq').on(t.consumerNumber, t.period),
    index('bills_consumer_idx').on(t.consumerNumber),
    index('bills_disconnection_idx').on(t.disconnectionDate),
  ],
);
