import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from './client';
import { signingKeys } from './schema';

export type TSigningKey = typeof signingKeys.$inferSelect;

export async function findSigningKey(db: Database, keyId: string): Promise<TSigningKey | undefined> {
  const [row] = await db.select().from(signingKeys).where(eq(signingKeys.keyId, keyId));
  return row;
}

export async function findSigningKeys(db: Database, keyIds: string[]): Promise<Map<string, TSigningKey>> {
  if (keyIds.length === 0) return new Map();
  const rows = await db.select().from(signingKeys).where(inArray(signingKeys.keyId, keyIds));
  return new Map(rows.map((r) => [r.keyId, r]));
}

export function listSigningKeys(db: Database, subject?: string) {
  return db
    .select()
    .from(signingKeys)
    .where(subject ? eq(signingKeys.subject, subject) : undefined)
    .orderBy(desc(signingKeys.registeredAt))
    .limit(500);
}

/** Registers a key; registering the same key for the same person again is a no-op. */
export async function registerSigningKey(
  db: Database,
  row: Pick<TSigningKey, 'keyId' | 'subject' | 'publicKey' | 'label' | 'registeredBy'>,
): Promise<{ key: TSigningKey; created: boolean }> {
  const inserted = await db.insert(signingKeys).values(row).onConflictDoNothing().returning();
  if (inserted[0]) return { key: inserted[0], created: true };
  return { key: (await findSigningKey(db, row.keyId))!, created: false };
}

export async function revokeSigningKey(db: Database, keyId: string, at: Date) {
  const [row] = await db
    .update(signingKeys)
    .set({ revokedAt: at })
    .where(and(eq(signingKeys.keyId, keyId)))
    .returning();
  return row;
}
