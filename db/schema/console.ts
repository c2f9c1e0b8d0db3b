import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Signed-in sessions of the back-office console. The cookie carries a random token; only its
 * SHA-256 is stored. The principal (subject, role, office) is the one the staff directory gave at
 * sign-in, exactly what a bearer token of the API carries; `csrfToken` goes in every form.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    subject: text('subject').notNull(),
    role: text('role').notNull(),
    officeId: text('office_id').notNull(),
    /** dev (the demo picker) | oidc */
    via: text('via').notNull(),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('console_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * A staff sign-in at the identity provider under way (OpenID Connect, authorization code with
 * PKCE): the browser holds a random binding in a short-lived cookie, this table its SHA-256 with
 * the state, nonce and PKCE verifier sent. The callback takes the row (once: a replayed callback
 * finds nothing); rows past `expires_at` are deleted with the next sign-in.
 */
export const consoleOidcAttempts = pgTable(
  'console_oidc_attempts',
  {
    bindingHash: text('binding_hash').primaryKey(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('console_oidc_attempts_expires_idx').on(t.expiresAt)],
);
