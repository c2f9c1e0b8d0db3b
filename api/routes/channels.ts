import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { readAccountSummary } from '../../db/account';
import { findComplaintType, listComplaintTypes } from '../../db/catalogue';
import { requestsOfConsumer } from '../../db/consumer-requests';
import { outagesAffecting } from '../../db/outages';
import { channelMessages, channelSessions, consumers } from '../../db/schema';
import {
  channelWords,
  findConsumerNumber,
  guessComplaintType,
  IVR_COMPLAINT_KEYS,
  WHATSAPP_MENU,
  type TChannelWords,
} from '../../domain/channel-replies';
import { isLanguage } from '../../domain/notice-templates';
import { parseNpSms } from '../../domain/complaint-catalogue';
import type { TChannel } from '../../domain/consumer';
import { DomainProblem, FailureType } from '../../domain/failures';
import { toE164 } from '../../domain/phone';
import type { TPrincipal } from '../../domain/roles';
import { createNoticeProviders, PermanentSendError } from '../../lib/notice-providers';
import { registerComplaint } from '../../use-cases/register-complaint';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';
import { metaWebhookVerifier, standardWebhookVerifier } from '../webhook-signature';

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
const ZAnswer = z
  .object({
    reply: z.string().describe('what the consumer is told (also sent back on the channel)'),
    requestNumber: z.string().nullable(),
    duplicate: z.boolean().describe('a re-delivery of a message already handled: the first answer, again'),
  })
  .openapi('ChannelAnswer');

type TAnswer = { reply: string; requestNumber: string | null; subject?: string };
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
  const signed = standardWebhookVerifier(deps.config.channels.webhookSecret);
  const metaSigned = metaWebhookVerifier(deps.config.channels.whatsapp.appSecret);
  const utility = deps.config.utilityName;

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
  ): Promise<TAnswer & { duplicate: boolean }> => {
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
      if (row?.status === 'done' && row.answer) return { ...(row.answer as TAnswer), duplicate: true };
      const wait = row ? Math.max(1, Math.ceil((row.claimedAt.getTime() + leaseMs - Date.now()) / 1000)) : 1;
      throw new HttpProblem(409, `message ${messageId} is being handled; deliver it again in ${wait} s`, {
        headers: { 'retry-after': String(wait) },
      });
    }
    try {
      const answer = await handle(`ch:${channel}:${messageId}`);
      await deps.db.update(channelMessages).set({ status: 'done', answer }).where(where);
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
    channel: 'sms' | 'whatsapp' | 'email',
    to: string,
    messageId: string,
    answer: TAnswer,
  ) => {
    try {
      await providers[channel].send({
        channel,
        to,
        subject: answer.subject ?? english.subject(utility),
        text: answer.reply,
        language: 'en',
        reference: `reply/${channel}/${messageId}`,
      });
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
  /**
   * Who is writing about this consumer number: `own` when the message comes from the phone or
   * e-mail address registered on the account. Only then are bills and requests read out, and
   * replies given in the account's language (a stranger learns neither). Undefined: no such consumer.
   */
  const accountOf = async (
    consumerNumber: string,
    address?: string,
  ): Promise<{ words: TChannelWords; own: boolean } | undefined> => {
    const [row] = await deps.db
      .select({ language: consumers.language, phone: consumers.phone, email: consumers.email })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    if (!row) return undefined;
    const own =
      address !== undefined &&
      ((toE164(address) ?? address) === row.phone || address.toLowerCase() === row.email?.toLowerCase());
    return { own, words: own && isLanguage(row.language) ? channelWords(row.language) : english };
  };
  /** Complaint types in the catalogue's own order (no power first); types added later follow. */
  const menuTypes = () => listComplaintTypes(deps.db);

  /** Registers through the intake; a consumer's mistake becomes words to send back, never an error. */
  const complain = async (
    channel: TChannel,
    address: string,
    consumerNumber: string,
    typeCode: string,
    description: string,
    intakeKey: string,
  ): Promise<TAnswer> => {
    const account = await accountOf(consumerNumber, address);
    if (!account) return { reply: english.unknownConsumer(consumerNumber), requestNumber: null };
    const { words } = account;
    try {
      // The sender acts as the consumer the message names.
      const sender: TPrincipal = {
        kind: 'consumer',
        subject: `${channel}:${address}`,
        role: 'consumer',
        consumerNumbers: [consumerNumber],
      };
      const outcome = await registerComplaint(deps, sender, {
        type: typeCode,
        consumerNumber,
        channel,
        description,
        // a written reply to the consumer's own phone or e-mail tells them; the IVR only speaks
        answeredInWriting: account.own && channel !== 'ivr',
        intakeKey,
      });
      const type = await findComplaintType(deps.db, typeCode);
      return {
        reply: words.complaint({ ...outcome, typeTranslations: type?.translations }),
        requestNumber: outcome.requestNumber,
        subject: words.subject(utility),
      };
    } catch (error) {
      if (DomainProblem.is(error, FailureType.Conflict))
        return { reply: words.justClosed, requestNumber: null };
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
        ...problemResponses(400, 401, 409, 413, 503),
      },
    });

  // ---------- SMS: NP <consumer number> ----------
  webhookDoc(
    '/v1/webhooks/sms',
    'Inbound SMS: `NP <13-digit consumer number>` reports no power',
    ZSms,
    'Standard Webhooks signature',
  );
  app.post('/v1/webhooks/sms', async (c) => {
    const sms = parse(ZSms, await signed(c));
    const answer = await once('sms', sms.messageId, async (key) => {
      const np = parseNpSms(sms.text);
      if (!np.ok) return { reply: np.reply, requestNumber: null };
      return complain('sms', sms.from, np.consumerNumber, 'no-power', 'NP by SMS', key);
    });
    // Sent again on a re-delivery too: a handler that died after answering may not have sent it,
    // and the reply's reference (per message id) makes a second send a no-op at the provider.
    await sendReply(c, 'sms', toE164(sms.from) ?? sms.from, sms.messageId, answer);
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
      const known = consumerNumber?.length === 13 ? await accountOf(consumerNumber, ivr.caller) : undefined;
      const words = known?.words ?? english;
      if (!digits) return say(words.ivrMenu);
      if (!consumerNumber || consumerNumber.length !== 13) return say(words.ivrAskNumber);
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
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/webhooks/whatsapp',
    tags: ['channels'],
    summary: "Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches",
    'x-roles': ['public'],
    responses: { 200: { description: 'the challenge' }, ...problemResponses(403) },
  });
  app.get('/v1/webhooks/whatsapp', (c) => {
    if (
      c.req.query('hub.mode') !== 'subscribe' ||
      c.req.query('hub.verify_token') !== deps.config.channels.whatsapp.verifyToken
    )
      throw new HttpProblem(403, 'verify token does not match');
    return c.text(c.req.query('hub.challenge') ?? '', 200);
  });
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
      const answer = await once('whatsapp', m.id, (key) => converse(phone, input, key));
      await sendReply(c, 'whatsapp', phone, m.id, answer);
      answers.push({ messageId: m.id, ...shown(answer) });
    }
    return c.json({ messages: answers }, 200);
  });

  /** One turn of the WhatsApp conversation with the consumer on `phone`. */
  const converse = async (phone: string, input: string, key: string): Promise<TAnswer> => {
    const say = (reply: string) => ({ reply, requestNumber: null });
    const [session] = await deps.db
      .select()
      .from(channelSessions)
      .where(and(eq(channelSessions.channel, 'whatsapp'), eq(channelSessions.address, phone)));
    const remember = (values: { consumerNumber?: string | null; pending?: string | null }) =>
      deps.db
        .insert(channelSessions)
        .values({ channel: 'whatsapp', address: phone, ...values, updatedAt: now() })
        .onConflictDoUpdate({
          target: [channelSessions.channel, channelSessions.address],
          set: { ...values, updatedAt: now() },
        });
    // Who is this? The number given in this conversation, else the one account registered to this phone.
    let consumerNumber = session?.consumerNumber ?? undefined;
    if (!consumerNumber) {
      const owned = await deps.db
        .select({ n: consumers.consumerNumber })
        .from(consumers)
        .where(eq(consumers.phone, phone))
        .limit(2);
      if (owned.length === 1) consumerNumber = owned[0]!.n;
    }
    let pending = session?.pending ?? undefined;
    // The SMS shortcode works here too.
    const np = parseNpSms(input);
    if (np.ok) {
      await remember({ consumerNumber: np.consumerNumber, pending: null });
      return complain('whatsapp', phone, np.consumerNumber, 'no-power', 'NP on WhatsApp', key);
    }
    const typed = /^\d{13}$/.test(input.replace(/\s/g, '')) ? input.replace(/\s/g, '') : undefined;
    if (typed) {
      const account = await accountOf(typed, phone);
      if (!account) return say(english.unknownConsumer(typed));
      consumerNumber = typed;
      await remember({ consumerNumber, pending: null });
      if (!pending) return say(account.words.thanksNumber(typed, utility));
      input = pending; // carry on with what they asked for before
      pending = undefined;
    }
    const types = await menuTypes();
    // In the consumer's language once we know it is them.
    const account = consumerNumber ? await accountOf(consumerNumber, phone) : undefined;
    const words = account?.words ?? english;
    const intent =
      WHATSAPP_MENU.find((m) => input === m.id || (pending !== 'menu:complaint' && input === m.key))?.id ??
      (input.startsWith('type:') ? input : undefined) ??
      (pending === 'menu:complaint' && /^\d{1,2}$/.test(input)
        ? `type:${types[Number(input) - 1]?.code}`
        : undefined);
    if (!intent) {
      await remember({ pending: null });
      const greeting = input === '' || /^(hi|hello|hey|menu|start|namaskaram|namaste)\b/i.test(input);
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
        // Bills and requests are read out only to the phone registered on the account.
        if (!account?.own) return say(words.privateAccount(consumerNumber));
        return say(
          intent === 'menu:bill'
            ? await billOf(consumerNumber, words)
            : await statusOf(consumerNumber, words),
        );
      default: {
        const code = intent.slice('type:'.length);
        if (!types.some((t) => t.code === code)) return say(words.types(types, input));
        await remember({ consumerNumber, pending: null });
        return complain('whatsapp', phone, consumerNumber, code, 'reported on WhatsApp', key);
      }
    }
  };

  return app;
}
