import type { WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { UseCaseDeps } from '../../use-cases/deps';
import type { TServiceRequestInput } from '../../domain/service-request';

/**
 * What the request was submitted with — the eForm and the snapshot of its type — read from the
 * run's start event (the workflow's input, decrypted by the client's own payload codec): the one
 * record of the eForm as the consumer filled it in. Undefined when the history cannot be read.
 */
export async function submittedInput(
  deps: Pick<UseCaseDeps, 'temporal'>,
  handle: WorkflowHandle,
): Promise<TServiceRequestInput | undefined> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.input?.payloads) return undefined;
  return decodeFromPayloadsAtIndex<TServiceRequestInput>(
    deps.temporal.options.loadedDataConverter,
    0,
    started.input.payloads,
  );
}
