import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCampaignActivities } from '../activities/campaigns';
import {
  CALL_LIST_ROLES,
  CALL_NOTE_MAX,
  CALL_OUTCOMES,
  campaignEventSignal,
  campaignOfDelivery,
  campaignStateQuery,
  claimCallUpdate,
  recordCallUpdate,
  type TCampaignEvent,
  type TCampaignInput,
  type TCampaignState,
  type TClaimCall,
  type TRecordCall,
} from '../domain/campaign-contract';
import { FailureType } from '../domain/failures';
import type { TNoticeParam } from '../domain/notices';
import type { TActor } from '../domain/service-request-contract';

type Acts = ReturnType<typeof createCampaignActivities>;

const acts = proxyActivities<Acts>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// A batch heartbeats as it sends: a worker that dies mid-batch is noticed in seconds, and the
// retry takes its own claimed rows back.
const dispatcher = proxyActivities<Pick<Acts, 'dispatchCampaign'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// The call list's writes answer an operator who waits: refusals come back at once.
const calls = proxyActivities<Pick<Acts, 'claimCall' | 'recordCall'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.Conflict],
  },
});

/** Rounds before the history is handed to a fresh run (each round is a few events). */
const ROUNDS_PER_RUN = 200;

const refuse = (type: string, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

/** An activity's refusal, passed to the operator as it is (the Update fails, the campaign goes on). */
const asRefusal = (error: unknown) =>
  error instanceof ActivityFailure && error.cause instanceof ApplicationFailure
    ? refuse(error.cause.type ?? FailureType.Conflict, error.cause.message)
    : error;

/**
 * The campaign of one outage (id `campaign/<outage id>`): who is affected is fixed at the start
 * (`materialiseCampaign`), each message to them is a stage (the first notice at once for an
 * emergency, advance notices at offsets before a planned outage's start, each ETR change, a
 * reschedule, the cancellation, the restoration) whose rows the dispatch activity works through
 * in batches. Life-support and social consumers are called by an operator first — the call list,
 * worked through the `claimCall` and `recordCall` Updates. The history stays bounded: every
 * ROUNDS_PER_RUN rounds the run continues as new with what it knows.
 */
export async function outageCampaignWorkflow(input: TCampaignInput): Promise<TCampaignState> {
  const { campaignId, outageId, settings } = input;
  const state: TCampaignState = input.carried?.state ?? {
    status: 'materialising',
    stages: [],
    etr: input.etr,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    etrChanges: 0,
    schedule: 0,
    advanceSent: [],
  };
  const events: TCampaignEvent[] = [...(input.carried?.events ?? [])];
  let nudged = false;

  setHandler(campaignEventSignal, (event) => {
    events.push(event);
  });
  setHandler(campaignStateQuery, () => state);

  const checkCaller = (deliveryId: string, actor: TActor) => {
    if (!(CALL_LIST_ROLES as readonly string[]).includes(actor.role))
      throw refuse(
        FailureType.Forbidden,
        `the call list is worked by ${CALL_LIST_ROLES.join(', ')}, not ${actor.role}`,
      );
    if (campaignOfDelivery(deliveryId) !== campaignId)
      throw refuse(FailureType.NotFound, `no entry ${deliveryId} in campaign ${campaignId}`);
    if (state.status === 'done') throw refuse(FailureType.Conflict, 'the campaign is over');
  };
  setHandler(
    claimCallUpdate,
    async ({ deliveryId, actor }) => {
      try {
        return await calls.claimCall({ deliveryId, subject: actor.subject });
      } catch (error) {
        throw asRefusal(error);
      }
    },
    { validator: ({ deliveryId, actor }: TClaimCall) => checkCaller(deliveryId, actor) },
  );
  setHandler(
    recordCallUpdate,
    async ({ deliveryId, outcome, note, actor }) => {
      try {
        const entry = await calls.recordCall({
          deliveryId,
          // One call per Update: its id survives the Update's own retries.
          requestId: `${deliveryId}#${workflowInfo().runId}#${actor.subject}#${outcome}#${Date.now()}`,
          subject: actor.subject,
          outcome,
          note,
          retryMs: settings.callRetryMs,
          tries: settings.callTries,
        });
        nudged = true;
        return entry;
      } catch (error) {
        throw asRefusal(error);
      }
    },
    {
      validator: ({ deliveryId, outcome, note, actor }: TRecordCall) => {
        checkCaller(deliveryId, actor);
        if (!(CALL_OUTCOMES as readonly string[]).includes(outcome))
          throw refuse(FailureType.InvalidInput, `outcome is one of ${CALL_OUTCOMES.join(', ')}`);
        if (note !== undefined && (typeof note !== 'string' || note.length > CALL_NOTE_MAX))
          throw refuse(FailureType.InvalidInput, `a note is text of up to ${CALL_NOTE_MAX} characters`);
      },
    },
  );

  const stage = async (
    name: string,
    template: string,
    params: Record<string, TNoticeParam>,
    audience: 'all' | 'told',
  ) => {
    if (state.stages.includes(name)) return;
    await acts.planStage({ campaignId, outageId, stage: name, template, params, audience });
    state.stages.push(name);
  };

  // Planned outages: the advance notices of the current schedule, each at its offset before the
  // start; offsets already past when the schedule is made are covered by one notice at once.
  const offsets = settings.plannedOffsetsMs;
  const advanceAt = (i: number) => Date.parse(state.startsAt) - offsets[i]!;
  const nextAdvanceAt = () =>
    input.kind !== 'planned' || state.restoredAt || state.status === 'cancelled'
      ? undefined
      : offsets
          .map((_, i) => i)
          .filter((i) => !state.advanceSent.includes(i) && advanceAt(i) > Date.now())
          .map(advanceAt)
          .sort((a, b) => a - b)[0];
  const planAdvance = async () => {
    if (Date.parse(state.startsAt) <= Date.now()) return;
    const due = offsets
      .map((_, i) => i)
      .filter((i) => !state.advanceSent.includes(i) && advanceAt(i) <= Date.now());
    if (!due.length) return;
    state.advanceSent.push(...due);
    await stage(
      `advance-${state.schedule}-${due[due.length - 1]}`,
      'outage-planned',
      { start: state.startsAt, end: state.endsAt ?? state.etr },
      'all',
    );
  };

  const apply = async (event: TCampaignEvent) => {
    if (state.restoredAt || state.status === 'cancelled') return;
    if (event.kind === 'etr-changed') {
      if (event.etr === state.etr) return;
      state.etr = event.etr;
      state.etrChanges += 1;
      if (state.stages.length)
        await stage(`etr-${state.etrChanges}`, 'outage-etr-changed', { etr: event.etr }, 'told');
    } else if (event.kind === 'restored') {
      state.restoredAt = event.restoredAt;
      // What has not gone yet is moot now (those never told are not told "restored" either).
      await acts.cancelPending({ campaignId, exceptStage: 'restored' });
      await stage('restored', 'outage-restored', {}, 'told');
    } else if (event.kind === 'rescheduled') {
      if (event.startsAt === state.startsAt && event.endsAt === state.endsAt) return;
      state.startsAt = event.startsAt;
      state.endsAt = event.endsAt;
      state.schedule += 1;
      // Those already told hear of the new times now; the advance notices start over from the
      // new start, without the ones whose time has already passed.
      state.advanceSent = offsets.map((_, i) => i).filter((i) => advanceAt(i) <= Date.now());
      if (state.stages.length)
        await stage(
          `rescheduled-${state.schedule}`,
          'outage-rescheduled',
          { start: event.startsAt, end: event.endsAt },
          'told',
        );
    } else {
      await acts.cancelPending({ campaignId, exceptStage: 'cancelled' });
      await stage('cancelled', 'outage-cancelled', { start: state.startsAt }, 'told');
      state.status = 'cancelled';
    }
  };

  if (!input.carried) {
    try {
      await acts.materialiseCampaign({ campaignId, outageId });
    } catch (error) {
      // The outage's transaction never committed: there is no campaign to run.
      if (
        error instanceof ActivityFailure &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'NoCampaign'
      ) {
        state.status = 'cancelled';
        return state;
      }
      throw error;
    }
    state.status = 'running';
    if (input.kind === 'emergency') await stage('notice', 'outage-emergency', { etr: state.etr }, 'all');
  }

  for (let round = 1; ; round++) {
    while (events.length) await apply(events.shift()!);
    if (input.kind === 'planned' && state.status === 'running' && !state.restoredAt) await planAdvance();
    // Several dispatchers at once claim disjoint batches; one of them also sweeps receipts and the call list.
    const results = await Promise.all(
      Array.from({ length: Math.max(1, settings.dispatchers ?? 1) }, (_, i) =>
        dispatcher.dispatchCampaign({
          campaignId,
          limit: settings.batchSize,
          callWorkWithinMs: settings.callWorkWithinMs,
          sweep: i === 0,
        }),
      ),
    );
    const result = results[0]!;
    result.more = results.some((r) => r.more);
    const over = (state.restoredAt !== undefined || state.status === 'cancelled') && result.open === 0;
    if (over && events.length === 0) break;
    if (!result.more && events.length === 0 && !nudged) {
      const wakeAt = [result.nextAt ? Date.parse(result.nextAt) : undefined, nextAdvanceAt()]
        .filter((v): v is number => v !== undefined)
        .sort((a, b) => a - b)[0];
      await condition(
        () => events.length > 0 || nudged,
        wakeAt === undefined ? undefined : Math.max(10, wakeAt - Date.now()),
      );
    }
    nudged = false;
    if (round >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof outageCampaignWorkflow>({ ...input, carried: { state, events } });
    }
  }
  const status = state.status === 'cancelled' ? 'cancelled' : 'done';
  await acts.finishCampaign({ campaignId, status });
  state.status = status;
  await condition(allHandlersFinished);
  return state;
}
