import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { openComplaints } from '../db/schema';

export function createComplaintActivities({ db }: { db: Database }) {
  return {
    /** Frees the consumer's slot for this complaint type (only if this complaint still holds it). */
    async releaseComplaintSlot(input: { consumerNumber: string; typeCode: string; requestNumber: string }) {
      await db
        .delete(openComplaints)
        .where(
          and(
            eq(openComplaints.consumerNumber, input.consumerNumber),
            eq(openComplaints.typeCode, input.typeCode),
            eq(openComplaints.requestNumber, input.requestNumber),
          ),
        );
    },
  };
}
