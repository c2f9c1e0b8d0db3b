import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { campaignCancelSignal, type TManualCampaignInput } from '../domain/campaign-contract';
import { handleCallList } from './call-list';
import { campaignActs as acts, dispatchRound, waitForDue } from './campaign-rounds';

/** Rounds before the history is handed to a fresh run. */
const ROUNDS_PER_RUN = 200;

/**
 * A manual campaign (id `campaign/<campaign id>`): it waits for its time, fixes who it reaches
 * (`materialiseManual`, once), plans its one message and works through it in leased batches on
 * the outage campaigns' machinery. `campaignCancel` stops what has not gone.
 */
export async function manualCampaignWorkflow(
  input: TManualCampaignInput & { carried?: { cancelled: boolean } },
): Promise<{ status: 'done' | 'cancelled' }> {
  const { campaignId, settings } = input;
  let cancelled = input.carried?.cancelled ?? false;
  let over = false;
  let nudged = false;
  setHandler(campaignCancelSignal, () => {
    cancelled = true;
  });
  // Life-support and social consumers, when the campaign calls them first, are its call list.
  handleCallList(
    campaignId,
    settings,
    () => over || cancelled,
    () => {
      nudged = true;
    },
  );

  if (!input.carried) {
    const at = input.scheduledAt ? Date.parse(input.scheduledAt) : 0;
    if (at > Date.now()) await condition(() => cancelled, at - Date.now());
    if (!cancelled && (await acts.materialiseManual({ campaignId })).cancelled) cancelled = true;
    if (!cancelled) await acts.planManual({ campaignId });
  }
  for (let round = 1; ; round++) {
    if (cancelled) {
      await acts.cancelPending({ campaignId, exceptStage: '' });
      await acts.finishCampaign({ campaignId, status: 'cancelled' });
      await condition(allHandlersFinished);
      return { status: 'cancelled' };
    }
    const result = await dispatchRound(campaignId, settings);
    if (!result.more && result.open === 0) break;
    if (!nudged) await waitForDue(result, () => cancelled || nudged);
    nudged = false;
    if (round >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof manualCampaignWorkflow>({ ...input, carried: { cancelled } });
    }
  }
  over = true;
  await acts.finishCampaign({ campaignId, status: 'done' });
  await condition(allHandlersFinished);
  return { status: 'done' };
}
