import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { consumers, notifications } from '../db/schema';

export type TNotifyInput = {
  /** idempotency key: workflow id + step; the same key is delivered once */
  key: string;
  to: { consumerNumber: string } | { officeId: string; role: string };
  template: string;
  params: Record<string, string>;
};

/**
 * Where notices go. The notifications issue puts SMS, WhatsApp, e-mail, voice and post behind
 * this; until then the recording notifier stores each notice with the channel and language it
 * would use.
 */
export type Notifier = {
  send: (notice: TNotifyInput & { channel: string; language: string }) => Promise<void>;
};

export function createRecordingNotifier(db: Database): Notifier {
  return {
    async send(notice) {
      await db
        .insert(notifications)
        .values({
          key: notice.key,
          consumerNumber: 'consumerNumber' in notice.to ? notice.to.consumerNumber : null,
          officeId: 'officeId' in notice.to ? notice.to.officeId : null,
          role: 'role' in notice.to ? notice.to.role : null,
          channel: notice.channel,
          language: notice.language,
          template: notice.template,
          params: notice.params,
          status: 'recorded',
        })
        .onConflictDoNothing({ target: notifications.key });
    },
  };
}

export type NotificationActivityDeps = { db: Database; notifier: Notifier };

export function createNotificationActivities({ db, notifier }: NotificationActivityDeps) {
  return {
    /** One notice to a consumer (their preferred channel and language) or to an office role's staff inbox. */
    async notify(input: TNotifyInput): Promise<void> {
      if ('consumerNumber' in input.to) {
        const [c] = await db
          .select({ channel: consumers.preferredChannel, language: consumers.language })
          .from(consumers)
          .where(eq(consumers.consumerNumber, input.to.consumerNumber));
        await notifier.send({ ...input, channel: c?.channel ?? 'sms', language: c?.language ?? 'en' });
        return;
      }
      await notifier.send({ ...input, channel: 'staff-inbox', language: 'en' });
    },
  };
}
