import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from './client';
import { portalSessions, portalSignInCodes } from './schema';

export const SIGN_IN_CODE_TTL_MS = 10 * 60_000;
export const SIGN_IN_CODE_ATTEMPTS = 5;
export const PORTAL_SESSION_TTL_MS = 12 * 3_600_000;

const token = () => randomBytes(32).toString('base64url');
const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** Codes are kept as an HMAC under a server secret, bound to their row: a table read reveals no code. */
const codeHash = (secret: string, id: string, code: string) =>
  createHmac('sha256', `${secret}:portal-sign-in`).update(`${id}:${code}`).digest('base64url');

/**
 * A new six-digit code for a consumer number. Returns the handle the browser keeps and the code to
 * send; the code is stored only as its HMAC.
 */
export async function createSignInCode(
  db: Database,
  secret: string,
  input: { consumerNumber: string; channel: 'sms' | 'email' | 'none'; now: Date },
) {
  // Expired codes of this number go as a new one comes (the index on consumer_number finds them).
  await db
    .delete(portalSignInCodes)
    .where(
      and(
        eq(portalSignInCodes.consumerNumber, input.consumerNumber),
        lt(portalSignInCodes.expiresAt, input.now),
      ),
    );
  const id = token();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.insert(portalSignInCodes).values({
    id,
    consumerNumber: input.consumerNumber,
    codeHash: codeHash(secret, id, code),
    channel: input.channel,
    expiresAt: new Date(input.now.getTime() + SIGN_IN_CODE_TTL_MS),
    createdAt: input.now,
  });
  return { id, code };
}

/**
 * Spends one attempt on a code and answers whether it was right: right only while unexpired, unused,
 * within its attempts and sent to a registered consumer. A right code is used up at once (one
 * UPDATE, so two tabs cannot both spend it). Returns the consumer number it signs in.
 */
export async function redeemSignInCode(
  db: Database,
  secret: string,
  input: { id: string; code: string; now: Date },
): Promise<string | undefined> {
  const [row] = await db
    .update(portalSignInCodes)
    .set({ attempts: sql`${portalSignInCodes.attempts} + 1` })
    .where(
      and(
        eq(portalSignInCodes.id, input.id),
        isNull(portalSignInCodes.usedAt),
        gt(portalSignInCodes.expiresAt, input.now),
        lt(portalSignInCodes.attempts, SIGN_IN_CODE_ATTEMPTS),
      ),
    )
    .returning();
  if (!row || row.channel === 'none') return undefined;
  const given = Buffer.from(codeHash(secret, row.id, input.code.trim()));
  const expected = Buffer.from(row.codeHash);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [used] = await db
    .update(portalSignInCodes)
    .set({ usedAt: input.now })
    .where(and(eq(portalSignInCodes.id, row.id), isNull(portalSignInCodes.usedAt)))
    .returning({ consumerNumber: portalSignInCodes.consumerNumber });
  return used?.consumerNumber;
}

export type TPortalSession = { consumerNumbers: string[]; csrfToken: string; expiresAt: Date };

/** A new session: the cookie gets `token`, the table only its SHA-256. */
export async function createPortalSession(db: Database, consumerNumbers: string[], now: Date) {
  await db.delete(portalSessions).where(lt(portalSessions.expiresAt, now));
  const raw = token();
  const session: TPortalSession = {
    consumerNumbers,
    csrfToken: token(),
    expiresAt: new Date(now.getTime() + PORTAL_SESSION_TTL_MS),
  };
  await db.insert(portalSessions).values({ tokenHash: sha256(raw), createdAt: now, ...session });
  return { token: raw, ...session };
}

export async function readPortalSession(db: Database, raw: string, now: Date) {
  const [row] = await db
    .select()
    .from(portalSessions)
    .where(and(eq(portalSessions.tokenHash, sha256(raw)), gt(portalSessions.expiresAt, now)));
  return row
    ? { consumerNumbers: row.consumerNumbers, csrfToken: row.csrfToken, expiresAt: row.expiresAt }
    : undefined;
}

export async function endPortalSession(db: Database, raw: string) {
  await db.delete(portalSessions).where(eq(portalSessions.tokenHash, sha256(raw)));
}
