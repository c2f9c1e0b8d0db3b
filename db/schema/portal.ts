import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One-time sign-in codes of the consumer portal. The browser holds the row's id (a random
 * handle, in a cookie); the code itself is kept only as an HMAC. A code is good until
 * `expiresAt`, for `attempts` below the limit, and once (`usedAt`). A number that is not
 * registered gets a row as well (with a code nobody is sent), so the answer never tells them apart.
 */
export const portalSignInCodes = pgTable(
  'portal_sign_in_codes',
  {
    id: text('id').primaryKey(),
    consumerNumber: text('consumer_number').notNull(),
    codeHash: text('code_hash').notNull(),
    /** sms | email | none (an unknown number: nothing was sent) */
    channel: text('channel').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_sign_in_codes_consumer_idx').on(t.consumerNumber)],
);

/**
 * Signed-in portal sessions. The cookie carries a random token; only its SHA-256 is stored, so a
 * read of this table opens no session. `csrfToken` goes in a hidden field of every form.
 */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    consumerNumbers: jsonb('consumer_numbers').$type<string[]>().notNull(),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_sessions_expires_idx').on(t.expiresAt)],
);
