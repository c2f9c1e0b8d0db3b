import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every repair action an operator took on a workflow (#17): retry an activity now, reset after a
 * bad deploy, cancel, terminate, or the same for a bulk selection (a dry run included). Who, with
 * which role and office, on what, why, and what came of it. Rows are never updated after the
 * outcome is written, nor deleted.
 */
export const repairActions = pgTable(
  'repair_actions',
  {
    id: text('id').primaryKey(),
    /** the caller's Idempotency-Key, scoped to the caller (lib/idempotency.ts): a retried POST acts once */
    idempotencyKey: text('idempotency_key').unique(),
    actorSubject: text('actor_subject').notNull(),
    actorRole: text('actor_role').notNull(),
    actorOfficeId: text('actor_office_id').notNull(),
    /** retry, reset, cancel, terminate */
    action: text('action').$type<'retry' | 'reset' | 'cancel' | 'terminate'>().notNull(),
    /** one: a Request Number; bulk: the selection */
    scope: text('scope').$type<'one' | 'bulk'>().notNull(),
    /** the Request Number, or the visibility query built from the bulk selection */
    target: text('target').notNull(),
    reason: text('reason').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    /** running (not answered yet), done, failed */
    outcome: text('outcome').$type<'running' | 'done' | 'failed'>().notNull(),
    /** what came of it: the reset's new run, the activities retried, the matches, the batch job, the error */
    result: jsonb('result').$type<Record<string, unknown>>().notNull().default({}),
    /** the Temporal batch operation of a bulk action (its progress: GET /v1/repair/batches/{jobId}) */
    batchJobId: text('batch_job_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('repair_actions_created_idx').on(t.createdAt),
    index('repair_actions_target_idx').on(t.target, t.createdAt),
  ],
);
