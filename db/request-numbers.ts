import { sql } from 'drizzle-orm';
import type { TRequestPrefix } from '../domain/request-number';
import type { Database } from './client';

/**
 * Request Numbers come from SQL (db/migrations/0019_complaint_intake.sql): the per-year serial,
 * its format and its Verhoeff check digit in one statement, so an intake that reserves a number
 * makes one round trip. The complaint intake reserves its own inside `seva_complaint_intake`.
 */

/** Allocates the next Request Number of the year; one atomic upsert, safe under concurrency. */
export async function allocateRequestNumber(db: Database, prefix: TRequestPrefix, at: Date): Promise<string> {
  const [row] = await db.execute<{ rn: string }>(
    sql`select seva_next_request_number(${prefix}, ${at.toISOString()}::timestamptz) as rn`,
  );
  return row!.rn;
}

/**
 * The Request Number an intake key stands for: reserved on the first attempt, the same one on
 * every retry (a re-delivered message, a repeated Idempotency-Key, a takeover after a crash), so
 * however often the door is knocked on, one number and one workflow come of it. `bodyHash` is kept
 * with a new reservation and answered for an old one (the caller refuses a key reused for another
 * request); with `reuseAfterMs` a reservation older than that is replaced by a new number.
 */
export async function reserveRequestNumber(
  db: Pick<Database, 'execute'>,
  key: string,
  prefix: TRequestPrefix,
  at: Date,
  options: { bodyHash?: string; reuseAfterMs?: number } = {},
): Promise<{ requestNumber: string; reserved: boolean; bodyHash: string | null }> {
  const reuse =
    options.reuseAfterMs === undefined ? null : `${Math.max(0, options.reuseAfterMs)} milliseconds`;
  const [row] = await db.execute<{ request_number: string; reserved: boolean; body_hash: string | null }>(
    sql`select * from seva_reserve_request_number(${key}, ${prefix}, ${at.toISOString()}::timestamptz,
        ${options.bodyHash ?? null}, ${reuse}::interval)`,
  );
  return { requestNumber: row!.request_number, reserved: row!.reserved, bodyHash: row!.body_hash };
}
