import { eq, sql } from 'drizzle-orm';
import { formatRequestNumber, type TRequestPrefix } from '../domain/request-number';
import type { Database } from './client';
import { intakeKeys, requestCounters } from './schema';

/** Allocates the next Request Number of the year; one atomic upsert, safe under concurrency. */
export async function allocateRequestNumber(db: Database, prefix: TRequestPrefix, at: Date): Promise<string> {
  const year = at.getUTCFullYear();
  const [row] = await db
    .insert(requestCounters)
    .values({ prefix, year, last: 1 })
    .onConflictDoUpdate({
      target: [requestCounters.prefix, requestCounters.year],
      set: { last: sql`${requestCounters.last} + 1` },
    })
    .returning({ last: requestCounters.last });
  return formatRequestNumber(prefix, year, row!.last);
}

/**
 * The Request Number an intake key stands for: reserved on the first attempt, the same one on
 * every retry (a re-delivered message, a repeated Idempotency-Key, a takeover after a crash), so
 * however often the door is knocked on, one number and one workflow come of it.
 */
export async function reserveRequestNumber(
  db: Database,
  key: string,
  prefix: TRequestPrefix,
  at: Date,
  /** `known: false`: the caller has just looked and found no reservation (saves the look) */
  options: { known?: boolean } = {},
): Promise<{ requestNumber: string; reserved: boolean }> {
  if (options.known !== false) {
    const [existing] = await db.select().from(intakeKeys).where(eq(intakeKeys.key, key));
    if (existing) return { requestNumber: existing.requestNumber, reserved: false };
  }
  const allocated = await allocateRequestNumber(db, prefix, at);
  const [mine] = await db
    .insert(intakeKeys)
    .values({ key, requestNumber: allocated })
    .onConflictDoNothing()
    .returning();
  if (mine) return { requestNumber: allocated, reserved: true };
  // Two deliveries at once: the first one's number wins.
  const [winner] = await db.select().from(intakeKeys).where(eq(intakeKeys.key, key));
  return { requestNumber: winner!.requestNumber, reserved: false };
}
