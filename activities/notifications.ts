import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { localMinutes, toMinutes, withinDailyWindow } from '../domain/calendar';
import { installedProfile } from '../domain/utility-profile';
import { consumers, notificationAttempts, notifications, offices } from '../db/schema';
import { activeStaffMember, deliverToInbox, rosterOf, staffFor } from '../db/staff';
import { onCallNow } from '../domain/staff';
import {
  isLanguage,
  isTemplateId,
  NOTICE_TEMPLATES,
  renderNotice,
  smsLength,
  type TLanguage,
  type TNoticeTemplate,
} from '../domain/notice-templates';
import {
  noticeWorkflowId,
  officesNamed,
  withOfficeNames,
  type TNoticeInput,
  type TNoticePlan,
} from '../domain/notices';
import {
  PermanentSendError,
  type ChannelProvider,
  type NoticeProviders,
  type TOutgoing,
  type TSendOptions,
  type TSent,
} from '../lib/notice-providers';

export type TNotifyInput = TNoticeInput;

export type NotificationActivityDeps = {
  db: Database;
  now: () => Date;
  providers: NoticeProviders;
  notices: Config['notices'];
  /** starts notice workflows for runs that still call the `notify` activity */
  temporal: Client;
  taskQueue: string;
};

const mask = (channel: string, to: string) =>
  channel === 'email'
    ? to.replace(/^(.).*(@.*)$/, '$1***$2')
    : channel === 'post'
      ? 'postal address'
      : to.replace(/.(?=.{4})/g, (ch, i: number) => (i < 3 ? ch : '*'));

/** A consumer's address on a channel: e-mail, the letter's name and address, else the phone. */
const consumerAddress = (
  channel: string,
  contact: { phone: string | null; email: string | null; address: string | null; name: string } | undefined,
) =>
  channel === 'email'
    ? contact?.email
    : channel === 'post'
      ? contact && `${contact.name}, ${contact.address}`
      : contact?.phone;

/** An SMS attempt's note: its encoding and segments. */
function smsDetail(channel: string, body: string) {
  const sms = channel === 'sms' ? smsLength(body) : undefined;
  return sms && `${sms.encoding}, ${sms.segments} segment${sms.segments > 1 ? 's' : ''}`;
}

/** The end of the quiet window (local time at the profile's offset) containing `now`, or undefined outside it. */
export function quietUntil(
  now: Date,
  window: string,
  utcOffsetMinutes = installedProfile().utcOffsetMinutes,
): Date | undefined {
  const [start, end] = window.split('-').map(toMinutes) as [number, number];
  const minute = localMinutes(now, utcOffsetMinutes);
  if (!withinDailyWindow(minute, start, end)) return undefined;
  const wait = (end - minute + 1440) % 1440;
  return new Date(now.getTime() + wait * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds());
}

export type TConsumerContact = {
  phone: string | null;
  email: string | null;
  address: string | null;
  preferredChannel: string;
  optOuts: string[];
};

/**
 * The channels a consumer notice is tried on: their preferred channel first, then the fallback
 * chain, without channels they have no address for or opted out of (mandatory notices ignore
 * opt-outs); a mandatory notice always has somewhere to go, the letter.
 */
export function consumerChain(
  contact: TConsumerContact | undefined,
  template: TNoticeTemplate,
  fallback: readonly string[],
): string[] {
  const has = (channel: string) =>
    channel === 'email'
      ? Boolean(contact?.email)
      : channel === 'post'
        ? Boolean(contact?.address)
        : Boolean(contact?.phone);
  const optedOut = new Set(template.mandatory ? [] : (contact?.optOuts ?? []));
  const preferred = contact?.preferredChannel ?? fallback[0]!;
  const chain = [preferred, ...fallback.filter((c) => c !== preferred)].filter(
    (c) => has(c) && !optedOut.has(c),
  );
  return chain.length === 0 && template.mandatory && has('post') ? ['post'] : chain;
}

/** The names of the offices a notice names, by id (one read; none when it names none). */
async function officeNames(db: Database, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...ids];
  if (list.length === 0) return new Map();
  const rows = await db
    .select({ id: offices.id, name: offices.name })
    .from(offices)
    .where(inArray(offices.id, list));
  return new Map(rows.map((o) => [o.id, o.name] as const));
}

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const { db, now } = deps;

  const contactOf = async (consumerNumber: string) => {
    const [row] = await db
      .select({
        phone: consumers.phone,
        email: consumers.email,
        address: consumers.address,
        name: consumers.name,
        language: consumers.language,
        preferredChannel: consumers.preferredChannel,
        optOuts: consumers.optOuts,
        sectionOfficeId: consumers.sectionOfficeId,
      })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    return row;
  };

  return {
    /**
     * Starts the notice workflow for a notice (idempotent: the workflow id is derived from the
     * notice key). Runs recorded before notices became child workflows still call this.
     */
    async notify(input: TNotifyInput): Promise<void> {
      try {
        await deps.temporal.workflow.start('noticeWorkflow', {
          workflowId: noticeWorkflowId(input.key),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    /**
     * Decides how a notice travels: the recipient's preferred channel first, then the fallback
     * chain, without channels they have no address for or opted out of (mandatory notices ignore
     * opt-outs); non-urgent notices wait for the end of quiet hours. Records the notice once.
     */
    async planNotice(input: TNoticeInput): Promise<TNoticePlan> {
      if (!isTemplateId(input.template)) {
        throw ApplicationFailure.nonRetryable(
          `unknown notice template "${input.template}"`,
          'UnknownTemplate',
        );
      }
      const template = NOTICE_TEMPLATES[input.template];
      let chain: string[];
      let language: TLanguage = 'en';
      let consumerOfficeId: string | null = null;
      if ('consumerNumber' in input.to) {
        const contact = await contactOf(input.to.consumerNumber);
        consumerOfficeId = contact?.sectionOfficeId ?? null;
        if (contact && isLanguage(contact.language)) language = contact.language;
        chain = consumerChain(contact, template, deps.notices.chain);
      } else if ('staffSubject' in input.to) {
        // One person of the directory: their preferred channel first, then the rest of the chain
        // they can be reached on (no letters to staff).
        const person = await activeStaffMember(db, input.to.staffSubject);
        if (person && isLanguage(person.language)) language = person.language;
        const has = (channel: string) =>
          channel === 'email' ? Boolean(person?.email) : channel !== 'post' && Boolean(person?.phone);
        const preferred = person?.preferredChannel ?? deps.notices.chain[0]!;
        chain = person ? [preferred, ...deps.notices.chain.filter((c) => c !== preferred)].filter(has) : [];
      } else {
        chain = ['staff-inbox'];
      }
      const notBefore = template.urgent
        ? undefined
        : quietUntil(now(), deps.notices.quietHours, deps.notices.utcOffsetMinutes);
      await db
        .insert(notifications)
        .values({
          key: input.key,
          consumerNumber: 'consumerNumber' in input.to ? input.to.consumerNumber : null,
          officeId: 'officeId' in input.to ? input.to.officeId : null,
          role: 'role' in input.to ? input.to.role : null,
          channel: chain[0] ?? 'none',
          language,
          template: input.template,
          params: input.params,
          chain,
          status: chain.length ? 'pending' : 'undeliverable',
          consumerOfficeId,
        })
        .onConflictDoNothing({ target: notifications.key });
      return {
        chain,
        language,
        notBefore: notBefore?.toISOString(),
        receiptTimeoutMs: deps.notices.receiptTimeoutMs,
      };
    },

    /**
     * The people a notice to "the <role> of <office>" reaches on their own channels: whoever of
     * them is on call now by the office's roster, or — with nobody of that role on call — every
     * active one.
     */
    async staffRecipients(input: { officeId: string; role: string }): Promise<string[]> {
      // Nobody of the role in the office: whoever has it in the nearest office above.
      const found = await staffFor(db, input.officeId, input.role);
      const people = found.people.map((p) => p.subject);
      const onDuty = onCallNow(
        (await rosterOf(db, found.officeId))
          .filter((r) => r.member.active && r.member.role === input.role)
          .map((r) => ({ ...r.shift, subject: r.member.subject })),
        now(),
        deps.notices.utcOffsetMinutes,
      ).map((s) => s.subject);
      const onCall = people.filter((p) => onDuty.includes(p));
      return onCall.length > 0 ? onCall : people;
    },

    /**
     * One attempt on one channel. The attempt id (notice key + attempt number) is the provider's
     * idempotency key, and an attempt already recorded as sent is returned, not sent again.
     */
    async sendOnChannel(
      input: {
        notice: TNoticeInput;
        attempt: number;
        channel: string;
        language: TLanguage;
        /** the consumer's contact, when the caller has read it already (a campaign's batch) */
        contact?: { phone: string | null; email: string | null; address: string | null; name: string };
      },
      /**
       * How long the send may wait for its channel's rate limit (a campaign's batch passes its own).
       * Default: half the activity's start-to-close timeout, so that a full channel fails this
       * attempt (RateLimitedError, retried as any failure) before Temporal gives up on it.
       */
      send?: TSendOptions,
    ): Promise<{ providerMessageId: string; delivered: boolean }> {
      const id = `${input.notice.key}#${input.attempt}`;
      const [done] = await db.select().from(notificationAttempts).where(eq(notificationAttempts.id, id));
      if (done?.providerMessageId)
        return { providerMessageId: done.providerMessageId, delivered: done.status === 'delivered' };

      const recordSent = (
        values: Pick<
          typeof notificationAttempts.$inferInsert,
          'channel' | 'recipient' | 'provider' | 'providerMessageId' | 'status' | 'detail'
        >,
      ) =>
        db
          .insert(notificationAttempts)
          .values({ id, key: input.notice.key, attempt: input.attempt, ...values })
          .onConflictDoNothing();
      // Offices named in the notice are shown by name.
      const names = await officeNames(db, officesNamed(input.notice.params));
      const params = withOfficeNames(input.notice.params, names);
      const rendered = renderNotice(input.notice.template as never, input.language, params);
      if (input.channel === 'staff-inbox') {
        // Each active member of the office in that role gets the notice in their own language.
        const to = input.notice.to;
        const found = 'officeId' in to ? await staffFor(db, to.officeId, to.role) : undefined;
        const people = found?.people ?? [];
        // Nobody in the directory for it up the chain: the notice is not delivered, and says why.
        if (people.length === 0)
          throw ApplicationFailure.nonRetryable(
            'officeId' in to
              ? `no active ${to.role} in the staff directory for ${to.officeId} or any office above it`
              : 'no staff recipient',
            'SendRefused',
          );
        const urgent = isTemplateId(input.notice.template) && NOTICE_TEMPLATES[input.notice.template].urgent;
        for (const person of people) {
          const text = renderNotice(
            input.notice.template as never,
            isLanguage(person.language) ? person.language : input.language,
            params,
          );
          await deliverToInbox(db, {
            subject: person.subject,
            noticeKey: input.notice.key,
            template: input.notice.template,
            title: text.subject,
            body: text.body,
            urgent,
          });
        }
        await recordSent({
          channel: 'staff-inbox',
          recipient: 'officeId' in to ? `${to.role}@${to.officeId}` : 'staff',
          provider: 'staff-inbox',
          providerMessageId: id,
          status: 'delivered',
          detail: `in ${people.length} inbox${people.length === 1 ? '' : 'es'}${
            found && 'officeId' in to && found.officeId !== to.officeId
              ? ` of ${found.officeId}: nobody is ${to.role} of ${to.officeId}`
              : ''
          }`,
        });
        return { providerMessageId: id, delivered: true };
      }
      let to: string | null | undefined;
      if ('staffSubject' in input.notice.to) {
        const person = await activeStaffMember(db, input.notice.to.staffSubject);
        to = input.channel === 'email' ? person?.email : input.channel === 'post' ? undefined : person?.phone;
      } else if ('consumerNumber' in input.notice.to) {
        to = consumerAddress(
          input.channel,
          input.contact ?? (await contactOf(input.notice.to.consumerNumber)),
        );
      } else throw ApplicationFailure.nonRetryable('no recipient', 'SendRefused');
      if (!to) throw ApplicationFailure.nonRetryable(`no ${input.channel} address on record`, 'SendRefused');
      const provider = deps.providers[input.channel as keyof NoticeProviders];
      if (!provider) throw ApplicationFailure.nonRetryable(`no provider for ${input.channel}`, 'SendRefused');
      const { log, info } = Context.current();
      const sendOptions = send ?? { until: Date.now() + Math.max(1000, info.startToCloseTimeoutMs / 2) };
      try {
        const sent = await provider.send(
          {
            channel: input.channel,
            to,
            subject: rendered.subject,
            // A voice call reads the subject out before the message.
            text: input.channel === 'voice' ? `${rendered.subject}. ${rendered.body}` : rendered.body,
            language: input.language,
            reference: id,
            consumerNumber: 'consumerNumber' in input.notice.to ? input.notice.to.consumerNumber : undefined,
          },
          sendOptions,
        );
        await recordSent({
          channel: input.channel,
          recipient: mask(input.channel, to),
          provider: sent.provider,
          providerMessageId: sent.providerMessageId,
          status: sent.delivered ? 'delivered' : 'sent',
          detail: smsDetail(input.channel, rendered.body),
        });
        log.info('notice sent', { key: input.notice.key, attempt: input.attempt, channel: input.channel });
        return { providerMessageId: sent.providerMessageId, delivered: sent.delivered };
      } catch (error) {
        if (error instanceof PermanentSendError)
          throw ApplicationFailure.nonRetryable(error.message, 'SendRefused');
        throw error;
      }
    },

    /** Records an attempt's end (failed, timed out); a receipt that already said "delivered" stands. */
    async markAttempt(input: {
      key: string;
      attempt: number;
      channel: string;
      status: string;
      detail?: string;
    }) {
      const id = `${input.key}#${input.attempt}`;
      await db
        .insert(notificationAttempts)
        .values({
          id,
          key: input.key,
          attempt: input.attempt,
          channel: input.channel,
          recipient: '-',
          provider: '-',
          status: input.status,
          detail: input.detail?.slice(0, 500),
        })
        .onConflictDoUpdate({
          target: notificationAttempts.id,
          // a mark without words (timed-out) keeps what the send wrote (the SMS's encoding and segments)
          set: {
            status: input.status,
            ...(input.detail !== undefined ? { detail: input.detail.slice(0, 500) } : {}),
            updatedAt: now(),
          },
          setWhere: sql`${notificationAttempts.status} <> 'delivered'`,
        });
    },

    async finishNotice(input: { key: string; status: 'delivered' | 'undelivered'; channel?: string }) {
      await db
        .update(notifications)
        .set({ status: input.status, ...(input.channel ? { channel: input.channel } : {}), updatedAt: now() })
        .where(and(eq(notifications.key, input.key)));
    },
  };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

/** One message of a batch: a consumer notice's attempt on one channel, with the contact already read. */
export type TBatchMessage = {
  notice: TNoticeInput;
  attempt: number;
  channel: string;
  language: TLanguage;
  contact?: { phone: string | null; email: string | null; address: string | null; name: string };
};
/**
 * What became of it: sent (or found sent before), or why not — as sendOnChannel would have thrown;
 * a RateLimitedError (lib/notice-rate-limits.ts) means it was not sent: its channel had no room
 * before the batch's deadline.
 */
export type TBatchOutcome =
  { ok: true; providerMessageId: string; delivered: boolean } | { ok: false; error: unknown };

/** Rows as one JSON parameter (`jsonb_to_recordset`): a multi-row statement costs one bind, not one per value. */
export const jsonRows = (rows: readonly unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

/**
 * The batch path of `sendOnChannel` (a campaign's dispatch): the same attempt ids, idempotency
 * keys, records and refusals, at a few statements per batch instead of three per message — one
 * read of the attempts already made (those are answered, not sent again), one read of the office
 * names, a rendering per distinct (template, language, parameters), each provider's `sendMany`
 * (a bulk request) where it has one and single sends in the pool where not, and one multi-row
 * insert of the attempts made. Staff notices, and messages without a contact, go through
 * `sendOnChannel` itself.
 */
export function createNoticeBatchSender(
  deps: NotificationActivityDeps,
  notices: Pick<ReturnType<typeof createNotificationActivities>, 'sendOnChannel'>,
) {
  const { db } = deps;
  const refused = (message: string) => ApplicationFailure.nonRetryable(message, 'SendRefused');
  const asOutcome = (error: unknown): TBatchOutcome => ({
    ok: false,
    error: error instanceof PermanentSendError ? refused(error.message) : error,
  });

  return async function sendBatch(
    messages: readonly TBatchMessage[],
    options: {
      concurrency: number;
      /** called with the count done so far, after each send and every quarter second while one waits for its rate limit */
      progress?: (done: number) => void;
      /** epoch ms: a send still waiting for its channel's rate limit then is not made (RateLimitedError) */
      until?: number;
    },
  ): Promise<TBatchOutcome[]> {
    const outcomes = new Array<TBatchOutcome | undefined>(messages.length);
    const idOf = (m: TBatchMessage) => `${m.notice.key}#${m.attempt}`;
    let done = 0;
    const progress = (n: number) => options.progress?.((done += n));
    const sendOptions: TSendOptions = { until: options.until, onWait: () => progress(0) };

    // Attempts already made (a retry after a crash between send and save) are answered as they were.
    const made = new Map(
      (
        await db.execute<{ id: string; provider_message_id: string | null; status: string }>(sql`
          select a.id, a.provider_message_id, a.status from ${notificationAttempts} a
          where a.id in (select jsonb_array_elements_text(${jsonRows(messages.map(idOf))}))`)
      ).map((a) => [a.id, a]),
    );
    const fresh: number[] = [];
    const single: number[] = [];
    messages.forEach((m, i) => {
      const before = made.get(idOf(m));
      if (before?.provider_message_id)
        outcomes[i] = {
          ok: true,
          providerMessageId: before.provider_message_id,
          delivered: before.status === 'delivered',
        };
      else if ('consumerNumber' in m.notice.to && m.contact && m.channel !== 'staff-inbox') fresh.push(i);
      else single.push(i);
    });

    // Offices named in the notices are shown by name (one read for the batch).
    const officeIds = new Set<string>();
    for (const i of fresh) officesNamed(messages[i]!.notice.params, officeIds);
    const names = await officeNames(db, officeIds);
    // The same words for everyone with the same template, language and parameters.
    const rendered = new Map<
      string,
      ReturnType<typeof renderNotice> & { detail?: string; channel: string }
    >();
    const renderFor = (m: TBatchMessage) => {
      const key = JSON.stringify([m.notice.template, m.language, m.channel, m.notice.params]);
      let r = rendered.get(key);
      if (!r) {
        const text = renderNotice(
          m.notice.template as never,
          m.language,
          withOfficeNames(m.notice.params, names),
        );
        r = { ...text, channel: m.channel, detail: smsDetail(m.channel, text.body) };
        rendered.set(key, r);
      }
      return r;
    };

    // What goes to which provider.
    type TOut = { index: number; message: TOutgoing; detail?: string };
    const byProvider = new Map<ChannelProvider, TOut[]>();
    for (const i of fresh) {
      const m = messages[i]!;
      const to = consumerAddress(m.channel, m.contact);
      const provider = deps.providers[m.channel as keyof NoticeProviders];
      if (!to) outcomes[i] = { ok: false, error: refused(`no ${m.channel} address on record`) };
      else if (!provider) outcomes[i] = { ok: false, error: refused(`no provider for ${m.channel}`) };
      else {
        const text = renderFor(m);
        byProvider.set(provider, [
          ...(byProvider.get(provider) ?? []),
          {
            index: i,
            detail: text.detail,
            message: {
              channel: m.channel,
              to,
              subject: text.subject,
              // A voice call reads the subject out before the message.
              text: m.channel === 'voice' ? `${text.subject}. ${text.body}` : text.body,
              language: m.language,
              reference: idOf(m),
              consumerNumber: (m.notice.to as { consumerNumber: string }).consumerNumber,
            },
          },
        ]);
      }
    }

    // The sends: a bulk request per chunk where the provider has one, else one message at a
    // time — all of it within the same pool (the provider's share of the concurrency).
    const sent: { out: TOut; result: TSent }[] = [];
    const tasks: (() => Promise<void>)[] = [];
    for (const [provider, outs] of byProvider) {
      if (provider.sendMany) {
        const size = provider.maxBatch ?? 100;
        for (let c = 0; c < outs.length; c += size) {
          const chunk = outs.slice(c, c + size);
          tasks.push(async () => {
            let results: (TSent | Error)[];
            try {
              results = await provider.sendMany!(
                chunk.map((o) => o.message),
                sendOptions,
              );
            } catch (error) {
              results = chunk.map(() => (error instanceof Error ? error : new Error(String(error))));
            }
            chunk.forEach((o, k) => {
              const r =
                results[k] ?? new Error(`${provider.name} answered no result for ${o.message.reference}`);
              if (r instanceof Error) outcomes[o.index] = asOutcome(r);
              else sent.push({ out: o, result: r });
            });
            progress(chunk.length);
          });
        }
      } else
        for (const o of outs)
          tasks.push(async () => {
            try {
              sent.push({ out: o, result: await provider.send(o.message, sendOptions) });
            } catch (error) {
              outcomes[o.index] = asOutcome(error);
            }
            progress(1);
          });
    }
    for (const i of single)
      tasks.push(async () => {
        try {
          outcomes[i] = { ok: true, ...(await notices.sendOnChannel(messages[i]!, sendOptions)) };
        } catch (error) {
          outcomes[i] = { ok: false, error };
        }
        progress(1);
      });
    await pool(tasks, options.concurrency, (task) => task());

    // The attempts made, in one statement (a retry that finds one recorded keeps it).
    for (let c = 0; c < sent.length; c += 2000) {
      const rows = sent.slice(c, c + 2000).map(({ out, result }) => {
        const m = messages[out.index]!;
        return {
          id: out.message.reference,
          key: m.notice.key,
          attempt: m.attempt,
          channel: m.channel,
          recipient: mask(m.channel, out.message.to),
          provider: result.provider,
          provider_message_id: result.providerMessageId,
          status: result.delivered ? 'delivered' : 'sent',
          detail: out.detail ?? null,
        };
      });
      await db.execute(sql`
        insert into ${notificationAttempts} (id, key, attempt, channel, recipient, provider, provider_message_id, status, detail)
        select id, key, attempt, channel, recipient, provider, provider_message_id, status, detail
        from jsonb_to_recordset(${jsonRows(rows)}) as v(id text, key text, attempt int, channel text, recipient text,
          provider text, provider_message_id text, status text, detail text)
        on conflict do nothing`);
    }
    for (const { out, result } of sent)
      outcomes[out.index] = {
        ok: true,
        providerMessageId: result.providerMessageId,
        delivered: result.delivered,
      };
    if (sent.length) Context.current().log.info('notices sent', { count: sent.length });
    return outcomes.map((o) => o ?? { ok: false, error: new Error('not sent') });
  };
}
