import type { TNoticeParam } from '../../domain/notices';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea } from './documents';

/**
 * Every notice Seva sends, keyed by an idempotency key derived from the workflow id and step, so
 * a retried activity never records (or sends) a notice twice. The notice workflow keeps `status`
 * current: pending → delivered on some channel, or undelivered once the chain is exhausted.
 */
export const notifications = pgTable(
  'notifications',
  {
    key: text('key').primaryKey(),
    consumerNumber: text('consumer_number'),
    officeId: text('office_id'),
    role: text('role'),
    /** the channel it reached the recipient on (the first of the chain until then) */
    channel: text('channel').notNull(),
    language: text('language').notNull(),
    template: text('template').notNull(),
    params: jsonb('params').$type<Record<string, TNoticeParam>>().notNull(),
    /** the fallback chain planned for this notice */
    chain: jsonb('chain').$type<string[]>(),
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }),
    /** a notice to a consumer: their section office, whose KPIs count it */
    consumerOfficeId: text('consumer_office_id'),
    /** the office whose KPIs count it: the staff recipient's, else the consumer's */
    kpiOfficeId: text('kpi_office_id').generatedAlwaysAs(sql`coalesce(office_id, consumer_office_id)`),
    /** the channel it was planned to go on first (the KPIs' "by channel") */
    firstChannel: text('first_channel').generatedAlwaysAs(sql`coalesce(chain->>0, channel)`),
    /** it was delivered, on another channel than the first of its chain */
    fellBack: boolean('fell_back').generatedAlwaysAs(
      sql`(status = 'delivered' and channel <> coalesce(chain->>0, channel))`,
    ),
  },
  (t) => [
    index('notifications_consumer_idx').on(t.consumerNumber),
    index('notifications_office_idx').on(t.officeId),
    // The outbound KPIs (db/kpis.ts): a period's notices read from the index alone.
    index('notifications_kpi_idx').on(t.createdAt, t.kpiOfficeId, t.firstChannel, t.status, t.fellBack),
  ],
);

/** One try on one channel; the provider's message id ties delivery receipts back to it. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    /** `${key}#${attempt}`: also the idempotency key handed to the provider */
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    attempt: integer('attempt').notNull(),
    channel: text('channel').notNull(),
    /** masked address, e.g. +91******2345 */
    recipient: text('recipient').notNull(),
    provider: text('provider').notNull(),
    providerMessageId: text('provider_message_id'),
    /** sent | delivered | failed | timed-out */
    status: text('status').notNull(),
    detail: text('detail'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notification_attempts_key_idx').on(t.key),
    uniqueIndex('notification_attempts_provider_msg_idx').on(t.provider, t.providerMessageId),
  ],
);

/**
 * The providers' rate limits (NOTICE_RATE_LIMITS): rate-limiter-flexible's RateLimiterDrizzle keeps
 * one fixed-window counter per channel here (`notice:<channel>`: messages granted in the window
 * ending at `expire`), so every worker process sends within one budget.
 */
export const noticeRateLimits = pgTable('notice_rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true }),
});

/** What the development sandbox provider "sent": readable at GET /v1/dev/outbox. */
export const devOutbox = pgTable('dev_outbox', {
  id: text('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  channel: text('channel').notNull(),
  recipient: text('recipient').notNull(),
  subject: text('subject'),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Letters for the last resort: a PDF per notice, sealed at rest, waiting to be printed and posted. */
export const printQueue = pgTable('print_queue', {
  id: text('id').primaryKey(),
  key: text('key').notNull(),
  consumerNumber: text('consumer_number').notNull(),
  keyId: text('key_id').notNull(),
  pdf: bytea('pdf').notNull(),
  queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
  printedAt: timestamp('printed_at', { withTimezone: true }),
});
