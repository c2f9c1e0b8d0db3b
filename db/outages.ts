import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { readConsumerSupply } from './account';
import type { Database } from './client';
import { consumers, feeders, outages, substations, transformers } from './schema';

export type TOutage = typeof outages.$inferSelect;

/** Where each named feeder and transformer belongs (for office scope); unknown ids are absent. */
export async function locateAssets(db: Database, feederIds: string[], transformerIds: string[]) {
  const f = feederIds.length
    ? await db
        .select({ id: feeders.id, officeId: substations.officeId })
        .from(feeders)
        .innerJoin(substations, eq(substations.id, feeders.substationId))
        .where(inArray(feeders.id, feederIds))
    : [];
  const t = transformerIds.length
    ? await db
        .select({ id: transformers.id, officeId: transformers.sectionOfficeId })
        .from(transformers)
        .where(inArray(transformers.id, transformerIds))
    : [];
  return {
    feeders: new Map(f.map((r) => [r.id, r.officeId])),
    transformers: new Map(t.map((r) => [r.id, r.officeId])),
  };
}

/**
 * Outages that cut (or will cut) a consumer's supply: on their transformer or its feeder, not
 * restored or cancelled, and not over. `at` bounds "current"; upcoming planned ones are included.
 */
export async function outagesAffecting(db: Database, consumerNumber: string, at: Date): Promise<TOutage[]> {
  const [where] = await db
    .select({ transformerId: transformers.id, feederId: transformers.feederId })
    .from(consumers)
    .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
    .where(eq(consumers.consumerNumber, consumerNumber));
  if (!where) return [];
  return db
    .select()
    .from(outages)
    .where(
      and(
        inArray(outages.status, ['scheduled', 'active']),
        or(isNull(outages.endsAt), gt(outages.endsAt, at)),
        or(
          sql`${outages.transformerIds} ? ${where.transformerId}`,
          sql`${outages.feederIds} ? ${where.feederId}`,
        ),
      ),
    )
    .orderBy(outages.startsAt);
}

/**
 * The outage cutting a consumer's supply right now, if any: what a no-power complaint links to.
 * `area` names what is off for them (their transformer, or their feeder) in words a consumer knows.
 */
export async function currentOutageFor(db: Database, consumerNumber: string, at: Date) {
  const outage = (await outagesAffecting(db, consumerNumber, at)).find((o) => o.startsAt <= at);
  if (!outage) return undefined;
  const names = await readConsumerSupply(db, consumerNumber);
  const area = outage.transformerIds.includes(names!.transformerId) ? names!.transformer : names!.feeder;
  return { ...outage, area };
}
