import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './documents';

/**
 * Signed completion receipts, one per completion (a reopened request that completes again gets a
 * new revision). The PDF is AES-256-GCM encrypted at rest; its SHA-256 is kept in the clear so a
 * receipt can be matched without decrypting anything.
 */
export const receipts = pgTable(
  'receipts',
  {
    /** `${requestNumber}/${revision}` */
    id: text('id').primaryKey(),
    requestNumber: text('request_number').notNull(),
    revision: integer('revision').notNull(),
    service: text('service').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    signerSubject: text('signer_subject').notNull(),
    keyId: text('key_id').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('receipts_rn_idx').on(t.requestNumber)],
);
