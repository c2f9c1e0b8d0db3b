import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { consumers, pings } from '../db/schema';
import { FailureType } from '../domain/failures';

export type PingActivityDeps = { db: Database; now: () => Date };

export type TLookupConsumerInput = { consumerNumber: string };
export type TConsumerSummary = {
  consumerNumber: string;
  name: string;
  phone: string;
  sectionOfficeId: string;
};
export type TRecordPingInput = {
  workflowId: string;
  consumerNumber: string;
  channel: string;
  requestedBy: string;
};

export function createPingActivities({ db, now }: PingActivityDeps) {
  return {
    async lookupConsumer({ consumerNumber }: TLookupConsumerInput): Promise<TConsumerSummary> {
      const [row] = await db
        .select({
          consumerNumber: consumers.consumerNumber,
          name: consumers.name,
          phone: consumers.phone,
          sectionOfficeId: consumers.sectionOfficeId,
        })
        .from(consumers)
        .where(eq(consumers.consumerNumber, consumerNumber));
      if (!row) {
        throw ApplicationFailure.create({
          type: FailureType.ConsumerNotFound,
          message: `no consumer ${consumerNumber}`,
          nonRetryable: true,
        });
      }
      return row;
    },

    /** Keyed by workflow id: a retried activity finds its own row and returns the first timestamp. */
    async recordPing(input: TRecordPingInput): Promise<{ recordedAt: string }> {
      await db
        .insert(pings)
        .values({ ...input, recordedAt: now() })
        .onConflictDoNothing({ target: pings.workflowId });
      const [row] = await db
        .select({ recordedAt: pings.recordedAt })
        .from(pings)
        .where(eq(pings.workflowId, input.workflowId));
      return { recordedAt: row!.recordedAt.toISOString() };
    },
  };
}
