import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import {
  callList,
  campaignFigures,
  type TCallListEntry,
  type TCampaignFigures,
  type TCampaignRow,
} from '../db/campaigns';
import { campaignDeliveries, campaignRecipients, campaigns, offices, type outages } from '../db/schema';
import {
  CALL_LIST_ROLES,
  CALL_NOTE_MAX,
  CALL_OUTCOMES,
  CAMPAIGN_READ_ROLES,
  campaignEventSignal,
  campaignOfDelivery,
  campaignSettingsOf,
  campaignWorkflowId,
  claimCallUpdate,
  recordCallUpdate,
  type TCallEntry,
  type TCallOutcome,
  type TCampaignEvent,
  type TCampaignInput,
} from '../domain/campaign-contract';
import { DomainProblem, FailureType, type TFailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import type { outageCampaignWorkflow } from '../workflows/outage-campaign';
import { actorOf, assertOfficeAccess, assertRole, queueScope } from './access';
import { withinDeadline, type UseCaseDeps } from './deps';

export { CALL_LIST_ROLES, CAMPAIGN_READ_ROLES };

/**
 * The outage's campaign: its row, then its workflow, in the caller's transaction (the outage's
 * own), so a start that fails leaves neither outage nor campaign behind.
 */
export async function startOutageCampaign(
  deps: Pick<UseCaseDeps, 'temporal' | 'config'>,
  tx: Pick<Database, 'insert'>,
  outage: typeof outages.$inferSelect,
): Promise<void> {
  await tx
    .insert(campaigns)
    .values({
      id: outage.id,
      kind: 'outage',
      outageId: outage.id,
      officeId: outage.officeId,
      status: 'materialising',
    })
    .onConflictDoNothing();
  const c = deps.config.campaigns;
  const input: TCampaignInput = {
    campaignId: outage.id,
    outageId: outage.id,
    kind: outage.kind === 'planned' ? 'planned' : 'emergency',
    startsAt: outage.startsAt.toISOString(),
    endsAt: outage.endsAt?.toISOString(),
    etr: outage.etr.toISOString(),
    settings: campaignSettingsOf(c),
  };
  await withinDeadline(deps, () =>
    deps.temporal.workflow.start<typeof outageCampaignWorkflow>('outageCampaignWorkflow', {
      workflowId: campaignWorkflowId(outage.id),
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  );
}

/** Tells the outage's campaign of a change; outages registered before campaigns existed have none. */
export async function tellCampaign(
  deps: Pick<UseCaseDeps, 'temporal'>,
  outageId: string,
  event: TCampaignEvent,
) {
  try {
    await deps.temporal.workflow.getHandle(campaignWorkflowId(outageId)).signal(campaignEventSignal, event);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

export type TCampaignSummary = TCampaignRow & { figures: TCampaignFigures };

/** The offices a caller's campaigns may belong to: their scope, and the offices above it (a sub-division's outage reaches its sections). */
async function campaignScope(db: Database, principal: TPrincipal, officeId?: string) {
  const scope = await queueScope(db, principal, officeId);
  if (!scope) return undefined;
  const [office] = await db
    .select({ path: offices.path })
    .from(offices)
    .where(eq(offices.id, scope.officeId));
  const within = (await scope.within).map((o) => o.id);
  return { within, visible: [...new Set([...within, ...(office?.path.split('/') ?? [])])] };
}

/** Campaigns of the caller's office (and of the offices above it that reach it), newest first, with their figures. */
export async function listCampaigns(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  query: { officeId?: string; limit?: number } = {},
): Promise<TCampaignSummary[]> {
  assertRole(principal, CAMPAIGN_READ_ROLES);
  const scope = await campaignScope(deps.db, principal, query.officeId);
  const rows = await deps.db
    .select()
    .from(campaigns)
    .where(scope ? inArray(campaigns.officeId, scope.visible) : undefined)
    .orderBy(desc(campaigns.createdAt))
    .limit(query.limit ?? 50);
  return Promise.all(rows.map(async (r) => ({ ...r, figures: await campaignFigures(deps.db, r) })));
}

/** One campaign: the row, its figures and the live state of its workflow. */
export async function readCampaign(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  { id }: { id: string },
): Promise<TCampaignSummary> {
  assertRole(principal, CAMPAIGN_READ_ROLES);
  const [row] = await deps.db.select().from(campaigns).where(eq(campaigns.id, id));
  if (!row) throw new DomainProblem(FailureType.NotFound, `no campaign ${id}`);
  const scope = await campaignScope(deps.db, principal);
  if (scope && !scope.visible.includes(row.officeId)) {
    // A section sees a campaign of the office above it only when it reaches the section's consumers.
    const [reach] = await deps.db
      .select({ n: campaignRecipients.consumerNumber })
      .from(campaignRecipients)
      .where(and(eq(campaignRecipients.campaignId, id), inArray(campaignRecipients.officeId, scope.within)))
      .limit(1);
    if (!reach)
      throw new DomainProblem(
        FailureType.Forbidden,
        `campaign ${id} belongs to office ${row.officeId}, outside your office`,
      );
  }
  return { ...row, figures: await campaignFigures(deps.db, row) };
}

/** The call list of the caller's office and the offices under it: life-support and social consumers to call now. */
export async function listCallList(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  query: { officeId?: string; campaignId?: string; done?: boolean } = {},
): Promise<TCallListEntry[]> {
  assertRole(principal, CALL_LIST_ROLES);
  const scope = await queueScope(deps.db, principal, query.officeId);
  const within = scope ? (await scope.within).map((o) => o.id) : undefined;
  return callList(deps.db, within, { campaignId: query.campaignId, done: query.done });
}

/** The entry, if the caller may work it: it exists, and its consumer is in the caller's office. */
async function authoriseEntry(deps: Pick<UseCaseDeps, 'db'>, principal: TPrincipal, id: string) {
  assertRole(principal, CALL_LIST_ROLES);
  const [entry] = await deps.db
    .select({ id: campaignDeliveries.id, officeId: campaignRecipients.officeId })
    .from(campaignDeliveries)
    .innerJoin(
      campaignRecipients,
      and(
        eq(campaignRecipients.campaignId, campaignDeliveries.campaignId),
        eq(campaignRecipients.consumerNumber, campaignDeliveries.consumerNumber),
      ),
    )
    .where(
      and(
        eq(campaignDeliveries.id, id),
        or(eq(campaignDeliveries.route, 'call'), eq(campaignRecipients.callList, true)),
      ),
    );
  if (!entry) throw new DomainProblem(FailureType.NotFound, `no call-list entry ${id}`);
  await assertOfficeAccess(deps.db, principal, entry.officeId);
  return entry;
}

/** An Update refused by its validator or handler, as the use case's own refusal. */
function refusal(error: unknown): never {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const type = (Object.values(FailureType) as string[]).includes(error.cause.type ?? '')
      ? (error.cause.type as TFailureType)
      : FailureType.Conflict;
    throw new DomainProblem(type, error.cause.message);
  }
  if (error instanceof WorkflowNotFoundError)
    throw new DomainProblem(FailureType.Conflict, 'the campaign is over; nothing more to call');
  throw error;
}

/** An operator takes an entry of the call list: a Temporal Update, checked by the campaign's validator. */
export async function claimCallEntry(
  deps: Pick<UseCaseDeps, 'db' | 'temporal'>,
  principal: TPrincipal,
  { id }: { id: string },
): Promise<TCallEntry> {
  await authoriseEntry(deps, principal, id);
  return deps.temporal.workflow
    .getHandle(campaignWorkflowId(campaignOfDelivery(id)))
    .executeUpdate(claimCallUpdate, { args: [{ deliveryId: id, actor: actorOf(principal) }] })
    .catch(refusal);
}

/** The call's outcome (reached, not reached, wrong number) with a note, by the operator who claimed it. */
export async function recordCallOutcome(
  deps: Pick<UseCaseDeps, 'db' | 'temporal'>,
  principal: TPrincipal,
  input: { id: string; outcome: TCallOutcome; note?: string; requestKey?: string },
): Promise<TCallEntry> {
  if (!(CALL_OUTCOMES as readonly string[]).includes(input.outcome))
    throw new DomainProblem(FailureType.InvalidInput, 'unknown outcome', {
      errors: [{ field: 'outcome', message: `one of ${CALL_OUTCOMES.join(', ')}` }],
    });
  const note = input.note?.trim() || undefined;
  if (note && note.length > CALL_NOTE_MAX)
    throw new DomainProblem(FailureType.InvalidInput, 'the note is too long', {
      errors: [{ field: 'note', message: `at most ${CALL_NOTE_MAX} characters` }],
    });
  await authoriseEntry(deps, principal, input.id);
  return deps.temporal.workflow
    .getHandle(campaignWorkflowId(campaignOfDelivery(input.id)))
    .executeUpdate(recordCallUpdate, {
      args: [{ deliveryId: input.id, outcome: input.outcome, note, actor: actorOf(principal) }],
      // A retried request (same key) is the same Update.
      updateId: `call/${input.id}/${principal.subject}/${input.requestKey ?? randomUUID()}`,
    })
    .catch(refusal);
}
