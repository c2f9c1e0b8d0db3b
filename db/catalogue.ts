import { and, eq, sql } from 'drizzle-orm';
import { SERVICE_CATALOGUE, ZServiceType, type TServiceType } from '../domain/catalogue';
import type { Database } from './client';
import { requestTypes } from './schema';

/** Loads the built-in catalogue; a stored type is replaced only by a higher version. */
export async function syncCatalogue(
  db: Database,
  catalogue: TServiceType[] = SERVICE_CATALOGUE,
): Promise<void> {
  for (const type of catalogue) await upsertServiceType(db, type);
}

export async function upsertServiceType(db: Database, type: TServiceType): Promise<TServiceType> {
  await db
    .insert(requestTypes)
    .values({ code: type.code, kind: type.kind, version: type.version, definition: type })
    .onConflictDoUpdate({
      target: requestTypes.code,
      set: { version: type.version, definition: type, active: true, updatedAt: new Date() },
      setWhere: sql`${requestTypes.version} < excluded.version`,
    });
  return type;
}

export async function findServiceType(db: Database, code: string): Promise<TServiceType | undefined> {
  const [row] = await db
    .select({ definition: requestTypes.definition })
    .from(requestTypes)
    .where(and(eq(requestTypes.code, code), eq(requestTypes.kind, 'service'), eq(requestTypes.active, true)));
  // Re-parse: stored JSON from an older release gets today's defaults.
  return row ? ZServiceType.parse(row.definition) : undefined;
}

export async function listServiceTypes(db: Database): Promise<TServiceType[]> {
  const rows = await db
    .select({ definition: requestTypes.definition })
    .from(requestTypes)
    .where(and(eq(requestTypes.kind, 'service'), eq(requestTypes.active, true)))
    .orderBy(requestTypes.code);
  return rows.map((r) => ZServiceType.parse(r.definition));
}
