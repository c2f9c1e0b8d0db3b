import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createPingActivities } from '../activities/ping';
import type { TPingResult, TPingWorkflowInput } from '../domain/ping';
import { SA } from '../domain/search-attributes';

const { lookupConsumer, recordPing } = proxyActivities<ReturnType<typeof createPingActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/** API → Temporal → worker → activities → Postgres, end to end; the consumer's PII rides in payloads. */
export async function pingWorkflow(input: TPingWorkflowInput): Promise<TPingResult> {
  const consumer = await lookupConsumer({ consumerNumber: input.consumerNumber });
  upsertSearchAttributes([
    { key: SA.OfficeId, value: consumer.sectionOfficeId },
    { key: SA.RequestStatus, value: 'completed' },
  ]);
  const { workflowId } = workflowInfo();
  const { recordedAt } = await recordPing({
    workflowId,
    consumerNumber: consumer.consumerNumber,
    channel: input.channel,
    requestedBy: input.requestedBy,
  });
  return {
    pingId: workflowId,
    consumerNumber: consumer.consumerNumber,
    consumerName: consumer.name,
    phone: consumer.phone,
    officeId: consumer.sectionOfficeId,
    message: input.message,
    echo: `Namaskaram ${consumer.name}: ${input.message}`,
    recordedAt,
  };
}
