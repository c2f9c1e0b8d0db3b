import { ParentClosePolicy, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { noticeWorkflowId, type TNoticeInput } from '../domain/notices';
import type { noticeWorkflow } from './notice';

/**
 * Sends a notice as its own workflow (send, await the receipt, fall back), abandoned by the
 * caller so a closing request never cuts a notice short. The notice key is its id: sending the
 * same key twice is harmless.
 */
export function startNotice(notice: TNoticeInput): Promise<unknown> {
  // By name, so the notice workflow itself can start notices (one per person) without a cycle.
  return startChild<typeof noticeWorkflow>('noticeWorkflow', {
    workflowId: noticeWorkflowId(notice.key),
    args: [notice],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  }).catch((error: unknown) => {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  });
}
