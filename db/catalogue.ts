import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { SERVICE_CATALOGUE, ZServiceType, type TServiceType } from '../domain/catalogue';
import { withBuiltInTranslations } from '../domain/built-in-translations';
import { COMPLAINT_CATALOGUE, ZComplaintType, type TComplaintType } from '../domain/complaint-catalogue';
import { withStandard } from '../domain/standards-of-performance';
import { installedProfile } from '../domain/utility-profile';
import type { Database } from './client';
import { requestTypes } from './schema';

/**
 * Loads the built-in catalogue with the profile's standards of performance
 * (`domain/standards-of-performance.ts`); a stored type is replaced only by a higher version.
 */
export async function syncCatalogue(
  db: Database,
  catalogue: TServiceType[] = SERVICE_CATALOGUE,
  profileId: string = installedProfile().id,
): Promise<void> {
  for (const type of catalogue)
    await upsertCatalogueEntry(db, withStandard(withBuiltInTranslations(type), profileId));
  for (const type of COMPLAINT_CATALOGUE)
    await upsertCatalogueEntry(db, withStandard(withBuiltInTranslations(type), profileId));
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
  (await cachedType(db, 'complaint', code))?.type;
/** Complaint types in the catalogue's own order (no power first, as callers expect); types added later follow by name. */
export const listComplaintTypes = async (db: Database): Promise<TComplaintType[]> => {
  const order = new Map(COMPLAINT_CATALOGUE.map((t, i) => [t.code, i]));
  return (await readCatalogue(db, 'complaint')).sort(
    (a, b) =>
      (order.get(a.code) ?? order.size) - (order.get(b.code) ?? order.size) || a.name.localeCompare(b.name),
  );
};
export const findServiceType = async (db: Database, code: string): Promise<TServiceType | undefined> =>
  (await cachedType(db, 'service', code))?.type;
export const listServiceTypes = (db: Database): Promise<TServiceType[]> => readCatalogue(db, 'service');

type TParsed<K extends TKind> = z.output<(typeof SCHEMAS)[K]>;
/** A catalogue entry as parsed, with the stored version it was parsed from. */
export type TVersioned<K extends TKind> = { version: number; type: TParsed<K> };
const parsedTypes = new WeakMap<Database, Map<string, TVersioned<TKind>>>();

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

/**
 * One active catalogue entry, parsed once per stored version and shared (frozen: callers copy
 * before they change anything). Each call asks the database for the version only, and for the
 * definition when it differs from the one parsed; the complaint intake skips even that
 * (`cachedComplaintType`), handing its version to the database with its one call.
 */
async function cachedType<K extends TKind>(
  db: Database,
  kind: K,
  code: string,
  options: { look?: boolean } = {},
): Promise<TVersioned<K> | undefined> {
  let byCode = parsedTypes.get(db);
  if (!byCode) parsedTypes.set(db, (byCode = new Map<string, TVersioned<TKind>>()));
  const key = `${kind}/${code}`;
  const known = byCode.get(key) as TVersioned<K> | undefined;
  if (known && options.look === false) return known;
  const [row] = await db
    .select({
      version: requestTypes.version,
      definition: known
        ? sql<unknown>`case when ${requestTypes.version} = ${known.version} then null else ${requestTypes.definition} end`
        : requestTypes.definition,
    })
    .from(requestTypes)
    .where(and(eq(requestTypes.kind, kind), eq(requestTypes.active, true), eq(requestTypes.code, code)));
  if (!row) {
    byCode.delete(key);
    return undefined;
  }
  if (known && row.version === known.version) return known;
  const entry = { version: row.version, type: deepFreeze(SCHEMAS[kind].parse(row.definition) as TParsed<K>) };
  byCode.set(key, entry);
  return entry;
}

/**
 * A complaint type from this process's copy of the catalogue without asking the database (read
 * and parsed on first use): the intake hands the version to the database with its one call, which
 * answers `stale-type` when the catalogue has moved on; `fresh: true` then reads it again.
 */
export const cachedComplaintType = (
  db: Database,
  code: string,
  options: { fresh?: boolean } = {},
): Promise<TVersioned<'complaint'> | undefined> =>
  cachedType(db, 'complaint', code, { look: options.fresh === true });
