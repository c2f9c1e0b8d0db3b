import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { bytea } from './documents';
import { consumers } from './consumers';
import { offices } from './offices';

/** Corporates that pay the bills of many consumers at once (through the Corporate Service Centre). */
export const corporates = pgTable('corporates', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** the office whose CSC handles the corporate; CSC staff act within their office scope */
  officeId: text('office_id')
    .notNull()
    .references(() => offices.id),
  /** the virtual account number its payments are made to (found in the bank statement's details) */
  virtualAccount: text('virtual_account').notNull(),
  active: boolean('active').notNull().default(true),
});

/** The consumers a corporate has registered to pay for. */
export const corporateConsumers = pgTable(
  'corporate_consumers',
  {
    corporateId: text('corporate_id')
      .notNull()
      .references(() => corporates.id),
    consumerNumber: text('consumer_number')
      .notNull()
      .references(() => consumers.consumerNumber),
  },
  (t) => [primaryKey({ columns: [t.corporateId, t.consumerNumber] })],
);

export type TBulkPaymentStatus = 'reconciling' | 'awaiting-approval' | 'posting' | 'posted';

/**
 * One upload: a corporate's payer list and the bank statement carrying its payment. The id is
 * derived from the workflow id (`bulk-payment/<statement ref>/<list ref>`), so the same files
 * uploaded again are the same batch.
 */
export const bulkPayments = pgTable(
  'bulk_payments',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull().unique('bulk_payments_workflow_uq'),
    corporateId: text('corporate_id')
      .notNull()
      .references(() => corporates.id),
    officeId: text('office_id').notNull(),
    statementRef: text('statement_ref').notNull(),
    listRef: text('list_ref').notNull(),
    statementFormat: text('statement_format').notNull(), // mt940 | camt.053
    /** the credit entries of the statement, as parsed (amounts in paise) */
    statementEntries: jsonb('statement_entries').notNull(),
    /** what the uploader said about the payment: UTR / reference, date */
    hints: jsonb('hints').notNull(),
    status: text('status').$type<TBulkPaymentStatus>().notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    /** the reconciliation (statement match, totals) and, once posted, the posting totals */
    report: jsonb('report'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('bulk_payments_office_idx').on(t.officeId, t.createdAt)],
);

/** The lines of a payer list, in the order the corporate sent them, and what became of each. */
export const bulkPaymentLines = pgTable(
  'bulk_payment_lines',
  {
    bulkPaymentId: text('bulk_payment_id')
      .notNull()
      .references(() => bulkPayments.id),
    lineNo: integer('line_no').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    billReference: text('bill_reference'),
    /** pending → ready | exception (reconciliation) → posted (approval) */
    status: text('status').notNull().default('pending'),
    reason: text('reason'),
    billId: text('bill_id'),
    postingId: bigint('posting_id', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.bulkPaymentId, t.lineNo] }),
    index('bulk_payment_lines_status_idx').on(t.bulkPaymentId, t.status),
  ],
);

/**
 * The signed PDF report of a batch, one per state of the batch it reports (`version`: its status
 * and how many of its lines were reversed since), so a retried or concurrent request serves the
 * same file. Encrypted at rest like receipts; the SHA-256 in the clear.
 */
export const bulkPaymentReports = pgTable(
  'bulk_payment_reports',
  {
    bulkPaymentId: text('bulk_payment_id')
      .notNull()
      .references(() => bulkPayments.id),
    version: text('version').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    signerSubject: text('signer_subject').notNull(),
    keyId: text('key_id').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bulkPaymentId, t.version] })],
);
