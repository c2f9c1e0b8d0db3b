import { createHmac } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CHANNEL_WEBHOOK_SECRET, DEV_WHATSAPP_APP_SECRET } from '../config';
import { consumers, devOutbox, notificationAttempts, notifications, offices } from '../db/schema';
import { npFormatHelp } from '../domain/complaint-catalogue';
import { toE164 } from '../domain/phone';
import { awayFromQuietHours, localClock, startProfileStack } from './helpers/profile-stack';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';

/** The EVN SPC deployment: Vietnamese customer codes, Ho Chi Minh City time, đồng, +84. */
let stack: TestStack;
beforeAll(async () => {
  // E-mail refuses: a notice falls back along the profile's chain (sms, email, voice, post).
  stack = await startProfileStack('evn-spc', {
    env: { SANDBOX_CHANNELS: 'email=refuse', QUIET_HOURS: awayFromQuietHours(420) },
  });
}, 120_000);
afterAll(async () => stack?.stop());

const signer = new Webhook(DEV_CHANNEL_WEBHOOK_SECRET);
let seq = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now()}-${++seq}`;
const sms = (text: string, from: string, messageId = nextId('sms')) => {
  const raw = JSON.stringify({ messageId, from, text });
  const at = new Date();
  const id = nextId('wh');
  return stack.call('POST', '/v1/webhooks/sms', {
    body: raw,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(id, at, raw),
    },
  });
};
const wa = (from: string, body: string) => {
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '842513000000', phone_number_id: 'PNID' },
              contacts: [{ profile: { name: 'Khách hàng' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: nextId('wamid'),
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return stack.call('POST', '/v1/webhooks/whatsapp', {
    body: raw,
    headers: {
      'x-hub-signature-256': `sha256=${createHmac('sha256', DEV_WHATSAPP_APP_SECRET).update(raw).digest('hex')}`,
    },
  });
};
const consumer = async (n: string) =>
  (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, n)))[0]!;

describe('the evn-spc profile', () => {
  it('serves its own demo data: EVN offices, customer codes, Vietnamese names and +84 phones', async () => {
    expect(stack.config.profile.id).toBe('evn-spc');
    const [circle] = await stack.db.select().from(offices).where(eq(offices.id, 'circle-dongnai'));
    expect(circle?.name).toBe('Công ty Điện lực Đồng Nai');
    const rows = await stack.db.select().from(consumers).where(like(consumers.consumerNumber, 'PB01%'));
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.every((c) => /^PB\d{10}$/.test(c.consumerNumber))).toBe(true);
    expect(rows.every((c) => c.phone.startsWith('+84') && toE164(c.phone) === c.phone)).toBe(true);
    // A number typed without a country code is Vietnamese here.
    expect(toE164('0908 123 456')).toBe('+84908123456');
  });

  it('refuses a KSEB consumer number, naming the EVN format, and takes an EVN code on the account route', async () => {
    const agent = await stack.token({ role: 'agent', office: 'circle-dongnai' });
    const bad = await stack.call('GET', '/v1/consumers/1154600000001/account', { token: agent });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/customer code like PE0100012345/);
    const ok = await stack.call('GET', '/v1/consumers/PB0101000003/account', { token: agent });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.consumerNumber).toBe('PB0101000003');
  });

  it('an NP SMS with an EVN customer code registers a no-power complaint; a KSEB number gets the EVN format', async () => {
    const number = 'PB0101000005';
    const from = (await consumer(number)).phone;
    const res = await sms(`np ${number.toLowerCase()}`, from);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ duplicate: false, requestNumber: expect.stringMatching(/^CR-/) });
    const wrong = await sms('NP 1154600000001', from);
    expect(wrong.json.reply).toBe(npFormatHelp(stack.config.profile.consumerNumber));
    expect(wrong.json.reply).toContain('NP PE0100012345');
  });

  it('answers a bill in đồng, in the consumer’s language and Vietnamese formats', async () => {
    const number = 'PB0101000007';
    await stack.db.update(consumers).set({ language: 'vi' }).where(eq(consumers.consumerNumber, number));
    const from = (await consumer(number)).phone.replace('+', '');
    await wa(from, number);
    const reply = (await wa(from, '3')).json.messages[0].reply as string;
    expect(reply).toMatch(/₫/);
    expect(reply).not.toMatch(/₹/);
    // vi-VN groups thousands with dots: "123.400 ₫"
    expect(reply).toMatch(/\d{1,3}(\.\d{3})+\s₫/);
  });

  it('an NP SMS inside an outage answers with the ETR in Viet Nam time; its notice falls back from e-mail to SMS', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'subdiv-bienhoa-1' });
    const etr = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 3_600_000);
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        transformerIds: ['dtr-tan-hiep-1'],
        reason: 'Nổ cầu chì MBA',
        etr: etr.toISOString(),
      },
    });
    expect(outage.status, outage.text).toBe(201);
    const number = 'PB0101000009'; // n = 9: fed by dtr-tan-hiep-1
    await stack.db
      .update(consumers)
      .set({ language: 'vi', preferredChannel: 'email', email: 'khach.hang.9@example.vn', optOuts: [] })
      .where(eq(consumers.consumerNumber, number));
    const from = (await consumer(number)).phone;
    const res = await sms(`NP ${number}`, from);
    expect(res.status, res.text).toBe(200);
    const rn = res.json.requestNumber as string;
    // The ETR as people in Biên Hòa read it: their clock (UTC+7), Vietnamese words, the zone named.
    const { hhmm, day } = localClock(etr, 420);
    expect(res.json.reply).toContain(`Khiếu nại ${rn}`);
    expect(res.json.reply).toContain(hhmm);
    expect(res.json.reply).toContain('(giờ Việt Nam)');
    expect(res.json.reply).toContain(String(day));

    // Registered by the call centre for a neighbour on the same transformer: the notice tells them.
    const neighbour = 'PB0101000012';
    await stack.db
      .update(consumers)
      .set({ language: 'vi', preferredChannel: 'email', email: 'khach.hang.12@example.vn', optOuts: [] })
      .where(eq(consumers.consumerNumber, neighbour));
    const agent = await stack.token({ role: 'agent', office: 'circle-dongnai' });
    const linked = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'no-power', consumerNumber: neighbour, channel: 'agent' },
    });
    expect(linked.status, linked.text).toBe(201);
    expect(linked.json).toMatchObject({ status: 'awaiting-restoration', outage: { id: outage.json.id } });
    const key = `${linked.json.requestNumber}/registered`;
    const notice = await waitFor(
      () =>
        stack.db
          .select()
          .from(notifications)
          .where(eq(notifications.key, key))
          .then((r) => r[0]),
      (n) => n?.status === 'delivered',
      30_000,
    );
    expect(notice).toMatchObject({ channel: 'sms', language: 'vi' });
    const attempts = await stack.db
      .select()
      .from(notificationAttempts)
      .where(eq(notificationAttempts.key, key));
    expect(attempts.sort((a, b) => a.attempt - b.attempt).map((a) => a.channel)).toEqual(['email', 'sms']);
    const [sent] = await stack.db
      .select()
      .from(devOutbox)
      .where(like(devOutbox.idempotencyKey, `${key}#%`));
    expect(sent).toMatchObject({ channel: 'sms', recipient: (await consumer(neighbour)).phone });
    expect(sent!.body).toContain('Dự kiến có điện lại');
    expect(sent!.body).toContain(hhmm);
  }, 60_000);
});
