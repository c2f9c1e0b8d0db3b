import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { SERVICE_CATALOGUE, ZServiceType, type TServiceType } from '../domain/catalogue';
import { withBuiltInTranslations } from '../domain/built-in-translations';
import { COMPLAINT_CATALOGUE, ZComplaintType, type TComplaintType } from '../domain/complaint-catalogue';
import type { Database } from './client';
import { requestTypes } from './schema';

/** Loads the built-in catalogue; a stored type is replaced only by a higher version. */
export async function syncCatalogue(
  db: Database,
  catalogue: TServiceType[] = SERVICE_CATALOGUE,
): Promise<void> {
  for (const type of catalogue) await upsertCatalogueEntry(db, withBuiltInTranslations(type));
  for (const type of COMPLAINT_CATALOGUE) await upsertCatalogueEntry(db, withBuiltInTranslations(type));
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

const SCHEMAS = { service: ZServiceType, complaint: ZComplaintType } as const;
type TKind = keyof typeof SCHEMAS;

/**
 * Active catalogue entries of one kind (one code, or all by code), re-parsed so stored JSON from an
 * older release gets today's defaults.
 */
async function readCatalogue<K extends TKind>(
  db: Database,
  kind: K,
  code?: string,
): Promise<z.output<(typeof SCHEMAS)[K]>[]> {
  const rows = await db
    .select({ definition: requestTypes.definition })
    .from(requestTypes)
    .where(
      and(
        eq(requestTypes.kind, kind),
        eq(requestTypes.active, true),
        code === undefined ? undefined : eq(requestTypes.code, code),
      ),
    )
    .orderBy(requestTypes.code);
  return rows.map((r) => SCHEMAS[kind].parse(r.definition) as z.output<(typeof SCHEMAS)[K]>);
}

export const findComplaintType = async (db: Database, code: string): Promise<TComplaintType | undefined> =>
  (await readCatalogue(db, 'complaint', code))[0];
/** Complaint types in the catalogue's own order (no power first, as callers expect); types added later follow by name. */
export const listComplaintTypes = async (db: Database): Promise<TComplaintType[]> => {
  const order = new Map(COMPLAINT_CATALOGUE.map((t, i) => [t.code, i]));
  return (await readCatalogue(db, 'complaint')).sort(
    (a, b) =>
      (order.get(a.code) ?? order.size) - (order.get(b.code) ?? order.size) || a.name.localeCompare(b.name),
  );
};
export const findServiceType = async (db: Database, code: string): Promise<TServiceType | undefined> =>
  (await readCatalogue(db, 'service', code))[0];
export const listServiceTypes = (db: Database): Promise<TServiceType[]> => readCatalogue(db, 'service');
