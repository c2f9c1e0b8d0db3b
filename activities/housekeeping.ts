import { and, eq, lt, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { channelMessages, channelSessions } from '../db/schema';

const HOUR = 3_600_000;

export function createHousekeepingActivities({ db, now }: { db: Database; now: () => Date }) {
  return {
    /**
     * Forgets inbound channel messages once a provider can no longer re-deliver them (their ids
     * only guard against re-delivery), a claim left `processing` by a crashed handler, and
     * WhatsApp conversations idle for a day. Complaints themselves are kept elsewhere.
     */
    async pruneChannelRecords({ retentionDays }: { retentionDays: number }) {
      const t = now().getTime();
      const messages = await db
        .delete(channelMessages)
        .where(
          or(
            lt(channelMessages.receivedAt, new Date(t - retentionDays * 24 * HOUR)),
            and(eq(channelMessages.status, 'processing'), lt(channelMessages.receivedAt, new Date(t - HOUR))),
          ),
        )
        .returning({ id: channelMessages.messageId });
      const sessions = await db
        .delete(channelSessions)
        .where(lt(channelSessions.updatedAt, new Date(t - 24 * HOUR)))
        .returning({ address: channelSessions.address });
      return { messages: messages.length, sessions: sessions.length };
    },
  };
}
