import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config';

export const HOUSEKEEPING_SCHEDULE_ID = 'seva-housekeeping';

/**
 * Creates Seva's schedules if they are missing, and brings an existing one up to date (task queue,
 * retention): safe to call at every start. Visible in the Temporal UI under Schedules.
 */
export async function ensureSchedules(
  client: Client,
  config: Pick<Config, 'temporal' | 'channels'>,
): Promise<void> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'housekeepingWorkflow',
    workflowId: 'housekeeping',
    taskQueue: config.temporal.taskQueue,
    args: [{ retentionDays: config.channels.messageRetentionDays }],
  };
  try {
    await client.schedule.create({
      scheduleId: HOUSEKEEPING_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(HOUSEKEEPING_SCHEDULE_ID).update((previous) => ({ ...previous, action }));
  }
}
