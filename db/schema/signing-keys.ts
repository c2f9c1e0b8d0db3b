import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Staff members' Ed25519 public keys. A revoked key signs nothing new, but decisions it signed
 * while valid stay verifiable, so rows are never deleted.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    /** RFC 7638 JWK thumbprint of the key */
    keyId: text('key_id').primaryKey(),
    subject: text('subject').notNull(),
    /** raw 32-byte public key, base64url (JWK `x`) */
    publicKey: text('public_key').notNull(),
    label: text('label'),
    registeredBy: text('registered_by').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('signing_keys_subject_idx').on(t.subject)],
);
