import { eq, inArray, sql } from 'drizzle-orm';
import { openBytes, sealBytes, type AtRestKeys } from '../lib/at-rest';
import type { Database } from './client';
import { workflowInbox } from './schema';

/**
 * The workflow inbox (db/schema/workflow-inbox.ts): a start the door has promised, written in the
 * door's one transaction, started by a relay (lib/workflow-relay.ts) and then deleted.
 */
export type TInboxStart = {
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  /** the typed search attributes, by name (domain/search-attributes.ts SA) */
  searchAttributes: Record<string, string | number>;
  /** the door's trace context (W3C traceparent), so the workflow's spans join the request's trace */
  trace?: Record<string, string>;
};

/** What a row keeps in plain: the door's answer to the report (no PII) and where it starts. */
export type TInboxRow = TInboxStart & { answer: Record<string, unknown> };

type TExecutor = Pick<Database, 'insert'>;

const aadOf = (workflowId: string) => `workflow-inbox/${workflowId}`;

/**
 * Writes the row inside the caller's transaction. `leaseMs` > 0 leases it to the writing process
 * (its relay starts it from memory, no other relay takes it before the lease runs out); 0 makes it
 * due at once for any relay.
 */
export async function insertInboxRow(
  db: TExecutor,
  keys: AtRestKeys,
  namespace: string,
  row: TInboxRow,
  leaseMs: number,
) {
  const { keyId, sealed } = sealBytes(
    keys,
    Buffer.from(JSON.stringify({ args: row.args, searchAttributes: row.searchAttributes, trace: row.trace })),
    aadOf(row.workflowId),
  );
  await db.insert(workflowInbox).values({
    workflowId: row.workflowId,
    namespace,
    taskQueue: row.taskQueue,
    workflowType: row.workflowType,
    keyId,
    sealed,
    answer: row.answer,
    leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
  });
}

type TStoredRow = Pick<
  typeof workflowInbox.$inferSelect,
  'workflowId' | 'workflowType' | 'taskQueue' | 'keyId' | 'sealed' | 'answer'
>;

/** The start a stored row holds, opened. */
export function openInboxRow(keys: AtRestKeys, row: TStoredRow): TInboxRow {
  const plain = JSON.parse(openBytes(keys, row.keyId, row.sealed, aadOf(row.workflowId)).toString()) as Pick<
    TInboxStart,
    'args' | 'searchAttributes' | 'trace'
  >;
  return {
    workflowId: row.workflowId,
    workflowType: row.workflowType,
    taskQueue: row.taskQueue,
    args: plain.args,
    searchAttributes: plain.searchAttributes,
    ...(plain.trace ? { trace: plain.trace } : {}),
    answer: row.answer,
  };
}

/** One row, if the workflow has not been started from it yet. */
export async function readInboxRow(db: Database, keys: AtRestKeys, workflowId: string) {
  const [row] = await db.select().from(workflowInbox).where(eq(workflowInbox.workflowId, workflowId));
  return row ? openInboxRow(keys, row) : undefined;
}

/**
 * Claims up to `limit` due rows of a namespace and task queue (lease run out: never taken, or its
 * relay died or backed off) for `leaseMs`. Two relays claim disjoint rows (SKIP LOCKED).
 */
export async function claimDueRows(
  db: Database,
  keys: AtRestKeys,
  where: { namespace: string; taskQueue: string },
  limit: number,
  leaseMs: number,
): Promise<TInboxRow[]> {
  const rows = await db.execute<{
    workflow_id: string;
    workflow_type: string;
    task_queue: string;
    key_id: string;
    sealed: Buffer;
    answer: Record<string, unknown>;
  }>(sql`
    update ${workflowInbox} w
      set lease_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = w.attempts + 1
      where w.workflow_id in (
        select workflow_id from ${workflowInbox}
          where namespace = ${where.namespace} and task_queue = ${where.taskQueue} and lease_until <= now()
          order by lease_until
          limit ${limit}
          for update skip locked)
      returning w.workflow_id, w.workflow_type, w.task_queue, w.key_id, w.sealed, w.answer`);
  return rows.map((r) =>
    openInboxRow(keys, {
      workflowId: r.workflow_id,
      workflowType: r.workflow_type,
      taskQueue: r.task_queue,
      keyId: r.key_id,
      sealed: r.sealed,
      answer: r.answer,
    }),
  );
}

/** The rows whose workflows have started. */
export async function deleteInboxRows(db: Database, workflowIds: string[]) {
  if (workflowIds.length === 0) return;
  await db.delete(workflowInbox).where(inArray(workflowInbox.workflowId, workflowIds));
}

/** Rows whose start failed: not due again for `backoffMs`, with the error an operator reads. */
export async function deferInboxRows(db: Database, workflowIds: string[], backoffMs: number, error: string) {
  if (workflowIds.length === 0) return;
  await db
    .update(workflowInbox)
    .set({
      leaseUntil: sql`now() + ${`${backoffMs} milliseconds`}::interval`,
      lastError: error.slice(0, 500),
    })
    .where(inArray(workflowInbox.workflowId, workflowIds));
}
