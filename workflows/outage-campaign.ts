import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  campaignEventSignal,
  campaignStateQuery,
  type TCampaignEvent,
  type TCampaignInput,
  type TCampaignState,
} from '../domain/campaign-contract';
import type { TNoticeParam } from '../domain/notices';
import { handleCallList } from './call-list';
import { campaignActs as acts, dispatchRound } from './campaign-rounds';

/** Rounds before the history is handed to a fresh run (each round is a few events). */
const ROUNDS_PER_RUN = 200;

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

  handleCallList(
    campaignId,
    settings,
    () => state.status === 'done',
    () => {
      nudged = true;
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
    const result = await dispatchRound(campaignId, settings);
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
