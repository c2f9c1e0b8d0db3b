import { z } from '@hono/zod-openapi';
import { timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { readAccountSummary } from '../../db/account';
import { cachedComplaintType, listComplaintTypes } from '../../db/catalogue';
import { requestsOfConsumer } from '../../db/consumer-requests';
import { outagesAffecting } from '../../db/outages';
import { channelMessages, channelSessions, consumers } from '../../db/schema';
import {
  channelWords,
  findConsumerNumber,
  guessComplaintType,
  isUnlinkWord,
  IVR_COMPLAINT_KEYS,
  WHATSAPP_MENU,
  type TChannelWords,
} from '../../domain/channel-replies';
import { isLanguage } from '../../domain/notice-templates';
import { parseNpSms, type TComplaintType } from '../../domain/complaint-catalogue';
import type { TChannel } from '../../domain/consumer';
import { DomainProblem, FailureType } from '../../domain/failures';
import { toE164 } from '../../domain/phone';
import { checkConsumerNumber } from '../../domain/utility-profile-contract';
import type { TPrincipal } from '../../domain/roles';
import type { TInboundChannel } from '../../config';
import { createChatProviders, createNoticeProviders, PermanentSendError } from '../../lib/notice-providers';
import {
  confirmChannelLink,
  linkedConsumer,
  offerChannelLink,
  unlinkChannel,
  type TLinkChannel,
} from '../../use-cases/link-channel';
import {
  registerComplaint,
  type TComplaintOutcome,
  type TReporterAccount,
} from '../../use-cases/register-complaint';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';
import { metaWebhookVerifier, standardWebhookVerifier, zaloWebhookVerifier } from '../webhook-signature';

const ZSms = z.object({
  messageId: z.string().min(1).max(200),
  from: z.string().min(3).max(40).describe('the sender, as the gateway gives it'),
  text: z.string().max(2000),
});
const ZIvr = z.object({
  messageId: z
    .string()
    .min(1)
    .max(200)
    .describe("the IVR platform's id of this request (unique per call step)"),
  callId: z.string().min(1).max(200),
  caller: z.string().max(40).optional(),
  consumerNumber: z.string().max(40).optional().describe('as keyed in, if the caller has keyed it yet'),
  digits: z.string().max(10).default('').describe('the menu keys pressed, e.g. "1" or "24"'),
});
const ZEmail = z.object({
  messageId: z.string().min(1).max(500),
  from: z.email(),
  subject: z.string().max(500).default(''),
  text: z.string().max(20_000).default(''),
});
const ZWhatsApp = z.object({
  object: z.string(),
  entry: z
    .array(
      z.object({
        changes: z.array(
          z.object({
            field: z.string().optional(),
            value: z
              .object({
                messages: z
                  .array(
                    z
                      .object({
                        from: z.string(),
                        id: z.string(),
                        type: z.string(),
                        text: z.object({ body: z.string() }).optional(),
                        interactive: z
                          .object({
                            type: z.string(),
                            list_reply: z.object({ id: z.string(), title: z.string().optional() }).optional(),
                            button_reply: z
                              .object({ id: z.string(), title: z.string().optional() })
                              .optional(),
                          })
                          .optional(),
                      })
                      .loose(),
                  )
                  .optional(),
              })
              .loose(),
          }),
        ),
      }),
    )
    .max(50),
});
/**
 * A Zalo Official Account event (the OA webhook's shape): `event_name` (`user_send_text`, …),
 * `app_id`, `sender.id` (the user's id for this OA), `recipient.id` (the OA), `message.msg_id`,
 * `message.text`, `timestamp` (ms, a string), `user_id_by_app`. Only what a user sends is handled.
 */
const ZZaloEvent = z
  .object({
    app_id: z.string().max(40),
    event_name: z.string().min(1).max(100),
    timestamp: z.union([z.string().max(20), z.number()]),
  })
  .loose();
const ZZaloUserMessage = z
  .object({
    sender: z.object({ id: z.string().min(1).max(100) }),
    message: z.object({ msg_id: z.string().min(1).max(200), text: z.string().max(2000).optional() }).loose(),
  })
  .loose();
/** Messenger Platform: `object: "page"`, `entry[].messaging[]` with a message (text, quick reply) or a postback. */
const ZMessenger = z.object({
  object: z.literal('page', { message: 'must be "page" (a Page subscription)' }),
  entry: z
    .array(
      z
        .object({
          messaging: z
            .array(
              z
                .object({
                  sender: z.object({ id: z.string().min(1).max(100) }),
                  timestamp: z.number().optional(),
                  message: z
                    .object({
                      mid: z.string().min(1).max(500),
                      text: z.string().max(2000).optional(),
                      is_echo: z.boolean().optional(),
                      quick_reply: z.object({ payload: z.string().max(1000) }).optional(),
                    })
                    .loose()
                    .optional(),
                  postback: z
                    .object({
                      mid: z.string().min(1).max(500).optional(),
                      payload: z.string().max(1000).optional(),
                      title: z.string().max(1000).optional(),
                    })
                    .loose()
                    .optional(),
                })
                .loose(),
            )
            .max(100)
            .optional(),
        })
        .loose(),
    )
    .max(50),
});
const ZAnswer = z
  .object({
    reply: z.string().describe('what the consumer is told (also sent back on the channel)'),
    requestNumber: z.string().nullable(),
    duplicate: z.boolean().describe('a re-delivery of a message already handled: the first answer, again'),
  })
  .openapi('ChannelAnswer');

type TAnswer = {
  reply: string;
  requestNumber: string | null;
  subject?: string;
  /** the reply went with the complaint's workflow, which sends it: the route sends nothing */
  replyQueued?: boolean;
  /** this very report came before (a re-delivery): the complaint as it stands */
  repeated?: boolean;
};
/** Channels answered in writing by the complaint's workflow, and where: the sender of `messageId`. */
type TWrittenReply = { channel: 'sms' | 'whatsapp' | 'email'; to: string; messageId: string };
/** The chat platforms' names, as replies and descriptions say them. */
const PLATFORM = { whatsapp: 'WhatsApp', zalo: 'Zalo', messenger: 'Messenger' } as const;
/** A conversation: WhatsApp knows a phone; Zalo and Messenger a platform user id and, once linked, its consumer. */
type TChat =
  | { channel: 'whatsapp'; address: string }
  | { channel: TLinkChannel; address: string; linked: string | undefined };
/** What the provider sees (the e-mail subject is ours, for the reply only). */
const shown = ({ reply, requestNumber, duplicate }: TAnswer & { duplicate: boolean }) => ({
  reply,
  requestNumber,
  duplicate,
});

/**
 * Consumer channels: provider webhooks for SMS (`NP <consumer number>`), WhatsApp (Meta Cloud API
 * payloads, a small menu), the IVR (keys in, words to speak out) and inbound e-mail. All of them
 * register complaints through the one intake path, answer look-ups from the same read models,
 * and are signed: unsigned or forged requests are refused before anything is read. A provider's
 * re-delivery of a message id gets the first answer back and creates nothing.
 */
export function createChannelRoutes(deps: AppDeps) {
  const app = createRouter();
  const now = deps.now ?? (() => new Date());
  const providers = createNoticeProviders(deps.config, deps.db);
  const chatProviders = createChatProviders(deps.config, deps.db);
  const channels = deps.config.channels;
  const signed = standardWebhookVerifier(channels.webhookSecret);
  const metaSigned = metaWebhookVerifier(channels.whatsapp.appSecret);
  const messengerSigned = metaWebhookVerifier(channels.messenger.appSecret);
  const zaloSigned = zaloWebhookVerifier(channels.zalo.appId, channels.zalo.oaSecretKey, now);
  const utility = deps.config.utilityName;

  /** A channel this deployment does not offer (CHANNELS_ENABLED) answers 404, before anything is read. */
  const offered = (channel: TInboundChannel, path: string) =>
    app.use(path, async (_c, next) => {
      if (!channels.enabled.includes(channel))
        throw new HttpProblem(404, `the ${channel} channel is not offered here`);
      await next();
    });
  offered('sms', '/v1/webhooks/sms');
  offered('ivr', '/v1/webhooks/ivr');
  offered('email', '/v1/webhooks/email');
  offered('whatsapp', '/v1/webhooks/whatsapp');
  offered('zalo', '/v1/webhooks/zalo');
  offered('messenger', '/v1/webhooks/messenger');

  const parse = <S extends z.ZodType>(schema: S, body: unknown): z.infer<S> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new HttpProblem(400, 'not a message this webhook understands', {
        errors: fieldErrors(parsed.error.issues),
      });
    return parsed.data;
  };

  /**
   * Handles a message once per provider message id. The claim is a lease: a handler that died
   * (a crash, a kill) leaves a claim that the next delivery takes over once the lease is past, and
   * what the dead handler started is found again by the message's intake key. A failure leaves
   * no claim, so the provider's retry starts afresh and comes back to the same complaint.
   */
  const once = async (
    channel: string,
    messageId: string,
    handle: (intakeKey: string) => Promise<TAnswer>,
  ): Promise<TAnswer & { duplicate: boolean; replied?: boolean }> => {
    const leaseMs = deps.config.channels.claimLeaseMs;
    const where = and(eq(channelMessages.channel, channel), eq(channelMessages.messageId, messageId));
    const [claimed] = await deps.db
      .insert(channelMessages)
      .values({ channel, messageId, status: 'processing' })
      .onConflictDoUpdate({
        target: [channelMessages.channel, channelMessages.messageId],
        set: { claimedAt: sql`now()` },
        setWhere: sql`${channelMessages.status} = 'processing' and ${channelMessages.claimedAt} < now() - ${`${leaseMs} milliseconds`}::interval`,
      })
      .returning();
    if (!claimed) {
      const [row] = await deps.db.select().from(channelMessages).where(where);
      if (row?.status === 'done' && row.answer) {
        deps.metrics?.channelMessage(channel, 'duplicate');
        return { ...(row.answer as TAnswer), duplicate: true, replied: row.repliedAt !== null };
      }
      const wait = row ? Math.max(1, Math.ceil((row.claimedAt.getTime() + leaseMs - Date.now()) / 1000)) : 1;
      deps.metrics?.channelMessage(channel, 'busy');
      throw new HttpProblem(409, `message ${messageId} is being handled; deliver it again in ${wait} s`, {
        headers: { 'retry-after': String(wait) },
      });
    }
    try {
      const answer = await handle(`ch:${channel}:${messageId}`);
      await deps.db.update(channelMessages).set({ status: 'done', answer }).where(where);
      deps.metrics?.channelMessage(channel, 'handled');
      return { ...answer, duplicate: false };
    } catch (error) {
      await deps.db
        .delete(channelMessages)
        .where(and(where, eq(channelMessages.status, 'processing')))
        .catch(() => undefined); // the database may be what failed: the lease frees the claim then
      throw error;
    }
  };

  /** Sends the reply on the channel the message came in on; the message id keeps a retry from sending twice. */
  const sendReply = async (
    c: Context<AppEnv>,
    channel: 'sms' | 'whatsapp' | 'email' | TLinkChannel,
    to: string,
    messageId: string,
    answer: TAnswer & { replied?: boolean },
  ) => {
    if (answer.replyQueued) return; // the complaint's workflow sends it
    // Zalo and Messenger keep no idempotency key: a reply that went is not sent again.
    const chat = channel === 'zalo' || channel === 'messenger';
    if (chat && answer.replied) return;
    try {
      await (chat ? chatProviders[channel] : providers[channel]).send({
        channel,
        to,
        subject: answer.subject ?? english.subject(utility),
        text: answer.reply,
        language: 'en',
        reference: replyReference({ channel, messageId }),
      });
      if (chat)
        await deps.db
          .update(channelMessages)
          .set({ repliedAt: now() })
          .where(and(eq(channelMessages.channel, channel), eq(channelMessages.messageId, messageId)))
          .catch((error: unknown) =>
            // sent, but not marked: a re-delivery would send it again, which is the lesser harm
            c.get('logger').warn({ channel, messageId, err: error }, 'channel reply sent but not marked'),
          );
    } catch (error) {
      // A provider that refuses the address for good: the answer stands, the refusal is logged.
      if (error instanceof PermanentSendError) {
        c.get('logger').warn({ channel, messageId, err: error }, 'channel reply refused by the provider');
        return;
      }
      // Otherwise the sender must not be left without its number: the gateway is asked to deliver
      // again; the stored answer comes back and the reply (same reference) is sent then.
      c.get('logger').warn({ channel, messageId, err: error }, 'channel reply could not be sent: 503');
      throw new HttpProblem(
        503,
        'the answer is kept but its reply could not be sent; deliver the message again',
        {
          headers: { 'retry-after': '5' },
        },
      );
    }
  };

  const english = channelWords('en');
  /** One reply per inbound message: the provider's idempotency key. */
  const replyReference = (m: { channel: string; messageId: string }) => `reply/${m.channel}/${m.messageId}`;
  /**
   * Who is writing about this consumer number: `own` when the message comes from the phone or
   * e-mail address registered on the account. Only then are bills and requests read out, and
   * replies given in the account's language (a stranger learns neither). Undefined: no such consumer.
   */
  const accountOf = async (
    consumerNumber: string,
    address?: string,
    /** the consumer a Zalo or Messenger sender has linked (they proved it with a code) */
    linked?: string,
  ): Promise<{ words: TChannelWords; own: boolean } | undefined> => {
    const [row] = await deps.db
      .select({ language: consumers.language, phone: consumers.phone, email: consumers.email })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    if (!row) return undefined;
    const own =
      linked === consumerNumber ||
      (address !== undefined &&
        ((toE164(address) ?? address) === row.phone || address.toLowerCase() === row.email?.toLowerCase()));
    return { own, words: own && isLanguage(row.language) ? channelWords(row.language) : english };
  };
  /** Complaint types in the catalogue's own order (no power first); types added later follow. */
  const menuTypes = () => listComplaintTypes(deps.db);

  /**
   * Registers through the intake; a consumer's mistake becomes words to send back, never an error.
   * A written channel's reply to a new complaint goes with its workflow (which sends it), so the
   * answer here waits for no gateway. `intakeKey` is `ch:<channel>:<message id>`.
   */
  const complain = async (
    channel: TChannel,
    address: string,
    consumerNumber: string,
    typeCode: string,
    description: string,
    intakeKey: string,
    /** Zalo, Messenger: the sender's linked consumer (their user id is no phone or e-mail to match) */
    linked?: string,
  ): Promise<TAnswer> => {
    // Zalo and Messenger: a linked sender is the account's own (they proved it with a code); their
    // replies are the route's to send (those platforms take no idempotency key).
    const chat = channel === 'zalo' || channel === 'messenger';
    const written: TWrittenReply | undefined =
      channel === 'sms' || channel === 'whatsapp' || channel === 'email'
        ? {
            channel,
            to: channel === 'email' ? address : (toE164(address) ?? address),
            messageId: intakeKey.slice(`ch:${channel}:`.length),
          }
        : undefined;
    const ownOf = (account: TReporterAccount | undefined) =>
      (account?.own ?? false) || (linked !== undefined && linked === consumerNumber);
    const wordsOf = (account: TReporterAccount | undefined) =>
      ownOf(account) && account && isLanguage(account.language) ? channelWords(account.language) : english;
    const say = (outcome: TComplaintOutcome, type: TComplaintType | undefined) =>
      wordsOf(outcome.account).complaint({ ...outcome, typeTranslations: type?.translations });
    // The sender acts as the consumer the message names.
    const sender: TPrincipal = {
      kind: 'consumer',
      subject: `${channel}:${address}`,
      role: 'consumer',
      consumerNumbers: [consumerNumber],
    };
    let type: TComplaintType | undefined;
    let account: TReporterAccount | undefined;
    try {
      const outcome = await registerComplaint(deps, sender, {
        type: typeCode,
        consumerNumber,
        channel,
        description,
        intakeKey,
        // the account's own phone or e-mail is told by the reply (and then not again by a notice)
        ...(chat
          ? {}
          : { sender: channel === 'email' ? { email: address } : { phone: toE164(address) ?? address } }),
        ...(written
          ? {
              reply: (outcome, complaintType, reporter) => {
                type = complaintType;
                account = reporter;
                return {
                  channel: written.channel,
                  to: written.to,
                  subject: wordsOf(reporter).subject(utility),
                  text: say(outcome, complaintType),
                  language: 'en',
                  reference: replyReference(written),
                };
              },
            }
          : // a linked chat user is told by the route's reply; the IVR only speaks
            { answeredInWriting: chat && ownOf(undefined) }),
      });
      type ??= (await cachedComplaintType(deps.db, typeCode))?.type;
      return {
        reply: say(outcome, type),
        requestNumber: outcome.requestNumber,
        subject: wordsOf(outcome.account).subject(utility),
        ...(outcome.replyQueued ? { replyQueued: true } : {}),
        ...(outcome.repeated ? { repeated: true } : {}),
      };
    } catch (error) {
      if (DomainProblem.is(error, FailureType.ConsumerNotFound))
        return { reply: english.unknownConsumer(consumerNumber), requestNumber: null };
      if (DomainProblem.is(error, FailureType.Conflict))
        return { reply: wordsOf(account).justClosed, requestNumber: null };
      throw error;
    }
  };

  /** Open complaints and service requests of a consumer, from the read models, named in the reply's language. */
  const statusOf = async (consumerNumber: string, words: TChannelWords) =>
    words.status(
      await requestsOfConsumer(deps.db, consumerNumber, {
        openOnly: true,
        limit: 5,
        language: words.language,
      }),
    );
  const billOf = async (consumerNumber: string, words: TChannelWords) => {
    const summary = await readAccountSummary(deps.db, consumerNumber);
    return summary ? words.bill(summary) : words.unknownConsumer(consumerNumber);
  };
  const outagesOf = async (consumerNumber: string, words: TChannelWords) =>
    words.outages(await outagesAffecting(deps.db, consumerNumber, now()), now());

  const webhookDoc = (path: string, summary: string, schema: z.ZodType, signature: string) =>
    app.openAPIRegistry.registerPath({
      method: 'post',
      path,
      tags: ['channels'],
      summary: `${summary} (${signature})`,
      'x-roles': ['public'],
      request: { body: { required: true, content: { 'application/json': { schema } } } },
      responses: {
        200: { description: 'handled', content: { 'application/json': { schema: ZAnswer } } },
        ...problemResponses(400, 401, 404, 409, 413, 503),
      },
    });

  // ---------- SMS: NP <consumer number> ----------
  webhookDoc(
    '/v1/webhooks/sms',
    "Inbound SMS: `NP <consumer number>` (the utility profile's format) reports no power",
    ZSms,
    'Standard Webhooks signature',
  );
  app.post('/v1/webhooks/sms', async (c) => {
    const sms = parse(ZSms, await signed(c));
    const to = toE164(sms.from) ?? sms.from;
    const np = parseNpSms(sms.text, deps.config.profile.consumerNumber);
    // A report needs no claim: its intake key (the message id) is the claim, and a re-delivery
    // comes back to the same complaint. Anything else is answered once per message id.
    const reported = async (consumerNumber: string) => {
      const a = await complain(
        'sms',
        sms.from,
        consumerNumber,
        'no-power',
        'NP by SMS',
        `ch:sms:${sms.messageId}`,
      );
      return { ...a, duplicate: a.repeated ?? false };
    };
    const answer = np.ok
      ? await reported(np.consumerNumber)
      : await once('sms', sms.messageId, async () => ({ reply: np.reply, requestNumber: null }));
    // Sent again on a re-delivery too: a handler that died after answering may not have sent it,
    // and the reply's reference (per message id) makes a second send a no-op at the provider.
    await sendReply(c, 'sms', to, sms.messageId, answer);
    return c.json(shown(answer), 200);
  });

  // ---------- IVR: keys in, words out ----------
  webhookDoc(
    '/v1/webhooks/ivr',
    'IVR step: consumer number and menu keys in, text to speak out',
    ZIvr,
    'Standard Webhooks signature',
  );
  app.post('/v1/webhooks/ivr', async (c) => {
    const ivr = parse(ZIvr, await signed(c));
    const answer = await once('ivr', ivr.messageId, async (key): Promise<TAnswer> => {
      const say = (reply: string) => ({ reply, requestNumber: null });
      const digits = ivr.digits.replace(/\D/g, '');
      const consumerNumber = ivr.consumerNumber?.replace(/\D/g, '');
      const caller = ivr.caller ?? ivr.callId;
      const wellFormed =
        consumerNumber !== undefined &&
        checkConsumerNumber(deps.config.profile.consumerNumber, consumerNumber).ok;
      const known = wellFormed ? await accountOf(consumerNumber, ivr.caller) : undefined;
      const words = known?.words ?? english;
      if (!digits) return say(words.ivrMenu);
      if (!consumerNumber || !wellFormed) return say(words.ivrAskNumber);
      if (!known) return say(`${english.unknownConsumer(consumerNumber)} ${english.ivrAskNumber}`);
      // Bills and requests only to the number registered on the account (caller ID).
      const own = async (read: () => Promise<string>) =>
        known.own ? read() : words.privateAccount(consumerNumber);
      switch (digits[0]) {
        case '1':
          return complain('ivr', caller, consumerNumber, 'no-power', 'no power, reported on the IVR', key);
        case '2': {
          const type = digits[1] ? IVR_COMPLAINT_KEYS[digits[1]] : undefined;
          if (!type) return say(words.ivrComplaintMenu);
          return complain('ivr', caller, consumerNumber, type, 'reported on the IVR', key);
        }
        case '3':
          return say(await own(() => statusOf(consumerNumber, words)));
        case '4':
          return say(await own(() => billOf(consumerNumber, words)));
        case '5':
          return say(await outagesOf(consumerNumber, words));
        default:
          return say(words.ivrNotInMenu);
      }
    });
    return c.json(shown(answer), 200);
  });

  // ---------- e-mail ----------
  webhookDoc(
    '/v1/webhooks/email',
    'Inbound e-mail (parsed): a complaint, the consumer number in the subject or body',
    ZEmail,
    'Standard Webhooks signature',
  );
  app.post('/v1/webhooks/email', async (c) => {
    const mail = parse(ZEmail, await signed(c));
    const answer = await once('email', mail.messageId, async (key) => {
      const consumerNumber = findConsumerNumber(mail.subject) ?? findConsumerNumber(mail.text);
      if (!consumerNumber)
        return {
          reply: english.emailNoNumber,
          requestNumber: null,
        };
      const words = `${mail.subject}\n${mail.text}`;
      return complain(
        'email',
        mail.from,
        consumerNumber,
        guessComplaintType(words),
        words.trim().slice(0, 2000),
        key,
      );
    });
    await sendReply(c, 'email', mail.from, mail.messageId, answer);
    return c.json(shown(answer), 200);
  });

  // ---------- WhatsApp (Meta Cloud API) ----------
  /** Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches. */
  const handshake = (path: string, verifyToken: string) => {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      tags: ['channels'],
      summary: "Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches",
      'x-roles': ['public'],
      responses: { 200: { description: 'the challenge' }, ...problemResponses(403, 404) },
    });
    const expected = Buffer.from(verifyToken);
    app.get(path, (c) => {
      const given = Buffer.from(c.req.query('hub.verify_token') ?? '');
      if (
        c.req.query('hub.mode') !== 'subscribe' ||
        given.length !== expected.length ||
        !timingSafeEqual(given, expected)
      )
        throw new HttpProblem(403, 'verify token does not match');
      return c.text(c.req.query('hub.challenge') ?? '', 200);
    });
  };
  handshake('/v1/webhooks/whatsapp', channels.whatsapp.verifyToken);
  webhookDoc(
    '/v1/webhooks/whatsapp',
    'Inbound WhatsApp messages (Meta Cloud API payload): a menu for complaints, status and bill',
    ZWhatsApp,
    'X-Hub-Signature-256',
  );
  app.post('/v1/webhooks/whatsapp', async (c) => {
    const payload = parse(ZWhatsApp, await metaSigned(c));
    const messages = payload.entry.flatMap((e) => e.changes.flatMap((ch) => ch.value.messages ?? []));
    const answers = [];
    // Delivery statuses arrive on the same webhook without messages: nothing to do.
    for (const m of messages) {
      const phone = toE164(`+${m.from.replace(/^\+/, '')}`) ?? m.from;
      const input = (
        m.interactive?.list_reply?.id ??
        m.interactive?.button_reply?.id ??
        m.text?.body ??
        ''
      ).trim();
      const answer = await once('whatsapp', m.id, (key) =>
        converse({ channel: 'whatsapp', address: phone }, input, key),
      );
      await sendReply(c, 'whatsapp', phone, m.id, answer);
      answers.push({ messageId: m.id, ...shown(answer) });
    }
    return c.json({ messages: answers }, 200);
  });

  /** One message of a Zalo or Messenger user: the conversation, once per message id, and its reply. */
  const chatTurn = async (
    c: Context<AppEnv>,
    channel: TLinkChannel,
    userId: string,
    messageId: string,
    input: string,
  ) => {
    const answer = await once(channel, messageId, async (key) =>
      converse(
        { channel, address: userId, linked: await linkedConsumer(deps, { channel, userId }) },
        input.trim(),
        key,
      ),
    );
    await sendReply(c, channel, userId, messageId, answer);
    return { messageId, ...shown(answer) };
  };

  // ---------- Zalo Official Account ----------
  webhookDoc(
    '/v1/webhooks/zalo',
    'Inbound Zalo Official Account events (`user_send_text`, …): the same menu as WhatsApp',
    ZZaloEvent,
    'X-ZEvent-Signature: mac=sha256(app id + body + timestamp + OA secret key)',
  );
  app.post('/v1/webhooks/zalo', async (c) => {
    const event = parse(ZZaloEvent, await zaloSigned(c));
    // What the OA itself sent (oa_send_*), follows, reads and the like: nothing to answer.
    if (!event.event_name.startsWith('user_send_')) return c.json({ messages: [] }, 200);
    const m = parse(ZZaloUserMessage, event);
    // A sticker, a photo, a location…: no words to read, so the menu.
    const input = event.event_name === 'user_send_text' ? (m.message.text ?? '') : '';
    return c.json({ messages: [await chatTurn(c, 'zalo', m.sender.id, m.message.msg_id, input)] }, 200);
  });

  // ---------- Facebook Messenger Platform ----------
  handshake('/v1/webhooks/messenger', channels.messenger.verifyToken);
  webhookDoc(
    '/v1/webhooks/messenger',
    'Inbound Messenger Platform events (`object: "page"`, `entry[].messaging[]`): the same menu as WhatsApp',
    ZMessenger,
    'X-Hub-Signature-256',
  );
  app.post('/v1/webhooks/messenger', async (c) => {
    const payload = parse(ZMessenger, await messengerSigned(c));
    const answers = [];
    for (const e of payload.entry.flatMap((entry) => entry.messaging ?? [])) {
      // The Page's own messages come back as echoes; deliveries and reads carry neither.
      if (e.message?.is_echo) continue;
      if (e.message) {
        const input = e.message.quick_reply?.payload ?? e.message.text ?? '';
        answers.push(await chatTurn(c, 'messenger', e.sender.id, e.message.mid, input));
      } else if (e.postback) {
        // A button or the persistent menu; older postbacks carry no mid: sender and time name them.
        const mid = e.postback.mid ?? `postback:${e.sender.id}:${e.timestamp ?? 0}`;
        const input = e.postback.payload ?? e.postback.title ?? '';
        answers.push(await chatTurn(c, 'messenger', e.sender.id, mid, input));
      }
    }
    return c.json({ messages: answers }, 200);
  });

  /** Who sends a platform message: a consumer acting for themselves. */
  const senderOf = (chat: TChat): TPrincipal => ({
    kind: 'consumer',
    subject: `${chat.channel}:${chat.address}`,
    role: 'consumer',
    consumerNumbers: [],
  });

  /**
   * Zalo and Messenger: "unlink", and a six-digit code sent back while a link is offered. Anything
   * else is the conversation's (undefined).
   */
  const linkTurn = async (
    chat: Extract<TChat, { channel: TLinkChannel }>,
    input: string,
    remember: (values: { consumerNumber?: string | null; pending?: string | null }) => Promise<unknown>,
  ): Promise<TAnswer | undefined> => {
    const say = (reply: string) => ({ reply, requestNumber: null });
    const platform = PLATFORM[chat.channel];
    const who = { channel: chat.channel, userId: chat.address };
    if (isUnlinkWord(input)) {
      const was = await unlinkChannel(deps, senderOf(chat), who);
      await remember({ consumerNumber: null, pending: null });
      if (!was) return say(english.link.notLinked(platform));
      // told in the language of the account they had linked: it was theirs
      const words = (await accountOf(was, undefined, was))?.words ?? english;
      return say(words.link.unlinked(was, platform));
    }
    const code = input.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return undefined;
    const confirmed = await confirmChannelLink(deps, senderOf(chat), { ...who, code, now: now() });
    if (confirmed.kind === 'none') return undefined;
    if (confirmed.kind === 'wrong') return say(english.link.wrongCode);
    const n = confirmed.consumerNumber;
    await remember({ consumerNumber: n, pending: null });
    const words = (await accountOf(n, undefined, n))?.words ?? english;
    return say(`${words.link.done(n, platform, words.link.word)}\n${words.menu(utility)}`);
  };

  /**
   * Offers a Zalo or Messenger sender the link to the account they named: the code goes by SMS to
   * the phone registered on it, in the account's language; the sender is told where it went.
   */
  const offerLink = async (
    c: Extract<TChat, { channel: TLinkChannel }>,
    consumerNumber: string,
    key: string,
  ): Promise<string> => {
    const platform = PLATFORM[c.channel];
    try {
      const offer = await offerChannelLink(deps, senderOf(c), {
        channel: c.channel,
        userId: c.address,
        consumerNumber,
        now: now(),
        send: async ({ code, phone, language, minutes }) => {
          const words = channelWords(language);
          await providers.sms.send({
            channel: 'sms',
            to: phone,
            subject: words.subject(utility),
            text: words.link.codeSms(consumerNumber, platform, code, minutes, utility),
            language,
            reference: `link/${key}`,
            consumerNumber,
          });
        },
      });
      if (offer.kind === 'wait') return english.link.codeWait;
      if (offer.kind === 'unknown') return english.unknownConsumer(consumerNumber);
      return english.link.codeSent(consumerNumber, platform, offer.phone.slice(-2));
    } catch (error) {
      // A phone the gateway refuses for good: no code can reach it; the number is still noted.
      if (error instanceof PermanentSendError) return english.thanksNumber(consumerNumber, utility);
      throw error;
    }
  };

  /**
   * One turn of a chat conversation (WhatsApp, Zalo, Messenger): the menu, complaints from the
   * catalogue, status and bill. WhatsApp knows the account holder by the phone registered on the
   * account; Zalo and Messenger by the link the consumer confirmed with a code.
   */
  const converse = async (chat: TChat, input: string, key: string): Promise<TAnswer> => {
    const say = (reply: string) => ({ reply, requestNumber: null });
    const { channel, address } = chat;
    const linking = chat.channel !== 'whatsapp' ? chat : undefined;
    const linked = linking?.linked;
    // what is matched against the phone registered on an account: a WhatsApp phone, never a platform id
    const contact = linking ? undefined : address;
    const label = PLATFORM[channel];
    const [session] = await deps.db
      .select()
      .from(channelSessions)
      .where(and(eq(channelSessions.channel, channel), eq(channelSessions.address, address)));
    const remember = (values: { consumerNumber?: string | null; pending?: string | null }) =>
      deps.db
        .insert(channelSessions)
        .values({ channel, address, ...values, updatedAt: now() })
        .onConflictDoUpdate({
          target: [channelSessions.channel, channelSessions.address],
          set: { ...values, updatedAt: now() },
        });
    if (linking) {
      const answer = await linkTurn(linking, input, remember);
      if (answer) return answer;
    }
    // Who is this? The number given in this conversation, else the linked account, else the one
    // account registered to this phone.
    let consumerNumber = session?.consumerNumber ?? linked;
    if (!consumerNumber && !linking) {
      const owned = await deps.db
        .select({ n: consumers.consumerNumber })
        .from(consumers)
        .where(eq(consumers.phone, address))
        .limit(2);
      if (owned.length === 1) consumerNumber = owned[0]!.n;
    }
    let pending = session?.pending ?? undefined;
    // The SMS shortcode works here too.
    const np = parseNpSms(input, deps.config.profile.consumerNumber);
    if (np.ok) {
      await remember({ consumerNumber: np.consumerNumber, pending: null });
      return complain(channel, address, np.consumerNumber, 'no-power', `NP on ${label}`, key, linked);
    }
    const typedNumber = checkConsumerNumber(deps.config.profile.consumerNumber, input);
    const typed = typedNumber.ok ? typedNumber.value : undefined;
    let offered = '';
    if (typed) {
      const account = await accountOf(typed, contact, linked);
      if (!account) return say(english.unknownConsumer(typed));
      consumerNumber = typed;
      await remember({ consumerNumber, pending: null });
      // Zalo, Messenger: an account not linked yet is offered the link (a code to its phone).
      if (linking && !account.own) offered = await offerLink(linking, typed, key);
      if (!pending) return say(offered || account.words.thanksNumber(typed, utility));
      input = pending; // carry on with what they asked for before
      pending = undefined;
    }
    const answer = await menuTurn(chat, input, key, { consumerNumber, pending, remember });
    return offered ? { ...answer, reply: `${offered}\n\n${answer.reply}` } : answer;
  };

  /** The menu of a conversation whose consumer number (if any) and pending choice are known. */
  const menuTurn = async (
    chat: TChat,
    input: string,
    key: string,
    turn: {
      consumerNumber: string | undefined;
      pending: string | undefined;
      remember: (values: { consumerNumber?: string | null; pending?: string | null }) => Promise<unknown>;
    },
  ): Promise<TAnswer> => {
    const say = (reply: string) => ({ reply, requestNumber: null });
    const { channel, address } = chat;
    const linked = chat.channel === 'whatsapp' ? undefined : chat.linked;
    const contact = chat.channel === 'whatsapp' ? address : undefined;
    const { consumerNumber, pending, remember } = turn;
    const types = await menuTypes();
    // In the consumer's language once we know it is them.
    const account = consumerNumber ? await accountOf(consumerNumber, contact, linked) : undefined;
    const words = account?.words ?? english;
    const intent =
      WHATSAPP_MENU.find((m) => input === m.id || (pending !== 'menu:complaint' && input === m.key))?.id ??
      (input.startsWith('type:') ? input : undefined) ??
      (pending === 'menu:complaint' && /^\d{1,2}$/.test(input)
        ? `type:${types[Number(input) - 1]?.code}`
        : undefined);
    if (!intent) {
      await remember({ pending: null });
      const greeting =
        input === '' ||
        /^(hi|hello|hey|menu|start|namaskaram|namaste|xin chào|chào|привет|здравствуйте)(?![\p{L}\p{N}])/iu.test(
          input,
        );
      return say(greeting ? words.menu(utility) : words.notUnderstood(input, utility));
    }
    if (!consumerNumber) {
      await remember({ pending: intent });
      return say(english.askNumber);
    }
    switch (intent) {
      case 'menu:complaint':
        await remember({ consumerNumber, pending: 'menu:complaint' });
        return say(words.types(types));
      case 'menu:status':
      case 'menu:bill':
        await remember({ consumerNumber, pending: null });
        // Bills and requests only to the account holder: the registered phone, or a linked platform id.
        if (!account?.own)
          return say(
            chat.channel === 'whatsapp'
              ? words.privateAccount(consumerNumber)
              : words.link.needed(consumerNumber, PLATFORM[chat.channel]),
          );
        return say(
          intent === 'menu:bill'
            ? await billOf(consumerNumber, words)
            : await statusOf(consumerNumber, words),
        );
      default: {
        const code = intent.slice('type:'.length);
        if (!types.some((t) => t.code === code)) return say(words.types(types, input));
        await remember({ consumerNumber, pending: null });
        return complain(
          channel,
          address,
          consumerNumber,
          code,
          `reported on ${PLATFORM[channel]}`,
          key,
          linked,
        );
      }
    }
  };

  return app;
}
