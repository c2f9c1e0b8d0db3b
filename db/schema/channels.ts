import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { consumers } from './consumers';

/**
 * Every inbound channel message, by the provider's message id: a re-delivery of the same id gets
 * the first answer back instead of a second complaint. A row is `processing` while its message is
 * handled and is removed again if handling fails, so the provider's retry is handled afresh; a
 * handler that died (its claim older than the lease) is taken over by the next delivery. What the
 * handling created is found again by the message's intake key (`intake_keys`), so a takeover
 * resumes it instead of making a second complaint.
 */
export const channelMessages = pgTable(
  'channel_messages',
  {
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    status: text('status').notNull(),
    /** what Seva answered (reply text, request number): repeated verbatim on a re-delivery */
    answer: jsonb('answer').$type<Record<string, unknown>>(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /** when the current handler took the message: past the lease, the next delivery takes it over */
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * when the reply went out, for platforms that keep no idempotency key (Zalo, Messenger): a
     * re-delivery sends it only if it did not go
     */
    repliedAt: timestamp('replied_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.messageId] }),
    // GET /metrics: claims older than the lease (a handler that died); only live claims are indexed
    index('channel_messages_processing_idx')
      .on(t.claimedAt)
      .where(sql`status = 'processing'`),
  ],
);

/** A conversation on WhatsApp: which consumer number it is about, and what it waits for. */
export const channelSessions = pgTable(
  'channel_sessions',
  {
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    consumerNumber: text('consumer_number'),
    /** the intent waiting for a consumer number, or for a choice from a menu */
    pending: text('pending'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);

/**
 * Zalo and Messenger give a platform user id, not a phone: the consumer links it by stating their
 * consumer number and sending back the code that went by SMS to the phone registered on that
 * account. `consumerNumber` is the confirmed link (bills, requests, their language) until the
 * consumer unlinks it; `offerNumber` is a link offered and not yet confirmed (the code's HMAC, its
 * expiry and the tries spent), which replaces the link only when its code comes back.
 */
export const channelLinks = pgTable(
  'channel_links',
  {
    channel: text('channel').notNull(),
    /** Zalo's user id (per Official Account) or Messenger's page-scoped id (PSID) */
    userId: text('user_id').notNull(),
    consumerNumber: text('consumer_number').references(() => consumers.consumerNumber),
    linkedAt: timestamp('linked_at', { withTimezone: true }),
    offerNumber: text('offer_number').references(() => consumers.consumerNumber),
    codeHash: text('code_hash'),
    codeExpiresAt: timestamp('code_expires_at', { withTimezone: true }),
    codeSentAt: timestamp('code_sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.userId] }),
    index('channel_links_consumer_idx').on(t.consumerNumber),
  ],
);
