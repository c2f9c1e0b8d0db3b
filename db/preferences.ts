import { eq } from 'drizzle-orm';
import { refusePreferences, type TPreferenceRefusal, type TPreferences } from '../domain/preferences';
import type { Database } from './client';
import { consumers } from './schema';

/** A consumer's notice preferences, with the e-mail address the rules look at; undefined for no consumer. */
export async function readPreferences(db: Database, consumerNumber: string) {
  const [row] = await db
    .select({
      language: consumers.language,
      preferredChannel: consumers.preferredChannel,
      optOuts: consumers.optOuts,
      email: consumers.email,
    })
    .from(consumers)
    .where(eq(consumers.consumerNumber, consumerNumber));
  if (!row) return undefined;
  const { email, ...preferences } = row;
  return { preferences: preferences as TPreferences, email };
}

/**
 * Changes some of a consumer's preferences (already checked against `ZPreferences.partial()`) after
 * the rules across fields: what the JSON API and the portal both call. Phone and e-mail change
 * through the verified contact-update service request, not here.
 */
export async function changePreferences(
  db: Database,
  consumerNumber: string,
  change: Partial<TPreferences>,
  now = new Date(),
): Promise<
  | { ok: true; preferences: TPreferences }
  | { ok: false; notFound: true }
  | ({ ok: false; notFound?: undefined } & TPreferenceRefusal)
> {
  const current = await readPreferences(db, consumerNumber);
  if (!current) return { ok: false, notFound: true };
  const next = { ...current.preferences, ...change };
  const refused = refusePreferences(next, current);
  if (refused) return { ok: false, ...refused };
  await db
    .update(consumers)
    .set({
      language: next.language,
      preferredChannel: next.preferredChannel,
      optOuts: [...new Set(next.optOuts)],
      updatedAt: now,
    })
    .where(eq(consumers.consumerNumber, consumerNumber));
  const stored = await readPreferences(db, consumerNumber);
  return { ok: true, preferences: stored!.preferences };
}
