import { and, eq, sql } from 'drizzle-orm';
import { SERVICE_CATALOGUE, ZServiceType, type TServiceType } from '../domain/catalogue';
import { COMPLAINT_CATALOGUE, ZComplaintType, type TComplaintType } from '../domain/complaint-catalogue';
import type { Database } from './client';
import { requestTypes } from './schema';

/** Loads the built-in catalogue; a stored type is replaced only by a higher version. */
export async function syncCatalogue(
  db: Database,
  catalogue: TServiceType[] = SERVICE_CATALOGUE,
): Promise<void> {
  for (const type of catalogue) await upsertCatalogueEntry(db, type);
  for (const type of COMPLAINT_CATALOGUE) await upsertCatalogueEntry(db, type);
}

/** Stores a catalogue entry of either kind; a stored one is replaced only by a higher version. */
export async function upsertCatalogueEntry(db: Database, type: TServiceType | TComplaintType) {
  await db
    .insert(requestTypes)
    .values({ code: type.code, kind: type.kind, version: type.version, definition: type as TServiceType })
    .onConflictDoUpdate({
      target: requestTypes.code,
      set: { version: type.version, definition: type as TServiceType, active: true, updatedAt: new Date() },
      // A code belongs to one kind: a service type never overwrites a complaint type, or back.
      setWhere: sql`${requestTypes.version} < excluded.version and ${requestTypes.kind} = excluded.kind`,
    });
}

/** Which kind of catalogue entry owns a code, if any. */
export async function catalogueKindOf(db: Database, code: string): Promise<string | undefined> {
  const [row] = await db
    .select({ kind: requestTypes.kind })
    .from(requestTypes)
    .where(eq(requestTypes.code, code));
  return row?.kind;
}

export async function findComplaintType(db: Database, code: string): Promise<TComplaintType | undefined> {
  const [row] = await db
    .select({ definition: requestTypes.definition })
    .from(requestTypes)
    .where(
      and(eq(requestTypes.code, code), eq(requestTypes.kind, 'complaint'), eq(requestTypes.active, true)),
    );
  return row ? ZComplaintType.parse(row.definition) : undefined;
}

export async function listComplaintTypes(db: Database): Promise<TComplaintType[]> {
  const rows = await db
    .select({ definition: requestTypes.definition })
    .from(requestTypes)
    .where(and(eq(requestTypes.kind, 'complaint'), eq(requestTypes.active, true)))
    .orderBy(requestTypes.code);
  return rows.map((r) => ZComplaintType.parse(r.definition));
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
