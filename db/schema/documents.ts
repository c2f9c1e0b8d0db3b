import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export type TDocumentVerdict = { ok: boolean; reasons: string[]; checks: Record<string, string> };

/**
 * Uploaded documents, content-addressed per consumer: the id is SHA-256 over the consumer number
 * and the content's SHA-256, so the same file uploaded twice by one consumer is stored once, and
 * two consumers uploading the same file each own their copy. Content is AES-256-GCM encrypted at rest.
 */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    sha256: text('sha256').notNull(),
    consumerNumber: text('consumer_number').notNull(),
    /** the kind it was first uploaded as */
    kind: text('kind').notNull(),
    /** every kind it was uploaded as: one file may serve several (an Aadhaar proves identity and address) */
    kinds: text('kinds').array().notNull().default(sql`'{}'::text[]`),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    keyId: text('key_id').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    /** offline e-KYC: the signed name / address / PIN read from it, sealed like the content */
    extracted: bytea('extracted'),
    verdict: jsonb('verdict').$type<TDocumentVerdict>().notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('documents_consumer_idx').on(t.consumerNumber)],
);
