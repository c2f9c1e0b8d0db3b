import { continueAsNew, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { campaignCancelSignal, type TManualCampaignInput } from '../domain/campaign-contract';
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
  setHandler(campaignCancelSignal, () => {
    cancelled = true;
  });

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
      return { status: 'cancelled' };
    }
    const result = await dispatchRound(campaignId, settings);
    if (!result.more && result.open === 0) break;
    await waitForDue(result, () => cancelled);
    if (round >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested)
      return continueAsNew<typeof manualCampaignWorkflow>({ ...input, carried: { cancelled } });
  }
  await acts.finishCampaign({ campaignId, status: 'done' });
  return { status: 'done' };
}
