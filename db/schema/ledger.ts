import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  type AnyPgColumn,
  bigint,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { bills } from './bills';
import { consumers } from './consumers';

export const POSTING_KINDS = ['bill', 'payment', 'compensation', 'reversal', 'suspense'] as const;
export type TPostingKind = (typeof POSTING_KINDS)[number];

/**
 * The account ledger: every change of what a consumer owes is one posting, never edited. Amounts
 * are signed from the consumer's side: a bill is positive (owed), a payment or compensation credit
 * negative; a reversal carries the opposite amount of the posting it reverses. Suspense postings
 * hold money that reached the utility but could not be put on an account (no consumer number).
 * The idempotency key makes every posting happen once, whoever retries it.
 */
export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** null only for suspense */
    consumerNumber: text('consumer_number').references(() => consumers.consumerNumber),
    kind: text('kind').$type<TPostingKind>().notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    billId: text('bill_id').references(() => bills.id),
    /** where it came from: `bill`, `demo`, `bulk-payment/<id>` … */
    sourceRef: text('source_ref').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique('ledger_postings_idempotency_key_uq'),
    postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note'),
    reversesId: bigint('reverses_id', { mode: 'number' }).references((): AnyPgColumn => ledgerPostings.id),
    /** who made it, when a person did (a reversal's supervisor); null for the system's own postings */
    postedBy: text('posted_by'),
  },
  (t) => [
    index('ledger_postings_consumer_idx').on(t.consumerNumber, t.postedAt, t.id),
    index('ledger_postings_bill_idx').on(t.billId),
    // A posting is reversed at most once, however many people try at the same moment.
    uniqueIndex('ledger_postings_reverses_uq').on(t.reversesId).where(sql`${t.reversesId} is not null`),
    check(
      'ledger_postings_kind_ck',
      sql`${t.kind} in ('bill', 'payment', 'compensation', 'reversal', 'suspense')`,
    ),
    check('ledger_postings_consumer_ck', sql`(${t.kind} = 'suspense') = (${t.consumerNumber} is null)`),
  ],
);
