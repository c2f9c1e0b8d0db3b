import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client';
import { repairActions } from './schema';

export type TRepairActionRow = typeof repairActions.$inferSelect;

/**
 * The action's row, written before anything is done (outcome `running`). With an idempotency key
 * already used, nothing is written and the earlier row comes back instead.
 */
export async function openRepairAction(
  db: Database,
  row: Omit<typeof repairActions.$inferInsert, 'outcome' | 'createdAt'>,
): Promise<{ row: TRepairActionRow; replayed: boolean }> {
  const [inserted] = await db
    .insert(repairActions)
    .values({ ...row, outcome: 'running' })
    .onConflictDoNothing({ target: repairActions.idempotencyKey })
    .returning();
  if (inserted) return { row: inserted, replayed: false };
  const [earlier] = await db
    .select()
    .from(repairActions)
    .where(eq(repairActions.idempotencyKey, row.idempotencyKey!));
  return { row: earlier!, replayed: true };
}

/**
 * Takes an action up again under its row, for a retry with its idempotency key: a row that
 * `failed` (Temporal did not answer, or refused), or one still `running` since before `staleBefore`
 * (its API process died mid-action). Null when another retry has it (or it is running now).
 */
export async function retakeRepairAction(
  db: Database,
  id: string,
  staleBefore: Date,
): Promise<TRepairActionRow | undefined> {
  const [row] = await db
    .update(repairActions)
    .set({ outcome: 'running', result: sql`jsonb_build_object('retakenAt', now())` })
    .where(
      and(
        eq(repairActions.id, id),
        sql`(${repairActions.outcome} = 'failed' or (${repairActions.outcome} = 'running'
          and coalesce((${repairActions.result}->>'retakenAt')::timestamptz, ${repairActions.createdAt}) < ${staleBefore.toISOString()}))`,
      ),
    )
    .returning();
  return row;
}

/** Writes what came of the action; only a row still `running` changes. */
export async function closeRepairAction(
  db: Database,
  id: string,
  outcome: 'done' | 'failed',
  result: Record<string, unknown>,
  batchJobId?: string,
): Promise<TRepairActionRow> {
  const [row] = await db
    .update(repairActions)
    .set({ outcome, result, ...(batchJobId ? { batchJobId } : {}) })
    .where(and(eq(repairActions.id, id), eq(repairActions.outcome, 'running')))
    .returning();
  if (row) return row;
  const [current] = await db.select().from(repairActions).where(eq(repairActions.id, id));
  return current!;
}

/** Newest first; `before` pages on (the createdAt of the last row seen). */
export function listRepairActions(
  db: Database,
  filter: { target?: string; before?: Date; limit: number },
): Promise<TRepairActionRow[]> {
  const where: SQL[] = [];
  if (filter.target) where.push(eq(repairActions.target, filter.target));
  if (filter.before) where.push(lt(repairActions.createdAt, filter.before));
  return db
    .select()
    .from(repairActions)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(repairActions.createdAt), desc(repairActions.id))
    .limit(filter.limit);
}
