import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageId] })],
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
