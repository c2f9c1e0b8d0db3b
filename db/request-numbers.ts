import { sql } from 'drizzle-orm';
import { formatRequestNumber, type TRequestPrefix } from '../domain/request-number';
import type { Database } from './client';
import { requestCounters } from './schema';

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
