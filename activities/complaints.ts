import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { readConsumerSupply } from '../db/account';
import { complaints, openComplaints, outages } from '../db/schema';
import { ApplicationFailure } from '@temporalio/common';
import type { TChannelReply, TComplaintState } from '../domain/complaint';
import { PermanentSendError, type NoticeProviders } from '../lib/notice-providers';

export function createComplaintActivities({
  db,
  now,
  providers,
}: {
  db: Database;
  now: () => Date;
  providers: NoticeProviders;
}) {
  return {
    /**
     * The channel's written answer to the report that started a complaint (its number, due time or
     * outage ETR). The reference is the inbound message's: a retry, or a re-delivery that sends it
     * too, reaches the consumer once. A provider's refusal of the address is final.
     */
    async sendChannelReply(reply: TChannelReply) {
      try {
        await providers[reply.channel].send(reply);
      } catch (error) {
        if (error instanceof PermanentSendError)
          throw ApplicationFailure.create({
            type: 'ReplyRefused',
            message: error.message,
            nonRetryable: true,
          });
        throw error;
      }
    },

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

    /** The read model row for the work queue; an older write never overwrites a newer one. */
    async saveComplaint({ state }: { state: TComplaintState }) {
      const date = (v: string | undefined) => (v ? new Date(v) : null);
      const linked = state.outage && !state.outage.unlinkedAt ? state.outage.id : null;
      const row = {
        requestNumber: state.requestNumber,
        typeCode: state.typeCode,
        priority: state.priority,
        consumerNumber: state.consumerNumber,
        officeId: state.officeId,
        status: state.status,
        dueAt: state.status === 'open' || state.status === 'assigned' ? new Date(state.dueAt) : null,
        escalationLevel: state.escalationLevel,
        escalationOfficeId: state.escalationOfficeId ?? null,
        outageId: linked,
        crew: state.crew ?? null,
        reopenCount: state.reopenCount,
        reports: state.reports.length,
        channel: state.channel ?? state.reports[0]?.channel ?? 'web',
        submittedAt: new Date(state.submittedAt ?? state.timeline[0]!.at),
        acknowledgedAt: date(state.emergency?.acknowledgedAt),
        resolvedAt: date(state.resolvedAt),
        closedAt: date(state.closedAt),
        breached: state.breached,
        state,
        version: state.timeline.length,
        updatedAt: now(),
      };
      const { requestNumber, typeCode, consumerNumber, submittedAt, ...changing } = row; // fixed at intake
      void [requestNumber, typeCode, consumerNumber, submittedAt];
      await db
        .insert(complaints)
        .values(row)
        .onConflictDoUpdate({
          target: complaints.requestNumber,
          set: changing,
          setWhere: sql`${complaints.version} <= excluded.version`,
        });
    },

    /** Where an emergency is: what the person sent to it needs to find it (read once per emergency). */
    async emergencySite({ consumerNumber }: { consumerNumber: string }) {
      const row = await readConsumerSupply(db, consumerNumber);
      return row
        ? {
            consumer: `${row.name}, ${consumerNumber}`,
            address: row.address,
            supply: `transformer ${row.transformer} (${row.transformerId}), feeder ${row.feeder} (${row.feederId})`,
          }
        : { consumer: consumerNumber, address: `consumer ${consumerNumber}`, supply: 'supply not on record' };
    },

    /** Where an outage stands now: a linked complaint checks once, in case it was restored before it started. */
    async outageState({ outageId }: { outageId: string }) {
      const [row] = await db
        .select({ etr: outages.etr, restoredAt: outages.restoredAt, status: outages.status })
        .from(outages)
        .where(eq(outages.id, outageId));
      return {
        etr: row?.etr.toISOString() ?? '',
        // A cancelled (or vanished) outage no longer explains the consumer's trouble: treat it as over.
        restoredAt:
          row?.restoredAt?.toISOString() ??
          (row && row.status !== 'cancelled' ? undefined : now().toISOString()),
      };
    },
  };
}
