import { createHash, createHmac } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEV_MESSENGER_APP_SECRET,
  DEV_MESSENGER_VERIFY_TOKEN,
  DEV_ZALO_APP_ID,
  DEV_ZALO_OA_SECRET_KEY,
} from '../config';
import { channelLinks, channelMessages, consumers, devOutbox } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The Zalo Official Account and Messenger Platform webhooks end to end, on the real stack: signed
 * the platforms' way, through the one complaint intake, the platform user linked to a consumer by
 * the code that goes to the account's phone, replies in the consumer's language (to the dev
 * outbox), re-deliveries answered again without a second complaint or a second reply.
 * Consumers 1161200000020–29 (sec-vizhinjam) are this file's own.
 */
let stack: TestStack;
let agent: string;
const C = (n: number) => `11612000000${String(n).padStart(2, '0')}`;
beforeAll(async () => {
  // KSEB's demo consumers, on the channels of the Vietnamese seeds
  stack = await startTestStack({ env: { CHANNELS_ENABLED: 'sms,whatsapp,ivr,email,zalo,messenger' } });
  agent = await stack.token({ role: 'agent', office: 'circle-tvm' });
  await stack.db
    .update(consumers)
    .set({ language: 'en' })
    .where(like(consumers.consumerNumber, '116120000002%'));
});
afterAll(async () => {
  await stack?.stop();
});

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now()}-${++seq}`;
const complaint = (rn: string) => stack.call('GET', `/v1/complaints/${rn}`, { token: agent });
const outbox = (reference: string) =>
  stack.db.select().from(devOutbox).where(eq(devOutbox.idempotencyKey, reference));
const setLanguage = (n: string, language: string) =>
  stack.db.update(consumers).set({ language }).where(eq(consumers.consumerNumber, n));
const phoneOf = async (n: string) =>
  (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, n)))[0]!.phone;
/** The code the SMS to the account's phone carried (six digits standing alone). */
const codeSentFor = async (channel: string, messageId: string) => {
  const [sms] = await outbox(`link/ch:${channel}:${messageId}`);
  return { sms, code: /(?<!\d)(\d{6})(?!\d)/.exec(sms?.body ?? '')?.[1] };
};
const messageRow = async (channel: string, messageId: string) =>
  (
    await stack.db
      .select()
      .from(channelMessages)
      .where(and(eq(channelMessages.channel, channel), eq(channelMessages.messageId, messageId)))
  )[0];

// ---------- Zalo: the OA webhook's shape, signed mac = sha256(app id + body + timestamp + OA secret key)
const zaloEvent = (userId: string, text: string, msgId = nextId('zmsg'), at = Date.now()) => ({
  app_id: DEV_ZALO_APP_ID,
  user_id_by_app: `by-app-${userId}`,
  event_name: 'user_send_text',
  timestamp: String(at),
  sender: { id: userId },
  recipient: { id: '3662729599332560487' },
  message: { msg_id: msgId, text },
});
const zaloMac = (raw: string, timestamp: string, secret = DEV_ZALO_OA_SECRET_KEY) =>
  `mac=${createHash('sha256').update(`${DEV_ZALO_APP_ID}${raw}${timestamp}${secret}`).digest('hex')}`;
const postZalo = (event: Record<string, unknown>, options: { secret?: string; signature?: string } = {}) => {
  const raw = JSON.stringify(event);
  return stack.call('POST', '/v1/webhooks/zalo', {
    body: raw,
    headers: {
      'x-zevent-signature': options.signature ?? zaloMac(raw, String(event.timestamp), options.secret),
    },
  });
};
const zalo = async (userId: string, text: string, msgId = nextId('zmsg')) => {
  const res = await postZalo(zaloEvent(userId, text, msgId));
  expect(res.status, res.text).toBe(200);
  return {
    ...(res.json.messages[0] as { reply: string; requestNumber: string | null; duplicate: boolean }),
    msgId,
  };
};

// ---------- Messenger: object=page, entry[].messaging[], X-Hub-Signature-256 with the app secret
const fbBody = (psid: string, event: Record<string, unknown>) => ({
  object: 'page',
  entry: [
    {
      id: 'PAGE-1',
      time: Date.now(),
      messaging: [{ sender: { id: psid }, recipient: { id: 'PAGE-1' }, timestamp: Date.now(), ...event }],
    },
  ],
});
const postMessenger = (body: unknown, secret = DEV_MESSENGER_APP_SECRET) => {
  const raw = JSON.stringify(body);
  return stack.call('POST', '/v1/webhooks/messenger', {
    body: raw,
    headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` },
  });
};
const messenger = async (psid: string, event: Record<string, unknown>) => {
  const res = await postMessenger(fbBody(psid, event));
  expect(res.status, res.text).toBe(200);
  return res.json.messages[0] as { messageId: string; reply: string; requestNumber: string | null };
};
const text = (t: string, mid = nextId('m')) => ({ message: { mid, text: t } });

describe('Zalo Official Account', () => {
  it('links the Zalo user by a code to the account phone, then registers a no-power complaint in Vietnamese', async () => {
    const n = C(20);
    await setLanguage(n, 'vi');
    const user = nextId('zalo-user');
    // A stranger first: English, and the menu.
    expect((await zalo(user, 'xin chào')).reply).toMatch(/1\. Register a complaint\n2\. .*\n3\. My bill/);
    // Bills wait for the link: the number is asked for, then a code goes to the account's phone.
    expect((await zalo(user, '3')).reply).toMatch(/13-digit consumer number/);
    const stated = await zalo(user, n);
    const phone = await phoneOf(n);
    expect(stated.reply).toContain(
      `6-digit code by SMS to the phone registered on that account (ending in ${phone.slice(-2)})`,
    );
    // …and the bill it waited for is not read out to an unlinked user.
    expect(stated.reply).toMatch(/shared here only once this Zalo account is linked/);
    const { sms, code } = await codeSentFor('zalo', stated.msgId);
    expect(sms).toMatchObject({ channel: 'sms', recipient: phone });
    expect(sms!.body).toContain(`mã khách hàng ${n} là ${code}`);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await zalo(user, wrong)).reply).toMatch(/^That code is not right or has expired/);
    const linked = await zalo(user, code!);
    expect(linked.reply).toMatch(
      new RegExp(
        `^Tài khoản Zalo này đã được liên kết với mã khách hàng ${n}\\. Để hủy liên kết, hãy gửi "hủy liên kết"\\.`,
      ),
    );
    const [link] = await stack.db.select().from(channelLinks).where(eq(channelLinks.userId, user));
    expect(link).toMatchObject({ channel: 'zalo', consumerNumber: n, offerNumber: null, codeHash: null });
    expect(link!.linkedAt).toBeInstanceOf(Date);

    // The menu in Vietnamese; complaint 1, type 1 (no power, the catalogue's first).
    expect((await zalo(user, '1')).reply).toMatch(/^Bạn muốn khiếu nại về việc gì\?/);
    const made = await zalo(user, '1');
    expect(made.requestNumber).toMatch(/^CR-/);
    const rn = made.requestNumber!;
    expect(made.reply).toMatch(
      new RegExp(`^(Đã đăng ký khiếu nại ${rn} \\(|Khiếu nại ${rn}: việc mất điện)`),
    );
    const state = (await complaint(rn)).json;
    expect(state).toMatchObject({ typeCode: 'no-power', consumerNumber: n, reports: [{ channel: 'zalo' }] });
    // The reply went to the Zalo user (the sandbox stands in for the OA API), once.
    const [reply] = await outbox(`reply/zalo/${made.msgId}`);
    expect(reply).toMatchObject({ channel: 'zalo', recipient: user, body: made.reply });
    expect((await messageRow('zalo', made.msgId))?.repliedAt).toBeInstanceOf(Date);

    // A re-delivery of the same msg_id: the same answer, no second complaint, no second reply.
    const again = await zalo(user, '1', made.msgId);
    expect(again).toMatchObject({ duplicate: true, requestNumber: rn, reply: made.reply });
    expect((await complaint(rn)).json.reports).toHaveLength(1);
    expect(await outbox(`reply/zalo/${made.msgId}`)).toHaveLength(1);

    // Linked: status and bill are read out, in Vietnamese.
    expect((await zalo(user, '2')).reply).toContain(rn);
    expect((await zalo(user, '3')).reply).toMatch(/^Hóa đơn kỳ \d{4}-\d{2}: /);
    // Unlinking, in the consumer's words: the link goes, bills wait for a new one.
    expect((await zalo(user, 'Huỷ liên kết')).reply).toBe(
      `Tài khoản Zalo này không còn liên kết với mã khách hàng ${n}. Gửi một mã khách hàng để liên kết lại.`,
    );
    expect(await stack.db.select().from(channelLinks).where(eq(channelLinks.userId, user))).toHaveLength(0);
    expect((await zalo(user, '3')).reply).toMatch(/13-digit consumer number/);
    expect((await zalo(user, 'unlink')).reply).toBe(
      'This Zalo account is not linked to any consumer number.',
    );
  });

  it('lets an unlinked user report a fault for a number (as a neighbour may), answered in English', async () => {
    const n = C(22);
    await setLanguage(n, 'vi');
    const made = await zalo(nextId('zalo-neighbour'), `NP ${n}`);
    expect(made.requestNumber).toMatch(/^CR-/);
    expect(made.reply).toMatch(/registered \(No power \(individual\)\)|part of a known outage/);
  });

  it('ignores what the OA itself sent and follows; a sticker gets the menu', async () => {
    const echo = await postZalo({ ...zaloEvent('u-echo', 'hi'), event_name: 'oa_send_text' });
    expect(echo.json).toEqual({ messages: [] });
    const follow = {
      app_id: DEV_ZALO_APP_ID,
      event_name: 'follow',
      timestamp: String(Date.now()),
      follower: { id: 'u-f' },
    };
    expect((await postZalo(follow)).json).toEqual({ messages: [] });
    const sticker = {
      ...zaloEvent(nextId('zalo-user'), ''),
      event_name: 'user_send_sticker',
      message: { msg_id: nextId('zmsg'), attachments: [{ type: 'sticker' }] },
    };
    const res = await postZalo(sticker);
    expect(res.json.messages[0].reply).toMatch(/1\. Register a complaint/);
  });

  it('refuses bad signatures (401, nothing recorded) and names the field of a malformed event (400)', async () => {
    const event = zaloEvent('u-forged', `NP ${C(23)}`);
    const forged = await postZalo(event, { secret: 'not-the-oa-secret-key-at-all' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await postZalo(event, { signature: '' })).status).toBe(401);
    // HMAC instead of the documented plain SHA-256: refused too.
    const raw = JSON.stringify(event);
    const hmac = createHmac('sha256', DEV_ZALO_OA_SECRET_KEY)
      .update(`${DEV_ZALO_APP_ID}${raw}${event.timestamp}`)
      .digest('hex');
    expect((await postZalo(event, { signature: `mac=${hmac}` })).status).toBe(401);
    // Signed, but for another app, or two days old (a replay past Zalo's retries).
    expect((await postZalo({ ...event, app_id: '999' })).status).toBe(401);
    const old = zaloEvent('u-old', `NP ${C(23)}`, nextId('zmsg'), Date.now() - 2 * 86_400_000);
    expect((await postZalo(old)).status).toBe(401);
    expect(await messageRow('zalo', event.message.msg_id)).toBeUndefined();
    expect(await messageRow('zalo', old.message.msg_id)).toBeUndefined();
    // Correctly signed but malformed: 400 naming the field.
    const { msg_id: _drop, ...noId } = event.message;
    const missing = await postZalo({ ...event, message: noId });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ field: 'message.msg_id', message: 'required' }]);
    const noSender = await postZalo({ ...event, sender: undefined });
    expect(noSender.json.errors).toEqual([{ field: 'sender', message: 'required' }]);
    // Nothing was taken: the genuine delivery still registers.
    expect((await postZalo(event)).json.messages[0].requestNumber).toMatch(/^CR-/);
  });
});

describe('Facebook Messenger', () => {
  it('answers the GET verification only with the verify token', async () => {
    const ok = await stack.call(
      'GET',
      `/v1/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${DEV_MESSENGER_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const wrong = await stack.call(
      'GET',
      '/v1/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
    );
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(
      (
        await stack.call(
          'GET',
          `/v1/webhooks/messenger?hub.mode=unsubscribe&hub.verify_token=${DEV_MESSENGER_VERIFY_TOKEN}`,
        )
      ).status,
    ).toBe(403);
  });

  it('carries a postback through the link and registers a no-power complaint from a quick reply, in Russian', async () => {
    const n = C(21);
    await setLanguage(n, 'ru');
    const psid = nextId('psid');
    // The persistent menu's button first: the number is asked for.
    const asked = await messenger(psid, {
      postback: { mid: nextId('pb'), title: 'Complaint', payload: 'menu:complaint' },
    });
    expect(asked.reply).toMatch(/13-digit consumer number/);
    // The number: a code goes to the account's phone, and the complaint menu it waited for follows.
    const stated = await messenger(psid, text(n));
    expect(stated.reply).toMatch(
      /this Messenger account must be linked to it[\s\S]*\n\nWhat is the complaint\?/,
    );
    const { sms, code } = await codeSentFor('messenger', stated.messageId);
    expect(sms!.body).toContain(`код для привязки Messenger к номеру потребителя ${n}: ${code}`);
    const linked = await messenger(psid, text(code!));
    expect(linked.reply).toMatch(
      new RegExp(
        `^Этот аккаунт Messenger привязан к номеру потребителя ${n}\\. Чтобы отвязать его, отправьте «отвязать»\\.`,
      ),
    );
    // A quick reply's payload picks the type.
    const mid = nextId('m');
    const made = await messenger(psid, {
      message: { mid, text: 'No power', quick_reply: { payload: 'type:no-power' } },
    });
    expect(made.requestNumber).toMatch(/^CR-/);
    const rn = made.requestNumber!;
    expect(made.reply).toMatch(new RegExp(`^(Жалоба ${rn} зарегистрирована \\(|Жалоба ${rn}: отключение)`));
    expect(made.reply.replace(rn, '')).not.toMatch(/[A-Za-z]{3,}/); // no English left in it
    expect((await complaint(rn)).json).toMatchObject({
      typeCode: 'no-power',
      reports: [{ channel: 'messenger' }],
    });
    const [reply] = await outbox(`reply/messenger/${mid}`);
    expect(reply).toMatchObject({ channel: 'messenger', recipient: psid, body: made.reply });

    // Re-delivered by Meta: the first answer, no second complaint, no second reply.
    const again = await postMessenger(
      fbBody(psid, { message: { mid, text: 'No power', quick_reply: { payload: 'type:no-power' } } }),
    );
    expect(again.json.messages[0]).toMatchObject({ duplicate: true, requestNumber: rn, reply: made.reply });
    expect((await complaint(rn)).json.reports).toHaveLength(1);
    expect(await outbox(`reply/messenger/${mid}`)).toHaveLength(1);
    expect((await messenger(psid, text('2'))).reply).toContain(rn);
  });

  it('ignores echoes of the Page’s own messages, deliveries and reads', async () => {
    const mid = nextId('echo');
    const res = await postMessenger({
      object: 'page',
      entry: [
        {
          id: 'PAGE-1',
          time: Date.now(),
          messaging: [
            {
              sender: { id: 'PAGE-1' },
              recipient: { id: 'psid-x' },
              timestamp: Date.now(),
              message: { mid, text: `NP ${C(24)}`, is_echo: true, app_id: 1 },
            },
            {
              sender: { id: 'psid-x' },
              recipient: { id: 'PAGE-1' },
              delivery: { mids: ['m1'], watermark: 1 },
            },
            { sender: { id: 'psid-x' }, recipient: { id: 'PAGE-1' }, read: { watermark: 1 } },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.messages).toEqual([]);
    expect(await messageRow('messenger', mid)).toBeUndefined();
  });

  it('does not read out bills to an unlinked user, and refuses forged or malformed events', async () => {
    const psid = nextId('psid');
    await messenger(psid, text(C(25)));
    expect((await messenger(psid, text('3'))).reply).toMatch(
      /shared here only once this Messenger account is linked/,
    );

    const mid = nextId('m');
    const forged = await postMessenger(fbBody(psid, text(`NP ${C(25)}`, mid)), 'a-forged-app-secret-value');
    expect(forged.status).toBe(401);
    const unsigned = await stack.call('POST', '/v1/webhooks/messenger', { body: fbBody(psid, text('hi')) });
    expect(unsigned.status).toBe(401);
    expect(await messageRow('messenger', mid)).toBeUndefined();
    const notPage = await postMessenger({ ...fbBody(psid, text('hi')), object: 'instagram' });
    expect(notPage.status).toBe(400);
    expect(notPage.json.errors).toEqual([
      { field: 'object', message: 'must be "page" (a Page subscription)' },
    ]);
    const noMid = await postMessenger(fbBody(psid, { message: { text: 'hi' } }));
    expect(noMid.json.errors).toEqual([{ field: 'entry.0.messaging.0.message.mid', message: 'required' }]);
  });
});

describe('CHANNELS_ENABLED', () => {
  it('answers 404 problem+json on a channel the deployment does not offer, and nothing else changes', async () => {
    const narrow = await startTestStack({
      worker: false,
      env: { CHANNELS_ENABLED: 'sms,whatsapp,ivr,email' },
    });
    try {
      const event = zaloEvent('u-off', `NP ${C(26)}`);
      const raw = JSON.stringify(event);
      const off = await narrow.call('POST', '/v1/webhooks/zalo', {
        body: raw,
        headers: { 'x-zevent-signature': zaloMac(raw, event.timestamp) },
      });
      expect(off.status).toBe(404);
      expect(off.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(off.json.detail).toBe('the zalo channel is not offered here');
      expect(
        (
          await narrow.call(
            'GET',
            `/v1/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${DEV_MESSENGER_VERIFY_TOKEN}&hub.challenge=1`,
          )
        ).status,
      ).toBe(404);
      expect(
        (await narrow.call('POST', '/v1/webhooks/messenger', { body: fbBody('p', text('hi')) })).status,
      ).toBe(404);
      expect(await messageRow('zalo', event.message.msg_id)).toBeUndefined();
      // The channels it offers still answer (here: unsigned, so 401, not 404).
      expect(
        (await narrow.call('POST', '/v1/webhooks/sms', { body: { messageId: 'x', from: '+91', text: 'NP' } }))
          .status,
      ).toBe(401);
    } finally {
      await narrow.stop();
    }
  });
});

describe('a platform that cannot take the reply', () => {
  it('answers 503 + Retry-After, keeps the answer, and sends the reply on the re-delivery', async () => {
    const failing = await startTestStack({
      worker: false,
      env: { SANDBOX_CHANNELS: 'zalo=fail,messenger=fail', CHANNELS_ENABLED: 'zalo,messenger' },
    });
    try {
      const user = nextId('zalo-user');
      const event = zaloEvent(user, 'hi');
      const raw = JSON.stringify(event);
      const down = await failing.call('POST', '/v1/webhooks/zalo', {
        body: raw,
        headers: { 'x-zevent-signature': zaloMac(raw, event.timestamp) },
      });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      const msgId = event.message.msg_id;
      expect(await outbox(`reply/zalo/${msgId}`)).toHaveLength(0);
      expect(await messageRow('zalo', msgId)).toMatchObject({ status: 'done', repliedAt: null });
      // Zalo delivers again (here to a process whose sandbox delivers): the kept answer, sent now.
      const again = await postZalo(event);
      expect(again.status).toBe(200);
      expect(again.json.messages[0]).toMatchObject({ duplicate: true });
      expect(again.json.messages[0].reply).toMatch(/1\. Register a complaint/);
      expect(await outbox(`reply/zalo/${msgId}`)).toHaveLength(1);
      expect((await messageRow('zalo', msgId))?.repliedAt).toBeInstanceOf(Date);

      const fb = fbBody(nextId('psid'), text('hi'));
      const raw2 = JSON.stringify(fb);
      const fbDown = await failing.call('POST', '/v1/webhooks/messenger', {
        body: raw2,
        headers: {
          'x-hub-signature-256': `sha256=${createHmac('sha256', DEV_MESSENGER_APP_SECRET).update(raw2).digest('hex')}`,
        },
      });
      expect(fbDown.status).toBe(503);
    } finally {
      await failing.stop();
    }
  });
});
