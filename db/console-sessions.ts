import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Database } from './client';
import { consoleSessions } from './schema';

export const CONSOLE_SESSION_TTL_MS = 10 * 3_600_000;

const token = () => randomBytes(32).toString('base64url');
const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

export type TConsoleSession = {
  subject: string;
  role: string;
  officeId: string;
  via: 'dev' | 'oidc';
  csrfToken: string;
  expiresAt: Date;
};

/** A new staff session: the cookie gets `token`, the table only its SHA-256. */
export async function createConsoleSession(
  db: Database,
  who: Pick<TConsoleSession, 'subject' | 'role' | 'officeId' | 'via'>,
  now: Date,
) {
  await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  const raw = token();
  const session: TConsoleSession = {
    ...who,
    csrfToken: token(),
    expiresAt: new Date(now.getTime() + CONSOLE_SESSION_TTL_MS),
  };
  await db.insert(consoleSessions).values({ tokenHash: sha256(raw), createdAt: now, ...session });
  return { token: raw, ...session };
}

export async function readConsoleSession(
  db: Database,
  raw: string,
  now: Date,
): Promise<TConsoleSession | undefined> {
  const [row] = await db
    .select()
    .from(consoleSessions)
    .where(and(eq(consoleSessions.tokenHash, sha256(raw)), gt(consoleSessions.expiresAt, now)));
  return row
    ? {
        subject: row.subject,
        role: row.role,
        officeId: row.officeId,
        via: row.via === 'oidc' ? 'oidc' : 'dev',
        csrfToken: row.csrfToken,
        expiresAt: row.expiresAt,
      }
    : undefined;
}

export async function endConsoleSession(db: Database, raw: string) {
  await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, sha256(raw)));
}
