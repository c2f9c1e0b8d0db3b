import { log, proxyActivities } from '@temporalio/workflow';
import type { createHousekeepingActivities } from '../activities/housekeeping';

const acts = proxyActivities<ReturnType<typeof createHousekeepingActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5 },
});

/** Run hourly by the `seva-housekeeping` schedule: prunes records that have served their purpose. */
export async function housekeepingWorkflow(input: { retentionDays: number }) {
  const pruned = await acts.pruneChannelRecords(input);
  log.info('housekeeping done', pruned);
  return pruned;
}
