import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createBulkPaymentActivities } from '../activities/bulk-payments';
import {
  approveBulkPaymentUpdate,
  BULK_APPROVER_ROLES,
  bulkPaymentStatusQuery,
  type TApproveBulkPayment,
  type TBulkPaymentInput,
  type TBulkPaymentState,
  type TBulkReport,
} from '../domain/bulk-payments';
import { FailureType } from '../domain/failures';

const { reconcileBulkPayment, postBulkPaymentLines, sendBulkPaymentNotices, finishBulkPayment } =
  proxyActivities<ReturnType<typeof createBulkPaymentActivities>>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  });

/**
 * One upload of a corporate's payer list with its bank statement (id `bulk-payment/<statement
 * ref>/<list ref>`): reconcile, wait for a second person's approval, post in batches, tell each
 * consumer. All state that matters is in PostgreSQL, written by idempotent activities, so a
 * restarted worker or a replayed history repeats nothing.
 */
export async function bulkPaymentWorkflow(input: TBulkPaymentInput): Promise<TBulkReport> {
  const state: TBulkPaymentState = { status: 'reconciling' };
  setHandler(bulkPaymentStatusQuery, () => state);
  setHandler(
    approveBulkPaymentUpdate,
    ({ actor }) => {
      // A retried or second approval changes nothing: the first approver stands.
      if (!state.approvedBy) {
        state.approvedBy = actor.subject;
        state.approvedAt = new Date().toISOString();
        state.status = 'posting';
      }
      return state;
    },
    {
      validator: ({ actor }: TApproveBulkPayment) => {
        if (!(BULK_APPROVER_ROLES as readonly string[]).includes(actor.role))
          throw ApplicationFailure.create({
            type: FailureType.Forbidden,
            message: `a bulk payment is approved by a ${BULK_APPROVER_ROLES.join(' or ')}, not a ${actor.role}`,
            nonRetryable: true,
          });
        if (actor.subject === input.uploadedBy)
          throw ApplicationFailure.create({
            type: FailureType.Forbidden,
            message: 'four eyes: the person who uploaded a bulk payment may not approve it',
            nonRetryable: true,
          });
        if (state.status === 'reconciling')
          throw ApplicationFailure.create({
            type: FailureType.Conflict,
            message: 'the bulk payment is still being reconciled; approve it when it awaits approval',
            nonRetryable: true,
          });
      },
    },
  );

  state.report = await reconcileBulkPayment({ batchId: input.batchId });
  if (!state.approvedBy) state.status = 'awaiting-approval';
  await condition(() => state.approvedBy !== undefined);
  state.status = 'posting';
  let afterLineNo = 0;
  for (;;) {
    const batch = await postBulkPaymentLines({
      batchId: input.batchId,
      afterLineNo,
      limit: input.batchSize,
      approvedBy: state.approvedBy!,
      approvedAt: state.approvedAt!,
    });
    await sendBulkPaymentNotices({ batchId: input.batchId, afterLineNo, limit: input.batchSize });
    afterLineNo = batch.lastLineNo;
    if (batch.done) break;
  }
  state.report = await finishBulkPayment({ batchId: input.batchId });
  state.status = 'posted';
  return state.report;
}
