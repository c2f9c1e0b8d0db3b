import { createHmac } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CHANNEL_WEBHOOK_SECRET, DEV_WHATSAPP_APP_SECRET, DEV_WHATSAPP_VERIFY_TOKEN } from '../config';
import { channelMessages, consumers, devOutbox, notifications, openComplaints } from '../db/schema';
import { npFormatHelp } from '../domain/complaint-catalogue';
import { saveHistories } from './helpers/histories';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

let stack: TestStack;
let agent: string;
beforeAll(async () => {
  stack = await startTestStack();
  agent = await stack.token({ role: 'agent', office: 'circle-tvm' });
  // Replies follow the consumer's language: these consumers read English (one test sets Malayalam).
  await stack.db
    .update(consumers)
    .set({ language: 'en' })
    .where(like(consumers.consumerNumber, '11612000000%'));
});
afterAll(async () => {
  if (stack) await saveHistories(stack, 'complaintWorkflow', 'test/.histories-latest-channels');
  await stack?.stop();
});

// Consumers of sec-vizhinjam are this file's own.
const C = (n: number) => `11612000000${String(n).padStart(2, '0')}`;
const signer = new Webhook(DEV_CHANNEL_WEBHOOK_SECRET);
let seq = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now()}-${++seq}`;

/** A gateway delivering a signed message (optionally re-delivering a given webhook id, or at another time). */
const deliver = (path: string, body: unknown, options: { at?: Date; secret?: string } = {}) => {
  const raw = JSON.stringify(body);
  const at = options.at ?? new Date();
  const id = nextId('wh');
  const sign = options.secret ? new Webhook(options.secret) : signer;
  return stack.call('POST', path, {
    body: raw,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': sign.sign(id, at, raw),
    },
  });
};
const sms = (text: string, messageId = nextId('sms'), from = '+919400000001') =>
  deliver('/v1/webhooks/sms', { messageId, from, text });
/** The reply to a new complaint is sent by its workflow, a moment after the answer: wait for it. */
const outboxFor = (reference: string) =>
  waitFor(
    async () => (await stack.db.select().from(devOutbox).where(eq(devOutbox.idempotencyKey, reference)))[0],
    (row) => row !== undefined,
  );
const phoneOf = async (consumerNumber: string) =>
  (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, consumerNumber)))[0]!.phone;
const complaint = (rn: string) => stack.call('GET', `/v1/complaints/${rn}`, { token: agent });

describe('SMS: NP <consumer number>', () => {
  it('registers a no-power complaint and replies with its number; a re-delivery creates nothing more', async () => {
    const messageId = nextId('sms');
    const first = await sms('  np   ' + C(1) + ' ', messageId);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(Object.keys(first.json).sort()).toEqual(['duplicate', 'reply', 'requestNumber']);
    expect(first.json).toMatchObject({ duplicate: false, requestNumber: expect.stringMatching(/^CR-/) });
    const rn = first.json.requestNumber as string;
    expect(first.json.reply).toContain(`Complaint ${rn} registered (No power (individual))`);
    expect((await outboxFor(`reply/sms/${messageId}`))?.body).toBe(first.json.reply);
    expect((await outboxFor(`reply/sms/${messageId}`))?.recipient).toBe('+919400000001');

    const again = await sms('NP ' + C(1), messageId);
    expect(again.json).toMatchObject({ duplicate: true, requestNumber: rn, reply: first.json.reply });
    expect((await complaint(rn)).json.reports).toHaveLength(1);

    // A new message about the same open complaint joins it: the consumer gets the same number.
    const joined = await sms('NP ' + C(1));
    expect(joined.json.requestNumber).toBe(rn);
    expect(joined.json.reply).toMatch(/already been reported/);
    expect((await complaint(rn)).json.reports).toHaveLength(2);
    const slots = await stack.db
      .select()
      .from(openComplaints)
      .where(eq(openComplaints.consumerNumber, C(1)));
    expect(slots).toHaveLength(1);

    // Resolved, but the power is still off: NP again reopens the same complaint.
    const executive = await stack.token({ role: 'executive', office: 'sec-vizhinjam' });
    const resolved = await stack.call('POST', `/v1/complaints/${rn}/resolve`, {
      token: executive,
      body: { resolution: 'service fuse replaced' },
    });
    expect(resolved.json.status).toBe('resolved');
    const stillOut = await sms('NP ' + C(1));
    expect(stillOut.json.requestNumber).toBe(rn);
    expect(stillOut.json.reply).toMatch(/not fixed\. Complaint .* is reopened/);
    expect((await complaint(rn)).json).toMatchObject({ status: 'open', reopenCount: 1 });
  });

  it('tells the consumer once: a written reply to their own phone is not repeated as a notice; a stranger’s report is', async () => {
    const noticesOf = async (rn: string) =>
      (await stack.db.select().from(notifications))
        .filter((n) => n.key.startsWith(`${rn}/`))
        .map((n) => n.template);
    // From the consumer's registered phone: the SMS reply carries the number and the time; no notice again.
    const own = await sms('NP ' + C(9), nextId('sms'), await phoneOf(C(9)));
    const rn = own.json.requestNumber as string;
    expect(own.json.reply).toContain(`Complaint ${rn} registered`);
    const executive = await stack.token({ role: 'executive', office: 'sec-vizhinjam' });
    await stack.call('POST', `/v1/complaints/${rn}/resolve`, {
      token: executive,
      body: { resolution: 'fuse replaced' },
    });
    const reopened = await sms('NP ' + C(9), nextId('sms'), await phoneOf(C(9)));
    expect(reopened.json.reply).toMatch(/is reopened/);
    // the "resolved" notice is the only one: it came from staff, not as an answer to the consumer
    await waitFor(
      () => noticesOf(rn),
      (t) => t.includes('complaint-resolved'),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await noticesOf(rn)).sort()).toEqual(['complaint-resolved']);

    // From a phone that is not the consumer's: the reply went to the stranger, so the consumer is told.
    const stranger = await sms('NP ' + C(10), nextId('sms'), '+919400000077');
    const other = stranger.json.requestNumber as string;
    expect(
      await waitFor(
        () => noticesOf(other),
        (t) => t.length > 0,
      ),
    ).toEqual(['complaint-registered']);
  });

  it('answers garbage and unknown numbers with help, creating nothing', async () => {
    for (const text of ['hello', 'NP', 'NP 12345', `NP ${C(2)} now`, '']) {
      const res = await sms(text);
      expect(res.status, text).toBe(200);
      expect(res.json, text).toMatchObject({ reply: npFormatHelp(), requestNumber: null });
    }
    const unknown = await sms('NP 1161299999999');
    expect(unknown.json.reply).toMatch(/could not find consumer number 1161299999999/);
    expect(unknown.json.requestNumber).toBeNull();
    expect(
      await stack.db
        .select()
        .from(openComplaints)
        .where(eq(openComplaints.consumerNumber, C(2))),
    ).toHaveLength(0);
  });

  it('refuses unsigned, forged, stale and malformed deliveries before reading them', async () => {
    const messageId = nextId('sms');
    const body = { messageId, from: '+919400000002', text: `NP ${C(3)}` };
    expect((await stack.call('POST', '/v1/webhooks/sms', { body })).status).toBe(401);
    expect(
      (await deliver('/v1/webhooks/sms', body, { secret: 'whsec_Zm9yZ2VkLXNlY3JldC1mb3ItdGVzdHM=' })).status,
    ).toBe(401);
    expect((await deliver('/v1/webhooks/sms', body, { at: new Date(Date.now() - 3_600_000) })).status).toBe(
      401,
    );
    expect(
      await stack.db.select().from(channelMessages).where(eq(channelMessages.messageId, messageId)),
    ).toHaveLength(0);
    const missing = await deliver('/v1/webhooks/sms', { messageId, from: '+919400000002' });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ field: 'text', message: 'required' }]);
    // Correctly signed, but not JSON: 400 naming the body, on every Standard Webhooks channel.
    for (const path of ['/v1/webhooks/sms', '/v1/webhooks/ivr', '/v1/webhooks/email']) {
      const raw = 'messageId=1&text=NP';
      const id = nextId('wh');
      const at = new Date();
      const notJson = await stack.call('POST', path, {
        body: raw,
        headers: {
          'content-type': 'application/json',
          ...signedChannelWebhook(id, at, raw),
        },
      });
      expect(notJson.status, path).toBe(400);
      expect(notJson.json.errors, path).toEqual([{ field: '(body)', message: 'send the event as JSON' }]);
    }
    // Signed, but sent as a form: 415 before the bytes are read.
    const raw = JSON.stringify(body);
    const formId = nextId('wh');
    const formAt = new Date();
    const asForm = await stack.call('POST', '/v1/webhooks/sms', {
      body: raw,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signedChannelWebhook(formId, formAt, raw),
      },
    });
    expect(asForm.status).toBe(415);
    const huge = await deliver('/v1/webhooks/sms', { ...body, text: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    // Nothing was taken: the genuine delivery still goes through.
    expect((await deliver('/v1/webhooks/sms', body)).json.requestNumber).toMatch(/^CR-/);
  });
});

describe('WhatsApp (Meta Cloud API)', () => {
  const wa = (from: string, message: Record<string, unknown>, secret = DEV_WHATSAPP_APP_SECRET) => {
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
                metadata: { display_phone_number: '914712000000', phone_number_id: 'PNID' },
                contacts: [{ profile: { name: 'Consumer' }, wa_id: from }],
                messages: [
                  { from, id: nextId('wamid'), timestamp: String(Math.floor(Date.now() / 1000)), ...message },
                ],
              },
            },
          ],
        },
      ],
    });
    return stack.call('POST', '/v1/webhooks/whatsapp', {
      body: raw,
      headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` },
    });
  };
  const text = (body: string) => ({ type: 'text', text: { body } });
  const pick = (id: string) => ({
    type: 'interactive',
    interactive: { type: 'list_reply', list_reply: { id } },
  });
  const replyOf = (res: { json: any }) => res.json.messages[0].reply as string;

  it('answers the subscription handshake only with the verify token', async () => {
    const ok = await stack.call(
      'GET',
      `/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${DEV_WHATSAPP_VERIFY_TOKEN}&hub.challenge=42`,
    );
    expect(ok.text).toBe('42');
    expect(
      (
        await stack.call(
          'GET',
          '/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
        )
      ).status,
    ).toBe(403);
  });

  it('knows a registered phone: menu, status, bill, and a complaint from the list', async () => {
    const [me] = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, C(4)));
    const from = me!.phone.replace('+', '');
    expect(replyOf(await wa(from, text('hi')))).toMatch(/1\. Register a complaint/);
    expect(replyOf(await wa(from, text('2')))).toBe('You have no open complaints or requests.');
    expect(replyOf(await wa(from, text('3')))).toMatch(/Bill for \d{4}-\d{2}: ₹/);
    expect(replyOf(await wa(from, pick('menu:complaint')))).toMatch(/What is the complaint\?/);
    const made = await wa(from, pick('type:low-voltage'));
    expect(made.json.messages[0].requestNumber).toMatch(/^CR-/);
    expect(replyOf(made)).toMatch(/registered \(Low voltage\)/);
    expect(replyOf(await wa(from, text('2')))).toContain(
      `${made.json.messages[0].requestNumber} Low voltage: open`,
    );
    expect((await complaint(made.json.messages[0].requestNumber)).json.reports[0].channel).toBe('whatsapp');
  });

  it('asks an unknown phone for the consumer number, then carries on', async () => {
    const from = '919999000123';
    expect(replyOf(await wa(from, pick('menu:bill')))).toMatch(/13-digit consumer number/);
    expect(replyOf(await wa(from, text('1161299999999')))).toMatch(/could not find/);
    // Another's account: a complaint may be registered for it, but its bill is not read out here.
    expect(replyOf(await wa(from, text(C(5))))).toMatch(
      /only with the phone number registered on that account/,
    );
    expect(replyOf(await wa(from, text('9')))).toMatch(/^Sorry, I did not understand "9"/);
    const np = await wa(from, text(`np ${C(5)}`));
    expect(np.json.messages[0].requestNumber).toMatch(/^CR-/);
    expect(replyOf(np)).toMatch(/registered \(No power \(individual\)\)/);
  });

  it('refuses a forged signature and ignores status-only payloads', async () => {
    expect((await wa('919999000124', text('hi'), 'wrong-secret-wrong-secret')).status).toBe(401);
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ value: { statuses: [] } }] }],
    });
    const res = await stack.call('POST', '/v1/webhooks/whatsapp', {
      body: raw,
      headers: {
        'x-hub-signature-256': `sha256=${createHmac('sha256', DEV_WHATSAPP_APP_SECRET).update(raw).digest('hex')}`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.messages).toEqual([]);
  });
});

describe("replies in the consumer's language", () => {
  it('answers a Malayalam reader in Malayalam once the number is known', async () => {
    await stack.db
      .update(consumers)
      .set({ language: 'ml' })
      .where(eq(consumers.consumerNumber, C(8)));
    const phone = await phoneOf(C(8));
    const res = await sms(`NP ${C(8)}`, nextId('sms'), phone);
    expect(res.json.reply).toMatch(new RegExp(`^പരാതി ${res.json.requestNumber} രജിസ്റ്റർ ചെയ്തു`));
    // the complaint type in Malayalam too, from the catalogue: no English words in the reply
    expect(res.json.reply).toContain('വൈദ്യുതി ഇല്ല (വ്യക്തിഗതം)');
    expect(res.json.reply.replace(res.json.requestNumber, '')).not.toMatch(/[A-Za-z]/);
    // "The status of my requests" (on the IVR, from the registered phone): the complaint named
    // from the catalogue's Malayalam too.
    const status = (
      await deliver('/v1/webhooks/ivr', {
        messageId: nextId('ivr'),
        callId: 'call-ml-status',
        caller: phone,
        consumerNumber: C(8),
        digits: '3',
      })
    ).json.reply as string;
    expect(status).toMatch(/^നിങ്ങളുടെ തുറന്ന പരാതികളും അപേക്ഷകളും:/);
    expect(status).toContain(`${res.json.requestNumber} വൈദ്യുതി ഇല്ല (വ്യക്തിഗതം)`);
    expect(status).not.toContain('No power');
    const ivrMenu = await deliver('/v1/webhooks/ivr', {
      messageId: nextId('ivr'),
      callId: 'call-ml',
      caller: phone,
      consumerNumber: C(8),
      digits: '',
    });
    expect(ivrMenu.json.reply).toMatch(/^വൈദ്യുതി ഇല്ലെങ്കിൽ 1 അമർത്തുക/);
    // Someone else reporting for this account is answered in English: the account's language is its own.
    const neighbour = await sms(`NP ${C(8)}`);
    expect(neighbour.json.reply).toMatch(/^This has already been reported/);
  });
});

describe('IVR', () => {
  const ivr = (digits: string, consumerNumber?: string, caller = '+919400000009') =>
    deliver('/v1/webhooks/ivr', {
      messageId: nextId('ivr'),
      callId: 'call-1',
      caller,
      consumerNumber,
      digits,
    });

  it('speaks the menu, asks for the number, registers, and reads back status, bill and outages', async () => {
    expect((await ivr('')).json.reply).toMatch(/For no power, press 1/);
    expect((await ivr('1')).json.reply).toMatch(/enter your 13-digit consumer number/);
    const made = await ivr('1', C(6));
    expect(made.json.requestNumber).toMatch(/^CR-/);
    expect((await ivr('2', C(6))).json.reply).toMatch(/For low voltage, press 1/);
    const other = await ivr('21', C(6));
    expect(other.json.reply).toMatch(/registered \(Low voltage\)/);
    // Status and bill only to the account's own phone (caller ID).
    expect((await ivr('4', C(6))).json.reply).toMatch(/shared only with the phone number registered/);
    const own = await phoneOf(C(6));
    expect((await ivr('3', C(6), own)).json.reply).toContain(made.json.requestNumber);
    expect((await ivr('4', C(6), own)).json.reply).toMatch(/Bill for/);
    expect((await ivr('5', C(6))).json.reply).toMatch(/no outage on your supply/);
    expect((await ivr('7', C(6))).json.reply).toMatch(/not in the menu/);
    expect((await ivr('1', '1161299999999')).json.reply).toMatch(/could not find/);
  });
});

describe('e-mail', () => {
  const mail = (subject: string, text: string, messageId = nextId('mail')) =>
    deliver('/v1/webhooks/email', { messageId, from: 'resident@example.in', subject, text });

  it('finds the consumer number and the kind of complaint, and replies by e-mail', async () => {
    const res = await mail(`Meter not working - ${C(7)}`, 'The meter display is blank since Monday.');
    expect(res.json.requestNumber).toMatch(/^CR-/);
    expect(res.json.reply).toMatch(/registered \(Meter defective\)/);
    const [row] = await waitFor(
      () => stack.db.select().from(devOutbox).where(eq(devOutbox.recipient, 'resident@example.in')),
      (rows) => rows.length > 0,
    );
    expect(row?.body).toBe(res.json.reply);
    const state = (await complaint(res.json.requestNumber)).json;
    expect(state).toMatchObject({ typeCode: 'meter-defective', reports: [{ channel: 'email' }] });
  });

  it('asks for the consumer number when there is none', async () => {
    const res = await mail('No power since morning', 'Please help, our street has no power.');
    expect(res.json).toMatchObject({ requestNumber: null });
    expect(res.json.reply).toMatch(/could not find your consumer number/);
  });
});
