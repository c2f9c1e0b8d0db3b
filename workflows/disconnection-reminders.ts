import { continueAsNew, log, workflowInfo } from '@temporalio/workflow';
import type { TReminderRunInput, TReminderRunResult } from '../domain/campaign-contract';
import { campaignActs as acts, dispatchRound, waitForDue } from './campaign-rounds';

const ROUNDS_PER_RUN = 200;

/** The day in the utility's zone, `YYYY-MM-DD`. */
const localDay = (at: number, offsetMinutes: number) =>
  new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 10);

/**
 * Run daily by the `seva-disconnection-reminders` schedule: plans the day's reminders (each
 * consumer, disconnection date and offset once, however often it runs) and sends them on the
 * campaign machinery — a voice call first, the chain after it; one whose bill is paid by then is
 * cancelled instead. `today` fixes the day (tests, a rerun of a missed day).
 */
export async function disconnectionRemindersWorkflow(
  input: TReminderRunInput & { carried?: TReminderRunResult },
): Promise<TReminderRunResult> {
  const today = input.today ?? localDay(Date.now(), input.utcOffsetMinutes);
  const result: TReminderRunResult = input.carried ?? { today, planned: [], sent: 0 };
  if (!input.carried) {
    const planned = await acts.planDisconnectionReminders({
      today,
      offsetsDays: input.offsetsDays,
      utcOffsetMinutes: input.utcOffsetMinutes,
    });
    result.planned = planned.map((p) => ({ stage: `${p.campaignId}/${p.stage}`, consumers: p.consumers }));
  }
  const campaignIds = await acts.openReminderCampaigns();
  for (let round = 1; campaignIds.length; round++) {
    const rounds = await Promise.all(campaignIds.map((id) => dispatchRound(id, input.settings)));
    result.sent += rounds.reduce((n, r) => n + r.sent, 0);
    const left = rounds.filter((r) => r.more || r.open > 0);
    if (left.length === 0) break;
    const nextAt = left
      .map((r) => r.nextAt)
      .filter((v): v is string => v !== undefined)
      .sort()[0];
    await waitForDue({ sent: 0, open: 1, more: left.some((r) => r.more), nextAt }, () => false);
    if (round >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested)
      return continueAsNew<typeof disconnectionRemindersWorkflow>({ ...input, today, carried: result });
  }
  log.info('disconnection reminders done', { today, planned: result.planned.length, sent: result.sent });
  return result;
}
