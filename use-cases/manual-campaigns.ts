import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { locateAssets } from '../db/outages';
import { textArray } from '../db/sql-arrays';
import { campaigns, consumers, offices } from '../db/schema';
import {
  CAMPAIGN_CHANNELS,
  CAMPAIGN_COMPOSE_ROLES,
  campaignCancelSignal,
  campaignSettingsOf,
  campaignWorkflowId,
  MANUAL_TEMPLATES,
  type TCampaignChannel,
  type TManualCampaignInput,
  type TManualCampaignSpec,
  type TManualTemplate,
} from '../domain/campaign-contract';
import { DomainProblem, FailureType } from '../domain/failures';
import { isLanguage, LANGUAGES, type TLanguage } from '../domain/languages';
import { renderNotice } from '../domain/notice-templates';
import type { TNoticeParam } from '../domain/notices';
import type { TPrincipal } from '../domain/roles';
import { scopeIdempotencyKey } from '../lib/idempotency';
import type { manualCampaignWorkflow } from '../workflows/manual-campaign';
import { assertOfficeAccess, assertRole, officeWithinScope } from './access';
import { clockOf, withinDeadline, type UseCaseDeps } from './deps';

export { CAMPAIGN_CHANNELS, CAMPAIGN_COMPOSE_ROLES, MANUAL_TEMPLATES };

export const MESSAGE_MAX = 1000;
export const TITLE_MAX = 120;
/** How many of each target one campaign may name (the API's schema says the same). */
export const TARGETS_MAX = {
  officeIds: 200,
  feederIds: 500,
  transformerIds: 5000,
  consumerNumbers: 200_000,
} as const;
/** Field errors listed at most (an uploaded list may hold thousands of bad numbers). */
const ERRORS_MAX = 20;

export type TManualCampaignRequest = {
  title: string;
  targets: Partial<TManualCampaignSpec['targets']>;
  template: TManualTemplate;
  /** free text (`campaign-message`): the message per language */
  text?: Partial<Record<string, string>>;
  channel?: TCampaignChannel;
  /** ISO instant; now when absent */
  scheduledAt?: string;
  urgent?: boolean;
  callList?: boolean;
};

type TDeps = Pick<UseCaseDeps, 'db' | 'temporal' | 'config' | 'now'>;
type TFieldError = { field: string; message: string };

const invalid = (message: string, errors: TFieldError[]) =>
  new DomainProblem(FailureType.InvalidInput, message, { errors: errors.slice(0, ERRORS_MAX) });

/** What the request says, checked: targets known and within the caller's office, words in every chosen language. */
async function checkRequest(deps: TDeps, principal: TPrincipal, input: TManualCampaignRequest) {
  const now = clockOf(deps);
  const errors: TFieldError[] = [];
  const title = (input.title ?? '').trim();
  if (!title) errors.push({ field: 'title', message: 'required' });
  else if (title.length > TITLE_MAX)
    errors.push({ field: 'title', message: `at most ${TITLE_MAX} characters` });
  const uniq = (v: string[] | undefined) => [...new Set((v ?? []).map((x) => x.trim()).filter(Boolean))];
  const targets = {
    officeIds: uniq(input.targets?.officeIds),
    feederIds: uniq(input.targets?.feederIds),
    transformerIds: uniq(input.targets?.transformerIds),
    consumerNumbers: uniq(input.targets?.consumerNumbers),
  };
  if (Object.values(targets).every((v) => v.length === 0))
    errors.push({ field: 'targets', message: 'choose offices, feeders, transformers or consumer numbers' });
  for (const [name, most] of Object.entries(TARGETS_MAX))
    if (targets[name as keyof typeof targets].length > most)
      errors.push({ field: `targets.${name}`, message: `at most ${most}` });
  if (!(MANUAL_TEMPLATES as readonly string[]).includes(input.template))
    errors.push({ field: 'template', message: `one of ${MANUAL_TEMPLATES.join(', ')}` });
  const channel = input.channel ?? 'preferred';
  if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel))
    errors.push({ field: 'channel', message: `one of ${CAMPAIGN_CHANNELS.join(', ')}` });
  let scheduledAt: Date | undefined;
  if (input.scheduledAt) {
    scheduledAt = new Date(input.scheduledAt);
    if (Number.isNaN(scheduledAt.getTime())) errors.push({ field: 'scheduledAt', message: 'not a time' });
    else if (scheduledAt <= now()) errors.push({ field: 'scheduledAt', message: 'must be in the future' });
    else if (scheduledAt.getTime() > now().getTime() + 90 * 86_400_000)
      errors.push({ field: 'scheduledAt', message: 'at most 90 days ahead' });
  }
  // The words: free text in each language chosen, the utility's default language among them.
  const params: Record<string, TNoticeParam> = {};
  if (input.template === 'campaign-message') {
    const text = Object.fromEntries(
      Object.entries(input.text ?? {}).map(([l, v]) => [l, (v ?? '').trim()] as const),
    );
    const main = deps.config.profile.languages.default;
    for (const [l, v] of Object.entries(text)) {
      if (!isLanguage(l))
        errors.push({ field: `text.${l}`, message: `not a language: one of ${LANGUAGES.join(', ')}` });
      else if (!v) errors.push({ field: `text.${l}`, message: 'the translation is empty' });
      else if (v.length > MESSAGE_MAX)
        errors.push({ field: `text.${l}`, message: `at most ${MESSAGE_MAX} characters` });
    }
    if (!text[main]) errors.push({ field: `text.${main}`, message: `the message in ${main} is required` });
    const words = { en: text.en || text[main] || '', ...text };
    params.message = { text: words };
    params.title = title;
  } else if (input.template === 'campaign-safety-advisory') {
    params.phone = deps.config.profile.emergencyPhone;
  }
  if (errors.length) throw invalid('the campaign does not hold', errors);

  // Every target exists and is within the caller's office.
  const assets = await locateAssets(deps.db, targets.feederIds, targets.transformerIds);
  const officeRows = targets.officeIds.length
    ? await deps.db.select({ id: offices.id }).from(offices).where(inArray(offices.id, targets.officeIds))
    : [];
  const known = new Set(officeRows.map((o) => o.id));
  const numberRows = [] as { consumerNumber: string; officeId: string; active: boolean }[];
  for (let i = 0; i < targets.consumerNumbers.length; i += 5000)
    numberRows.push(
      ...(await deps.db
        .select({
          consumerNumber: consumers.consumerNumber,
          officeId: consumers.sectionOfficeId,
          active: consumers.active,
        })
        .from(consumers)
        .where(inArray(consumers.consumerNumber, targets.consumerNumbers.slice(i, i + 5000)))),
    );
  const numbers = new Map(numberRows.map((r) => [r.consumerNumber, r]));
  const within = async (officeId: string) =>
    principal.kind === 'staff' &&
    (['ops', 'admin'].includes(principal.role) ||
      (await officeWithinScope(deps.db, principal.officeId, officeId)));
  const scopeCache = new Map<string, boolean>();
  const inScope = async (officeId: string) => {
    if (!scopeCache.has(officeId)) scopeCache.set(officeId, await within(officeId));
    return scopeCache.get(officeId)!;
  };
  const check = async (field: string, owner: string | undefined, what: string) => {
    if (owner === undefined) errors.push({ field, message: `no ${what}` });
    else if (!(await inScope(owner))) errors.push({ field, message: `${what} is outside your office` });
  };
  for (const [i, id] of targets.officeIds.entries())
    await check(`targets.officeIds.${i}`, known.has(id) ? id : undefined, `office ${id}`);
  for (const [i, id] of targets.feederIds.entries())
    await check(`targets.feederIds.${i}`, assets.feeders.get(id), `feeder ${id}`);
  for (const [i, id] of targets.transformerIds.entries())
    await check(`targets.transformerIds.${i}`, assets.transformers.get(id), `transformer ${id}`);
  for (const [i, n] of targets.consumerNumbers.entries()) {
    if (errors.length >= ERRORS_MAX) break;
    const row = numbers.get(n);
    await check(`targets.consumerNumbers.${i}`, row?.active ? row.officeId : undefined, `consumer ${n}`);
  }
  if (errors.length) throw invalid('unknown targets or targets outside your office', errors);
  return { title, targets, params, channel: channel, scheduledAt };
}

/** How many active consumers the targets reach (as `materialiseManual` will pick them). */
async function countReach(deps: TDeps, targets: TManualCampaignSpec['targets']): Promise<number> {
  const arr = textArray;
  const [row] = await deps.db.execute<{ n: number }>(sql`
    select count(*)::int as n from consumers c
    join transformers t on t.id = c.transformer_id
    join offices o on o.id = c.section_office_id
    where c.active and (t.feeder_id = any(${arr(targets.feederIds)}) or t.id = any(${arr(targets.transformerIds)})
      or c.consumer_number = any(${arr(targets.consumerNumbers)})
      or string_to_array(o.path, '/') && ${arr(targets.officeIds)})`);
  return row?.n ?? 0;
}

export type TCampaignPreview = {
  recipients: number;
  /** the message as each language's readers get it, with sample placeholders */
  samples: { language: TLanguage; subject: string; body: string }[];
};

/** What a composed campaign would do: how many it reaches and the message in each language. */
export async function previewManualCampaign(
  deps: TDeps,
  principal: TPrincipal,
  input: TManualCampaignRequest,
): Promise<TCampaignPreview> {
  assertRole(principal, CAMPAIGN_COMPOSE_ROLES);
  const checked = await checkRequest(deps, principal, input);
  const recipients = await countReach(deps, checked.targets);
  const languages = deps.config.profile.languages.offered.filter(isLanguage);
  return {
    recipients,
    samples: languages.map((language) =>
      renderNotice(input.template, language, { ...checked.params, area: '…' }),
    ),
  };
}

/**
 * A manual campaign composed by a dispatcher or supervisor: its row (with what it says and whom
 * it reaches) and its workflow, together; a retry with the same Idempotency-Key gets the same
 * campaign. It reaches at least one consumer and no more than the configured most.
 */
export async function createManualCampaign(
  deps: TDeps,
  principal: TPrincipal,
  input: TManualCampaignRequest,
  idempotencyKey?: string,
): Promise<{ campaign: typeof campaigns.$inferSelect; created: boolean }> {
  assertRole(principal, CAMPAIGN_COMPOSE_ROLES);
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  const now = clockOf(deps);
  const t = now();
  const id = `MC-${t.toISOString().slice(0, 10).replace(/-/g, '')}-${
    idempotencyKey
      ? scopeIdempotencyKey(principal.subject, idempotencyKey).slice(0, 12)
      : randomUUID().slice(0, 12)
  }`;
  if (idempotencyKey) {
    // A retry: the campaign it made (whatever day it is retried on).
    const [seen] = await deps.db
      .select()
      .from(campaigns)
      .where(
        sql`${campaigns.id} like ${`MC-%-${scopeIdempotencyKey(principal.subject, idempotencyKey).slice(0, 12)}`}`,
      );
    if (seen) return { campaign: seen, created: false };
  }
  const checked = await checkRequest(deps, principal, input);
  const reach = await countReach(deps, checked.targets);
  if (reach === 0)
    throw invalid('the campaign reaches nobody', [{ field: 'targets', message: 'no active consumer' }]);
  if (reach > deps.config.campaigns.manualMaxRecipients)
    throw invalid('the campaign reaches too many', [
      {
        field: 'targets',
        message: `${reach} consumers; at most ${deps.config.campaigns.manualMaxRecipients}`,
      },
    ]);
  const spec: TManualCampaignSpec = {
    targets: checked.targets,
    template: input.template,
    params: checked.params as TManualCampaignSpec['params'],
    channel: checked.channel,
    callList: input.callList ?? false,
    urgent: input.urgent ?? false,
  };
  const wf: TManualCampaignInput = {
    campaignId: id,
    scheduledAt: checked.scheduledAt?.toISOString(),
    settings: campaignSettingsOf(deps.config.campaigns),
  };
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({
        id,
        kind: 'manual',
        officeId: principal.officeId,
        status: checked.scheduledAt ? 'scheduled' : 'materialising',
        title: checked.title,
        spec,
        createdBy: principal.subject,
        scheduledAt: checked.scheduledAt ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      const [seen] = await tx.select().from(campaigns).where(eq(campaigns.id, id));
      return { campaign: seen!, created: false };
    }
    await withinDeadline(deps, () =>
      deps.temporal.workflow.start<typeof manualCampaignWorkflow>('manualCampaignWorkflow', {
        workflowId: campaignWorkflowId(id),
        taskQueue: deps.config.temporal.taskQueue,
        args: [wf],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    );
    return { campaign: row, created: true };
  });
}

/** Cancels a manual campaign that is scheduled or running: what has not gone does not go. */
export async function cancelManualCampaign(
  deps: TDeps,
  principal: TPrincipal,
  { id }: { id: string },
): Promise<typeof campaigns.$inferSelect> {
  assertRole(principal, CAMPAIGN_COMPOSE_ROLES);
  const [row] = await deps.db.select().from(campaigns).where(eq(campaigns.id, id));
  if (!row) throw new DomainProblem(FailureType.NotFound, `no campaign ${id}`);
  await assertOfficeAccess(deps.db, principal, row.officeId);
  if (row.kind !== 'manual')
    throw new DomainProblem(
      FailureType.Conflict,
      row.kind === 'outage'
        ? 'an outage campaign ends with its outage: cancel or restore the outage'
        : 'disconnection reminders are cancelled by the payment',
    );
  if (row.status === 'done')
    throw new DomainProblem(FailureType.Conflict, 'the campaign is done: everything has gone');
  let cancelled = row;
  if (row.status !== 'cancelled') {
    const [updated] = await deps.db
      .update(campaigns)
      .set({ status: 'cancelled', updatedAt: clockOf(deps)() })
      .where(and(eq(campaigns.id, id), inArray(campaigns.status, ['scheduled', 'materialising', 'running'])))
      .returning();
    if (!updated) return cancelManualCampaign(deps, principal, { id }); // it finished meanwhile: say so
    cancelled = updated;
  }
  // Signalled on a retry too (the signal is idempotent): a cancel whose signal did not get through
  // (503, "try again") must still reach the run, which would otherwise go on sending.
  await withinDeadline(deps, () =>
    deps.temporal.workflow
      .getHandle(campaignWorkflowId(id))
      .signal(campaignCancelSignal, { by: principal.subject }),
  ).catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return; // the run has ended: nothing left to stop
    throw error;
  });
  return cancelled;
}
