import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, asc, desc, eq, inArray, or } from 'drizzle-orm';
import { locateAssets, type TOutage } from '../db/outages';
import {
  feeders,
  offices,
  outageComplaints,
  outageEvents,
  outages,
  substations,
  transformers,
} from '../db/schema';
import { outageEtrChangedSignal, outageRestoredSignal } from '../domain/complaint';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TOutageRegistration } from '../domain/outage';
import { STAFF_ROLES, type TPrincipal } from '../domain/roles';
import { assertOfficeAccess, assertRole, queueScope } from './access';
import { startOutageCampaign, tellCampaign } from './campaigns';
import { clockOf, type UseCaseDeps } from './deps';

/** Who registers outages, changes their ETR and restores them. */
export const DISPATCH_ROLES = ['dispatcher', 'supervisor', 'admin'] as const;
/** Who reads the open outages of an office: all staff. */
export const OUTAGE_READ_ROLES = STAFF_ROLES;

type TDeps = Pick<UseCaseDeps, 'db' | 'temporal' | 'now' | 'config'>;

const load = async (deps: TDeps, id: string) => {
  const [row] = await deps.db.select().from(outages).where(eq(outages.id, id));
  if (!row) throw new DomainProblem(FailureType.NotFound, `no outage ${id}`);
  return row;
};

/** Tells every complaint linked to the outage; one that has closed or not yet started is skipped (it checks itself). */
async function tellLinked(deps: TDeps, outageId: string, send: (rn: string) => Promise<void>) {
  const links = await deps.db
    .select({ rn: outageComplaints.requestNumber })
    .from(outageComplaints)
    .where(eq(outageComplaints.outageId, outageId));
  let told = 0;
  for (let i = 0; i < links.length; i += 50) {
    const results = await Promise.allSettled(links.slice(i, i + 50).map((l) => send(l.rn)));
    for (const r of results) {
      if (r.status === 'fulfilled') told += 1;
      else if (!(r.reason instanceof WorkflowNotFoundError)) throw r.reason;
    }
  }
  return told;
}

const record = (
  deps: { db: Pick<TDeps['db'], 'insert'> },
  outageId: string,
  event: string,
  by: string,
  detail: Record<string, unknown>,
) => deps.db.insert(outageEvents).values({ id: randomUUID(), outageId, event, by, detail });

/**
 * Register a planned or emergency outage on feeders and/or transformers of the caller's office
 * (or below it): every asset must exist and be within the caller's scope, and the ETR (or the
 * planned end) must be in the future — it is read out to every consumer who calls.
 */
export async function registerOutage(
  deps: TDeps,
  principal: TPrincipal,
  body: TOutageRegistration,
): Promise<TOutage> {
  assertRole(principal, DISPATCH_ROLES);
  const now = clockOf(deps);
  const assets = await locateAssets(deps.db, body.feederIds, body.transformerIds);
  const errors = [
    ...body.feederIds.flatMap((id, i) =>
      assets.feeders.has(id) ? [] : [{ field: `feederIds.${i}`, message: `no feeder ${id}` }],
    ),
    ...body.transformerIds.flatMap((id, i) =>
      assets.transformers.has(id) ? [] : [{ field: `transformerIds.${i}`, message: `no transformer ${id}` }],
    ),
  ];
  if (errors.length) throw new DomainProblem(FailureType.InvalidInput, 'unknown network assets', { errors });
  const past = body.kind === 'emergency' ? 'etr' : 'endsAt';
  if (new Date(body[past]!) <= now())
    throw new DomainProblem(FailureType.InvalidInput, `${past} is in the past`, {
      errors: [{ field: past, message: 'must be in the future' }],
    });
  for (const [asset, officeId] of [
    ...[...assets.feeders].map(([id, office]) => [`feeder ${id}`, office] as const),
    ...[...assets.transformers].map(([id, office]) => [`transformer ${id}`, office] as const),
  ])
    await assertOfficeAccess(deps.db, principal, officeId).catch((error: unknown) => {
      if (!DomainProblem.is(error, FailureType.Forbidden)) throw error;
      throw new DomainProblem(
        FailureType.Forbidden,
        `${asset} belongs to office ${officeId}, outside your office; a dispatcher of ${officeId} (or above) registers it`,
      );
    });
  const t = now();
  const startsAt = body.startsAt ? new Date(body.startsAt) : t;
  const row = {
    id: `OUT-${t.toISOString().slice(0, 10).replace(/-/g, '')}-${randomUUID().slice(0, 8)}`,
    kind: body.kind,
    status: startsAt <= t ? 'active' : 'scheduled',
    feederIds: body.feederIds,
    transformerIds: body.transformerIds,
    reason: body.reason,
    startsAt,
    endsAt: body.endsAt ? new Date(body.endsAt) : null,
    etr: new Date(body.etr ?? body.endsAt!),
    officeId: principal.kind === 'staff' ? principal.officeId : '',
    registeredBy: principal.subject,
  };
  // The outage, its first event and its campaign together: a campaign that cannot start leaves no outage.
  return deps.db.transaction(async (tx) => {
    const [stored] = await tx.insert(outages).values(row).returning();
    await record({ db: tx }, row.id, 'registered', principal.subject, { kind: row.kind });
    await startOutageCampaign(deps, tx, stored!);
    return stored!;
  });
}

/** A new estimated time of restoration (in the future) for an outage not yet over; every linked complaint is told. */
export async function changeOutageEtr(
  deps: TDeps,
  principal: TPrincipal,
  { id, etr: etrText }: { id: string; etr: string },
): Promise<TOutage> {
  assertRole(principal, DISPATCH_ROLES);
  const now = clockOf(deps);
  const outage = await load(deps, id);
  await assertOfficeAccess(deps.db, principal, outage.officeId);
  if (!['scheduled', 'active'].includes(outage.status))
    throw new DomainProblem(FailureType.Conflict, `the outage is ${outage.status}`);
  const etr = new Date(etrText);
  if (etr <= now())
    throw new DomainProblem(FailureType.InvalidInput, 'the ETR must be in the future', {
      errors: [{ field: 'etr', message: 'must be in the future' }],
    });
  const [updated] = await deps.db
    .update(outages)
    .set({ etr, updatedAt: now() })
    .where(eq(outages.id, outage.id))
    .returning();
  const told = await tellLinked(deps, outage.id, (rn) =>
    deps.temporal.workflow
      .getHandle(rn)
      .signal(outageEtrChangedSignal, { outageId: outage.id, etr: etr.toISOString() }),
  );
  await tellCampaign(deps, outage.id, { kind: 'etr-changed', etr: etr.toISOString() });
  await record(deps, outage.id, 'etr-changed', principal.subject, { from: outage.etr, to: etr, told });
  return updated!;
}

/** Mark an outage restored and tell every linked complaint; a retry tells them again (they ignore a second word). */
export async function restoreOutage(
  deps: TDeps,
  principal: TPrincipal,
  { id }: { id: string },
): Promise<TOutage> {
  assertRole(principal, DISPATCH_ROLES);
  const now = clockOf(deps);
  const outage = await load(deps, id);
  await assertOfficeAccess(deps.db, principal, outage.officeId);
  if (outage.status === 'cancelled')
    throw new DomainProblem(FailureType.Conflict, 'the outage was cancelled');
  const [updated] =
    outage.status === 'restored'
      ? [outage]
      : await deps.db
          .update(outages)
          .set({ status: 'restored', restoredAt: now(), updatedAt: now() })
          .where(eq(outages.id, outage.id))
          .returning();
  const restoredAt = updated!.restoredAt!.toISOString();
  const told = await tellLinked(deps, outage.id, (rn) =>
    deps.temporal.workflow.getHandle(rn).signal(outageRestoredSignal, { outageId: outage.id, restoredAt }),
  );
  // Everyone the campaign told hears of it too (a retry is the same stage: nobody hears twice).
  await tellCampaign(deps, outage.id, { kind: 'restored', restoredAt });
  if (outage.status !== 'restored') await record(deps, outage.id, 'restored', principal.subject, { told });
  return updated!;
}

/**
 * A planned outage moves to new times (both in the future, the end after the start) before it
 * begins; its campaign tells everyone already told and plans the advance notices again.
 */
export async function rescheduleOutage(
  deps: TDeps,
  principal: TPrincipal,
  input: { id: string; startsAt: string; endsAt: string },
): Promise<TOutage> {
  assertRole(principal, DISPATCH_ROLES);
  const now = clockOf(deps);
  const outage = await load(deps, input.id);
  await assertOfficeAccess(deps.db, principal, outage.officeId);
  if (outage.kind !== 'planned')
    throw new DomainProblem(
      FailureType.Conflict,
      'only a planned outage is rescheduled; change an emergency ETR instead',
    );
  if (outage.status !== 'scheduled')
    throw new DomainProblem(
      FailureType.Conflict,
      `the outage is ${outage.status}; only one not yet begun moves`,
    );
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  const errors = [
    ...(startsAt <= now() ? [{ field: 'startsAt', message: 'must be in the future' }] : []),
    ...(endsAt <= startsAt ? [{ field: 'endsAt', message: 'must be after startsAt' }] : []),
  ];
  if (errors.length)
    throw new DomainProblem(FailureType.InvalidInput, 'the new times do not hold', { errors });
  const [updated] = await deps.db
    .update(outages)
    .set({ startsAt, endsAt, etr: endsAt, updatedAt: now() })
    .where(eq(outages.id, outage.id))
    .returning();
  await tellCampaign(deps, outage.id, {
    kind: 'rescheduled',
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  });
  await record(deps, outage.id, 'rescheduled', principal.subject, {
    from: { startsAt: outage.startsAt, endsAt: outage.endsAt },
    to: { startsAt, endsAt },
  });
  return updated!;
}

/** A planned outage that will not happen: whatever its campaign has not sent does not go, and everyone told hears it is off. */
export async function cancelOutage(
  deps: TDeps,
  principal: TPrincipal,
  { id }: { id: string },
): Promise<TOutage> {
  assertRole(principal, DISPATCH_ROLES);
  const now = clockOf(deps);
  const outage = await load(deps, id);
  await assertOfficeAccess(deps.db, principal, outage.officeId);
  if (outage.kind !== 'planned')
    throw new DomainProblem(
      FailureType.Conflict,
      'only a planned outage is cancelled; restore an emergency instead',
    );
  if (outage.status === 'cancelled') return outage; // a retry
  if (outage.status !== 'scheduled')
    throw new DomainProblem(
      FailureType.Conflict,
      `the outage is ${outage.status}; it can no longer be cancelled`,
    );
  const [updated] = await deps.db
    .update(outages)
    .set({ status: 'cancelled', updatedAt: now() })
    .where(eq(outages.id, outage.id))
    .returning();
  await tellCampaign(deps, outage.id, { kind: 'cancelled' });
  await record(deps, outage.id, 'cancelled', principal.subject, {});
  return updated!;
}

/**
 * Outages not yet restored (scheduled and active) registered in the office, the offices under it
 * and the offices above it (a feeder outage of the sub-division reaches its sections' consumers),
 * newest first.
 */
export async function listOpenOutages(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  { officeId }: { officeId?: string } = {},
): Promise<TOutage[]> {
  assertRole(principal, OUTAGE_READ_ROLES);
  const scope = await queueScope(deps.db, principal, officeId);
  const [office] = scope
    ? await deps.db.select({ path: offices.path }).from(offices).where(eq(offices.id, scope.officeId))
    : [];
  const above = office ? office.path.split('/') : [];
  return deps.db
    .select()
    .from(outages)
    .where(
      and(
        inArray(outages.status, ['scheduled', 'active']),
        scope ? or(inArray(outages.officeId, scope.within), inArray(outages.officeId, above)) : undefined,
      ),
    )
    .orderBy(desc(outages.startsAt))
    .limit(200);
}

export type TNetworkFeeder = {
  id: string;
  name: string;
  substation: string;
  officeId: string;
  /** the feeder's substation is in the caller's office or below it: the feeder itself may be registered */
  inScope: boolean;
  transformers: { id: string; name: string; officeId: string }[];
};

/**
 * The network an outage can be registered on by the caller: the feeders of substations in their
 * office or below it, and the transformers of their sections (a section dispatcher sees its own
 * transformers under the sub-division's feeder).
 */
export async function officeNetwork(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
): Promise<TNetworkFeeder[]> {
  assertRole(principal, DISPATCH_ROLES);
  const scope = await queueScope(deps.db, principal, undefined);
  const rows = await deps.db
    .select({
      feederId: feeders.id,
      feeder: feeders.name,
      substation: substations.name,
      feederOfficeId: substations.officeId,
      transformerId: transformers.id,
      transformer: transformers.name,
      transformerOfficeId: transformers.sectionOfficeId,
    })
    .from(transformers)
    .innerJoin(feeders, eq(feeders.id, transformers.feederId))
    .innerJoin(substations, eq(substations.id, feeders.substationId))
    .where(scope ? inArray(transformers.sectionOfficeId, scope.within) : undefined)
    .orderBy(asc(feeders.name), asc(transformers.name));
  const within = scope ? new Set((await scope.within).map((o) => o.id)) : undefined;
  const byFeeder = new Map<string, TNetworkFeeder>();
  for (const r of rows) {
    let feeder = byFeeder.get(r.feederId);
    if (!feeder) {
      feeder = {
        id: r.feederId,
        name: r.feeder,
        substation: r.substation,
        officeId: r.feederOfficeId,
        inScope: !within || within.has(r.feederOfficeId),
        transformers: [],
      };
      byFeeder.set(r.feederId, feeder);
    }
    feeder.transformers.push({ id: r.transformerId, name: r.transformer, officeId: r.transformerOfficeId });
  }
  // A feeder whose substation is above the caller's office is listed for its transformers only.
  return [...byFeeder.values()];
}
