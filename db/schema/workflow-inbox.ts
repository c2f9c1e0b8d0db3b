import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bytea } from './documents';

/**
 * Workflows the door has promised and not yet started (db/workflow-inbox.ts, lib/workflow-relay.ts).
 * The intake writes a row in the same transaction that reserves the Request Number and the slot,
 * answers the sender at once, and a relay in every API process starts the workflow (id = the
 * Request Number, so a second start finds the first) and deletes the row. `sealed` holds the start
 * (workflow input and search attributes) encrypted with the payload codec's keys: the input carries
 * the description and the sender. A row is leased: to the process that wrote it (its relay starts it
 * from memory), and to a relay that claimed it; past `lease_until` any relay of the same namespace
 * and task queue takes it.
 */
export const workflowInbox = pgTable(
  'workflow_inbox',
  {
    workflowId: text('workflow_id').primaryKey(),
    namespace: text('namespace').notNull(),
    taskQueue: text('task_queue').notNull(),
    workflowType: text('workflow_type').notNull(),
    keyId: text('key_id').notNull(),
    sealed: bytea('sealed').notNull(),
    /** what the door answered (status, due time, outage; no PII): a retry of the report gets it again */
    answer: jsonb('answer').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('workflow_inbox_due_idx').on(t.namespace, t.taskQueue, t.leaseUntil)],
);
