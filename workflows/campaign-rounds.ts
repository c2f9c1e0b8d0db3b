import { condition, proxyActivities } from '@temporalio/workflow';
import type { createCampaignActivities } from '../activities/campaigns';
import type { TCampaignSettings, TDispatchResult } from '../domain/campaign-contract';

type Acts = ReturnType<typeof createCampaignActivities>;

/** The campaign activities for the workflows that reuse the outage campaigns' machinery. */
export const campaignActs = proxyActivities<Acts>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// A batch heartbeats as it sends: a worker that dies mid-batch is noticed in seconds.
const dispatcher = proxyActivities<Pick<Acts, 'dispatchCampaign'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** One round of a campaign: its dispatchers claim disjoint batches at once; the first also sweeps receipts and the call list. */
export async function dispatchRound(
  campaignId: string,
  settings: TCampaignSettings,
): Promise<TDispatchResult> {
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
  return { ...results[0]!, more: results.some((r) => r.more) };
}

/** After a round with nothing due now: wait until something falls due, or `wake` says so. */
export async function waitForDue(result: TDispatchResult, wake: () => boolean): Promise<void> {
  if (result.more) return;
  const at = result.nextAt ? Date.parse(result.nextAt) : undefined;
  await condition(wake, at === undefined ? undefined : Math.max(10, at - Date.now()));
}
