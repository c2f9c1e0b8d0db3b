import { randomUUID } from 'node:crypto';
import { render } from '@react-email/render';
import { eq, sql } from 'drizzle-orm';
import { createElement } from 'react';
import { Resend } from 'resend';
import type { Config, TSandboxMode } from '../config';
import type { Database } from '../db/client';
import { devOutbox, printQueue } from '../db/schema';
import { NoticeEmail } from '../emails/notice-email';
import { sealBytes, type AtRestKeys } from './at-rest';
import { createNoticeRateLimiter, rateLimitedProvider, type NoticeRateLimiter } from './notice-rate-limits';
import { createPdfWriter, loadPdfFonts, type TPdfFonts } from './pdf-text';

export type TOutgoing = {
  channel: string;
  /** phone (E.164), e-mail address, or postal address for letters */
  to: string;
  subject: string;
  text: string;
  language: string;
  /** idempotency key: the notice key and attempt; the same reference is sent once */
  reference: string;
  consumerNumber?: string;
};
export type TSent = { provider: string; providerMessageId: string; delivered: boolean };
/** How a send may wait for its channel's rate limit (lib/notice-rate-limits.ts); providers without one ignore it. */
export type TSendOptions = {
  /** epoch ms: a send that finds no room in the rate limit by then throws RateLimitedError, unsent */
  until?: number;
  /** called every quarter second while a send waits for room (an activity heartbeats) */
  onWait?: () => void;
};
export type ChannelProvider = {
  name: string;
  send: (message: TOutgoing, options?: TSendOptions) => Promise<TSent>;
  /**
   * A bulk send (a gateway's batch API: one request for many messages), answering each message
   * in order: what it was sent as, or why not (a PermanentSendError for a refusal). Each message
   * keeps its own reference, so the same reference is still sent once. Providers without it are
   * sent one message at a time.
   */
  sendMany?: (messages: TOutgoing[], options?: TSendOptions) => Promise<(TSent | Error)[]>;
  /** the most messages one sendMany call takes */
  maxBatch?: number;
};

/** The provider refused the message itself (bad number, bad address): retrying cannot help. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/**
 * Development: records each message (GET /v1/dev/outbox) and reports it delivered at once — or,
 * per channel (`SANDBOX_CHANNELS`), refuses it, fails, or stays silent (no receipt ever), so the
 * fallback chain can be tried without a fake gateway.
 */
export function createSandboxProvider(
  db: Database,
  modes: Partial<Record<string, TSandboxMode>> = {},
): ChannelProvider {
  const modeOf = (channel: string) => modes[channel] ?? 'deliver';
  /** What the channel's mode says instead of accepting the message, if anything. */
  const refusal = (channel: string) =>
    modeOf(channel) === 'refuse'
      ? new PermanentSendError(`sandbox refuses ${channel} (SANDBOX_CHANNELS)`)
      : modeOf(channel) === 'fail'
        ? new Error(`sandbox ${channel} gateway is failing (SANDBOX_CHANNELS)`)
        : undefined;
  return {
    name: 'sandbox',
    async send(message) {
      const mode = modeOf(message.channel);
      const refused = refusal(message.channel);
      if (refused) throw refused;
      const [row] = await db
        .insert(devOutbox)
        .values({
          id: `sbx_${randomUUID()}`,
          idempotencyKey: message.reference,
          channel: message.channel,
          recipient: message.to,
          subject: message.subject,
          body: message.text,
        })
        .onConflictDoNothing({ target: devOutbox.idempotencyKey })
        .returning({ id: devOutbox.id });
      const id =
        row?.id ??
        (
          await db
            .select({ id: devOutbox.id })
            .from(devOutbox)
            .where(eq(devOutbox.idempotencyKey, message.reference))
        )[0]!.id;
      return { provider: 'sandbox', providerMessageId: id, delivered: mode === 'deliver' };
    },
    maxBatch: 1000,
    /** One multi-row write for the whole batch; a reference already in the outbox answers its first id. */
    async sendMany(messages) {
      const going = messages.filter((m) => !refusal(m.channel));
      const ids = new Map<string, string>();
      if (going.length) {
        const rows = JSON.stringify(
          going.map((m) => ({
            id: `sbx_${randomUUID()}`,
            idempotency_key: m.reference,
            channel: m.channel,
            recipient: m.to,
            subject: m.subject,
            body: m.text,
          })),
        );
        // The outer select sees the outbox as it was before this statement: the references sent before.
        const found = await db.execute<{ idempotency_key: string; id: string }>(sql`
          with v as (
            select * from jsonb_to_recordset(${rows}::jsonb)
              as v(id text, idempotency_key text, channel text, recipient text, subject text, body text)),
          ins as (
            insert into ${devOutbox} (id, idempotency_key, channel, recipient, subject, body)
            select id, idempotency_key, channel, recipient, subject, body from v
            on conflict (idempotency_key) do nothing
            returning idempotency_key, id)
          select idempotency_key, id from ins
          union all
          select o.idempotency_key, o.id from ${devOutbox} o join v on v.idempotency_key = o.idempotency_key`);
        for (const r of found) ids.set(r.idempotency_key, r.id);
        // A reference another writer committed meanwhile is read back on its own.
        for (const m of going.filter((g) => !ids.has(g.reference))) {
          const [row] = await db
            .select({ id: devOutbox.id })
            .from(devOutbox)
            .where(eq(devOutbox.idempotencyKey, m.reference));
          if (row) ids.set(m.reference, row.id);
        }
      }
      return messages.map((m) => {
        const refused = refusal(m.channel);
        const id = ids.get(m.reference);
        if (refused) return refused;
        if (!id) return new Error(`sandbox lost ${m.reference}`);
        return { provider: 'sandbox', providerMessageId: id, delivered: modeOf(m.channel) === 'deliver' };
      });
    },
  };
}

const jsonString = (v: string) => JSON.stringify(v).slice(1, -1);

/**
 * SMS, WhatsApp and voice through any HTTP gateway: the payload is a JSON template with
 * {{channel}} {{to}} {{text}} {{subject}} {{reference}} {{language}} placeholders, the message id is
 * read from the response at a dot path, and the reference travels as Idempotency-Key.
 */
export function createHttpMessagingProvider(
  config: { url: string; authHeader?: string; payloadTemplate: string; idField: string },
  fetchImpl: typeof fetch = fetch,
): ChannelProvider {
  return {
    name: 'http',
    async send(message) {
      const fields: Record<string, string | undefined> = { ...message };
      const body = config.payloadTemplate.replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
        jsonString(fields[name] ?? ''),
      );
      const res = await fetchImpl(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': message.reference,
          ...(config.authHeader ? { authorization: config.authHeader } : {}),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        throw new PermanentSendError(
          `gateway refused the ${message.channel} message: ${res.status} ${text.slice(0, 200)}`,
        );
      if (!res.ok) throw new Error(`gateway error ${res.status}: ${text.slice(0, 200)}`);
      const json = JSON.parse(text) as Record<string, unknown>;
      const id = config.idField
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json);
      if (typeof id !== 'string' && typeof id !== 'number')
        throw new Error(`gateway answer has no ${config.idField}`);
      return { provider: 'http', providerMessageId: String(id), delivered: false };
    },
  };
}

/** E-mail with React Email (HTML and plain text), sent through Resend. */
export function createResendProvider(
  config: { apiKey: string; baseUrl?: string; from: string },
  issuer: string,
) {
  const resend = new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl } : undefined);
  const provider: ChannelProvider = {
    name: 'resend',
    async send(message) {
      const element = createElement(NoticeEmail, {
        issuer,
        subject: message.subject,
        body: message.text,
        lang: message.language,
      });
      const { data, error } = await resend.emails.send(
        {
          from: config.from,
          to: [message.to],
          subject: message.subject,
          html: await render(element),
          text: await render(element, { plainText: true }),
        },
        { idempotencyKey: message.reference },
      );
      // Resend answers { data, error } instead of throwing: throw, so Temporal retries or falls back.
      if (error) {
        const status = (error as { statusCode?: number | null }).statusCode ?? 500;
        if (status >= 400 && status < 500 && status !== 429)
          throw new PermanentSendError(`Resend refused the e-mail: ${error.message}`);
        throw new Error(`Resend error: ${error.message}`);
      }
      if (!data) throw new Error('Resend answered without an id');
      return { provider: 'resend', providerMessageId: data.id, delivered: false };
    },
  };
  return provider;
}

/** The last resort: a PDF letter in the print queue, in the consumer's script. Queued counts as delivered. */
export function createPostProvider(
  db: Database,
  keys: AtRestKeys,
  issuer: string,
  fonts: () => TPdfFonts,
): ChannelProvider {
  return {
    name: 'print-queue',
    async send(message) {
      const letter = createPdfWriter(fonts(), { margin: 60, lang: message.language });
      letter.text(issuer, { size: 12, bold: true, gap: 18 });
      for (const line of message.to.split(/,\s*/)) letter.text(line, { size: 11, gap: 0 });
      letter.y += 18;
      letter.text(message.subject, { size: 11, bold: true, gap: 10 });
      for (const paragraph of message.text.split(/\n+/)) letter.text(paragraph, { size: 11, gap: 6 });
      const bytes = await letter.finish();
      const { keyId, sealed } = sealBytes(keys, bytes, message.reference);
      await db
        .insert(printQueue)
        .values({
          id: message.reference,
          key: message.reference.split('#')[0]!,
          consumerNumber: message.consumerNumber ?? '',
          keyId,
          pdf: sealed,
        })
        .onConflictDoNothing({ target: printQueue.id });
      return { provider: 'print-queue', providerMessageId: message.reference, delivered: true };
    },
  };
}

export type NoticeProviders = Record<'sms' | 'whatsapp' | 'voice' | 'email' | 'post', ChannelProvider>;

/**
 * The providers configured for each channel; the sandbox stands in where none is (development
 * only). A channel with a rate limit (`NOTICE_RATE_LIMITS`) gets its own wrapper that sends within
 * it, so a batch is split by channel even where one gateway carries several.
 */
export function createNoticeProviders(
  config: Pick<Config, 'notices' | 'utilityName' | 'payloadCodec' | 'pdfFonts'>,
  db: Database,
  fonts?: TPdfFonts,
  limiter: NoticeRateLimiter = createNoticeRateLimiter(db, config.notices.rateLimits),
): NoticeProviders {
  // Channel replies never print; they read the fonts only if a letter is ever asked for.
  let loaded = fonts;
  const letterFonts = () => (loaded ??= loadPdfFonts(config.pdfFonts.dir));
  const sandbox = createSandboxProvider(db, config.notices.sandboxModes);
  const messaging =
    config.notices.messaging.kind === 'http'
      ? createHttpMessagingProvider(config.notices.messaging)
      : sandbox;
  const email =
    config.notices.email.kind === 'resend'
      ? createResendProvider(config.notices.email, config.utilityName)
      : sandbox;
  return {
    sms: rateLimitedProvider(messaging, 'sms', limiter),
    whatsapp: rateLimitedProvider(messaging, 'whatsapp', limiter),
    voice: rateLimitedProvider(messaging, 'voice', limiter),
    email: rateLimitedProvider(email, 'email', limiter),
    post: createPostProvider(db, config.payloadCodec, config.utilityName, letterFonts),
  };
}

/** Replies on the chat platforms, which answer a platform user id rather than a phone. */
export type ChatProviders = Record<'zalo' | 'messenger', ChannelProvider>;

/** A platform's answer: JSON, or the first characters of whatever it was, for the error. */
async function platformAnswer(res: Response): Promise<{ json: Record<string, unknown>; text: string }> {
  const text = await res.text();
  try {
    return { json: JSON.parse(text) as Record<string, unknown>, text };
  } catch {
    return { json: {}, text };
  }
}
/** 4xx but timeouts and throttling: this message will never go (bad recipient, closed window…). */
const refusedForGood = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Zalo Official Account "consultation" (customer-service) message, the OA API v3.0 shape:
 * `POST {apiUrl}/v3.0/oa/message/cs`, header `access_token: <OA access token>`, body
 * `{"recipient":{"user_id":…},"message":{"text":…}}`; the answer is `{"error":0,"data":{"message_id":…}}`
 * (HTTP 200 also when refused: a non-zero `error` is the refusal). Zalo keeps no idempotency key,
 * so the webhook sends a reply once per message (channel_messages.replied_at).
 */
export function createZaloProvider(
  config: { accessToken: string; apiUrl: string },
  fetchImpl: typeof fetch = fetch,
): ChannelProvider {
  return {
    name: 'zalo',
    async send(message) {
      const res = await fetchImpl(`${config.apiUrl.replace(/\/$/, '')}/v3.0/oa/message/cs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', access_token: config.accessToken },
        body: JSON.stringify({ recipient: { user_id: message.to }, message: { text: message.text } }),
        signal: AbortSignal.timeout(15_000),
      });
      const { json, text } = await platformAnswer(res);
      if (refusedForGood(res.status))
        throw new PermanentSendError(`Zalo refused the reply: ${res.status} ${text.slice(0, 200)}`);
      if (!res.ok) throw new Error(`Zalo error ${res.status}: ${text.slice(0, 200)}`);
      // A refusal comes as HTTP 200 with a non-zero error (no follower, expired interaction window…):
      // delivering the inbound message again would not change it, so it is not retried.
      if (json.error !== 0 && json.error !== '0')
        throw new PermanentSendError(`Zalo refused the reply: ${text.slice(0, 200)}`);
      const id = (json.data as { message_id?: unknown } | undefined)?.message_id;
      if (typeof id !== 'string' && typeof id !== 'number')
        throw new Error('Zalo answered without a message_id');
      return { provider: 'zalo', providerMessageId: String(id), delivered: false };
    },
  };
}

/**
 * Messenger Send API: `POST {apiUrl}/me/messages?access_token=<Page access token>` with
 * `{"recipient":{"id":<PSID>},"messaging_type":"RESPONSE","message":{"text":…}}` (text up to 2,000
 * characters); the answer is `{"recipient_id":…,"message_id":…}`, a refusal `{"error":{…}}`.
 */
export function createMessengerProvider(
  config: { pageAccessToken: string; apiUrl: string },
  fetchImpl: typeof fetch = fetch,
): ChannelProvider {
  return {
    name: 'messenger',
    async send(message) {
      const url = new URL(`${config.apiUrl.replace(/\/$/, '')}/me/messages`);
      url.searchParams.set('access_token', config.pageAccessToken);
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          recipient: { id: message.to },
          messaging_type: 'RESPONSE',
          message: { text: message.text.slice(0, 2000) },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const { json, text } = await platformAnswer(res);
      // The URL carries the token: errors name the status and Meta's words, never the URL.
      if (refusedForGood(res.status))
        throw new PermanentSendError(`Messenger refused the reply: ${res.status} ${text.slice(0, 200)}`);
      if (!res.ok) throw new Error(`Messenger error ${res.status}: ${text.slice(0, 200)}`);
      const id = json.message_id;
      if (typeof id !== 'string') throw new Error('Messenger answered without a message_id');
      return { provider: 'messenger', providerMessageId: id, delivered: false };
    },
  };
}

/** Zalo and Messenger replies: the platforms' send APIs where a token is configured, else the sandbox. */
export function createChatProviders(
  config: Pick<Config, 'channels' | 'notices'>,
  db: Database,
): ChatProviders {
  const sandbox = createSandboxProvider(db, config.notices.sandboxModes);
  const { zalo, messenger } = config.channels;
  return {
    zalo: zalo.send.kind === 'zalo' ? createZaloProvider(zalo.send) : sandbox,
    messenger: messenger.send.kind === 'messenger' ? createMessengerProvider(messenger.send) : sandbox,
  };
}
