import {
  ActivityFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createNotificationActivities } from '../activities/notifications';
import {
  deliveryReceiptSignal,
  noticeStatusQuery,
  type TDeliveryReceipt,
  type TNoticeInput,
  type TNoticeOutcome,
} from '../domain/notices';
import { startNotice } from './start-notice';

type Acts = ReturnType<typeof createNotificationActivities>;

type Bookkeeping = Pick<Acts, 'planNotice' | 'staffRecipients' | 'markAttempt' | 'finishNotice'>;
const retry = { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 } as const;
const remote = proxyActivities<Acts>({ startToCloseTimeout: '30 seconds', retry });
// The notice's own bookkeeping (its plan, its attempts, its end: a few rows in PostgreSQL) runs
// as local activities, in the workflow task that needs it: no task of its own on the server, no
// extra workflow task to take its result. Only the send, which talks to a provider, stays remote.
const local = proxyLocalActivities<Bookkeeping>({ startToCloseTimeout: '10 seconds', retry });
// A provider failure is retried a few times, then the next channel is tried; a refusal
// (bad number, bad address) goes to the next channel at once.
const sender = proxyActivities<Pick<Acts, 'sendOnChannel'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['SendRefused'],
  },
});

/**
 * One notice, durable: send on the first channel of the plan, wait for the provider's delivery
 * receipt (a signal from the webhook) up to a timeout, and fall back along the chain. Every
 * attempt is recorded; a retried activity never sends twice (the attempt id is the provider's
 * idempotency key); a receipt that arrives late is kept and stops the chain.
 */
export async function noticeWorkflow(input: TNoticeInput): Promise<TNoticeOutcome> {
  const receipts = new Map<number, TDeliveryReceipt>();
  const outcome: TNoticeOutcome = { status: 'undelivered', attempts: [] };
  setHandler(deliveryReceiptSignal, (receipt) => {
    receipts.set(receipt.attempt, receipt);
  });
  setHandler(noticeStatusQuery, () => outcome);
  // Runs begun before the bookkeeping went local replay with remote activities.
  const acts: Bookkeeping = patched('notice-local-activities') ? local : remote;

  const plan = await acts.planNotice(input);
  if (plan.notBefore) await sleep(Math.max(0, new Date(plan.notBefore).getTime() - Date.now()));

  // "The executive of sec-pattom": besides the inboxes, each person it reaches (whoever is on
  // call, else all of them) gets the notice on their own channels, as a notice of their own.
  if ('officeId' in input.to && patched('staff-notice-per-person')) {
    const people = await acts.staffRecipients({ officeId: input.to.officeId, role: input.to.role });
    for (const subject of people) {
      const personal: TNoticeInput = {
        ...input,
        key: `${input.key}/${subject}`,
        to: { staffSubject: subject },
      };
      await startNotice(personal);
    }
  }

  const deliveredAttempt = () => [...receipts.values()].find((r) => r.status === 'delivered')?.attempt;
  const finish = async (attempt: number) => {
    outcome.status = 'delivered';
    outcome.channel = plan.chain[attempt - 1];
    await acts.finishNotice({ key: input.key, status: 'delivered', channel: outcome.channel });
    return outcome;
  };

  for (const [index, channel] of plan.chain.entries()) {
    const attempt = index + 1;
    let sent: { delivered: boolean };
    try {
      sent = await sender.sendOnChannel({ notice: input, attempt, channel, language: plan.language });
    } catch (error) {
      const detail =
        error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error);
      outcome.attempts.push({ attempt, channel, outcome: 'failed' });
      await acts.markAttempt({ key: input.key, attempt, channel, status: 'failed', detail });
      continue;
    }
    if (sent.delivered) {
      outcome.attempts.push({ attempt, channel, outcome: 'delivered' });
      return finish(attempt);
    }
    const answered = await condition(
      () => receipts.has(attempt) || deliveredAttempt() !== undefined,
      plan.receiptTimeoutMs,
    );
    const late = deliveredAttempt();
    if (late !== undefined) {
      outcome.attempts.push({ attempt, channel, outcome: late === attempt ? 'delivered' : 'superseded' });
      return finish(late);
    }
    outcome.attempts.push({ attempt, channel, outcome: answered ? 'failed' : 'timed-out' });
    if (!answered) await acts.markAttempt({ key: input.key, attempt, channel, status: 'timed-out' });
  }
  await acts.finishNotice({ key: input.key, status: 'undelivered' });
  return outcome;
}
