import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Config } from '../config';
import { campaignSettingsOf, type TReminderRunInput } from '../domain/campaign-contract';

export const HOUSEKEEPING_SCHEDULE_ID = 'seva-housekeeping';
export const REMINDER_SCHEDULE_ID = 'seva-disconnection-reminders';

/**
 * Creates Seva's schedules if they are missing, and brings an existing one up to date (task queue,
 * retention): safe to call at every start. Visible in the Temporal UI under Schedules.
 */
export async function ensureSchedules(
  client: Client,
  config: Pick<Config, 'temporal' | 'channels' | 'campaigns' | 'profile'>,
): Promise<void> {
  await ensureSchedule(
    client,
    HOUSEKEEPING_SCHEDULE_ID,
    { intervals: [{ every: '1 hour' }] },
    {
      type: 'startWorkflow' as const,
      workflowType: 'housekeepingWorkflow',
      workflowId: 'housekeeping',
      taskQueue: config.temporal.taskQueue,
      args: [{ retentionDays: config.channels.messageRetentionDays }],
    },
  );
  // Disconnection reminders: daily at REMINDER time in the utility's zone (#14).
  const [hour, minute] = config.campaigns.reminderAt.split(':').map(Number) as [number, number];
  const reminders: TReminderRunInput = {
    offsetsDays: config.campaigns.reminderOffsetsDays,
    utcOffsetMinutes: config.profile.utcOffsetMinutes,
    settings: campaignSettingsOf(config.campaigns),
  };
  await ensureSchedule(
    client,
    REMINDER_SCHEDULE_ID,
    { calendars: [{ hour, minute }], timezone: config.profile.timeZone },
    {
      type: 'startWorkflow' as const,
      workflowType: 'disconnectionRemindersWorkflow',
      workflowId: 'disconnection-reminders',
      taskQueue: config.temporal.taskQueue,
      args: [reminders],
    },
  );
}

/** One schedule: created when missing, its spec and action brought up to date when it exists. */
async function ensureSchedule(
  client: Client,
  scheduleId: string,
  spec: ScheduleSpec,
  action: ScheduleOptionsStartWorkflowAction<Workflow>,
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}
