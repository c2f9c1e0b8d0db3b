import { createServer, type IncomingMessage, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WEBHOOK_SECRET } from '../config';
import { consumers, notificationAttempts, notifications, printQueue, staffInbox } from '../db/schema';
import { renderNotice } from '../domain/notice-templates';
import { noticeWorkflowId, type TNoticeInput } from '../domain/notices';
import { openBytes } from '../lib/at-rest';
import { freePort } from '../scripts/lib/ports';
import { saveHistories } from './helpers/histories';
import { pdfFonts, pdfText } from './helpers/poppler';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';

/**
 * Notices end to end: the real notice workflow on the real Temporal server, the real HTTP
 * messaging adapter against a local gateway, and the real Resend SDK against a local server that
 * speaks Resend's API. Receipts come back through the signed webhook.
 */
type Received = { path: string; headers: IncomingMessage['headers']; body: any };
const gateway: Received[] = [];
const resend: Received[] = [];
const failing = new Set<string>();
let servers: Server[] = [];
let stack: TestStack;
let seq = 0;

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => resolve(data));
  });

async function listen(handler: (r: Received) => { status: number; body: unknown }) {
  const port = await freePort();
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const answer = handler({
        path: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${port}`;
}

const attemptsOf = (key: string) =>
  stack.db
    .select()
    .from(notificationAttempts)
    .where(eq(notificationAttempts.key, key))
    .then((rows) => rows.sort((a, b) => a.attempt - b.attempt));
const noticeRow = (key: string) =>
  stack.db
    .select()
    .from(notifications)
    .where(eq(notifications.key, key))
    .then((r) => r[0]);

const signer = new Webhook(DEV_WEBHOOK_SECRET);
const receipt = (provider: string, payload: unknown, sign = signer) => {
  const body = JSON.stringify(payload);
  const id = `msg_${++seq}`;
  const at = new Date();
  return stack.app.request(`/v1/webhooks/delivery/${provider}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': sign.sign(id, at, body),
    },
    body,
  });
};

async function startNotice(consumerNumber: string, template = 'request-received') {
  const input: TNoticeInput = {
    key: `test-notice/${consumerNumber}/${++seq}`,
    to: { consumerNumber },
    template,
    params: {
      requestNumber: 'SR-2026-000042-7',
      service: 'Address change',
      dueAt: '2026-11-26T11:30:00.000Z',
      area: 'Kowdiar',
    },
  };
  await stack.client.workflow.start('noticeWorkflow', {
    workflowId: noticeWorkflowId(input.key),
    taskQueue: stack.config.temporal.taskQueue,
    args: [input],
  });
  return input.key;
}

const setConsumer = (consumerNumber: string, values: Partial<typeof consumers.$inferInsert>) =>
  stack.db.update(consumers).set(values).where(eq(consumers.consumerNumber, consumerNumber));

beforeAll(async () => {
  const gatewayUrl = await listen((r) => {
    gateway.push(r);
    if (failing.has(r.body?.channel)) return { status: 503, body: { error: 'gateway down' } };
    return { status: 202, body: { message: { id: `gw-${gateway.length}` } } };
  });
  const resendUrl = await listen((r) => {
    resend.push(r);
    return { status: 200, body: { id: `em_${resend.length}` } };
  });
  // Quiet hours well away from now, so these urgent and non-urgent notices all go at once.
  const hour = (new Date().getUTCHours() + 5 + 12) % 24;
  const hh = (h: number) => String(h % 24).padStart(2, '0');
  stack = await startTestStack({
    env: {
      MESSAGING_URL: `${gatewayUrl}/messages`,
      MESSAGING_AUTH_HEADER: 'Bearer gateway-token',
      MESSAGING_PAYLOAD_TEMPLATE:
        '{"channel":"{{channel}}","to":"{{to}}","text":"{{text}}","ref":"{{reference}}"}',
      MESSAGING_ID_FIELD: 'message.id',
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: resendUrl,
      EMAIL_FROM: 'KSEB <notices@kseb.example>',
      NOTICE_RECEIPT_TIMEOUT_SECONDS: '3', // long enough to read an attempt before the next one under load
      QUIET_HOURS: `${hh(hour)}:00-${hh(hour + 1)}:00`,
    },
  });
});
afterAll(async () => {
  // The notice runs of this file, for test/histories/notice (see test/histories/README.md).
  if (stack) await saveHistories(stack, 'noticeWorkflow', 'test/.histories-latest-notice');
  await stack?.stop();
  for (const s of servers) s.close();
  servers = [];
});

describe('notices', () => {
  it('falls back when the first two channels fail, e-mails through Resend, and takes the signed receipt', async () => {
    const consumerNumber = '1154600000024';
    await setConsumer(consumerNumber, {
      preferredChannel: 'sms',
      email: 'anitha@example.in',
      language: 'ml',
      optOuts: [],
    });
    failing.add('sms').add('whatsapp');
    try {
      const key = await startNotice(consumerNumber);
      const sentMail = await waitFor(
        async () => resend.find((r) => r.headers['idempotency-key'] === `${key}#3`),
        Boolean,
      );
      expect(sentMail).toBeDefined();
      expect(sentMail!.path).toBe('/emails');
      expect(sentMail!.headers.authorization).toBe('Bearer re_test_key');
      expect(sentMail!.body).toMatchObject({
        from: 'KSEB <notices@kseb.example>',
        to: ['anitha@example.in'],
        subject: 'അപേക്ഷ SR-2026-000042-7 ലഭിച്ചു',
      });
      expect(sentMail!.body.html).toContain('SR-2026-000042-7');
      expect(sentMail!.body.html).toMatch(/<html[^>]*lang="ml"/);
      expect(sentMail!.body.text).toContain('Address change');

      // The gateway saw each failing channel, retried, and never got the e-mail.
      const tried = gateway.filter((r) => r.body.ref.startsWith(key));
      expect(new Set(tried.map((r) => r.body.channel))).toEqual(new Set(['sms', 'whatsapp']));
      expect(tried[0]!.headers.authorization).toBe('Bearer gateway-token');

      // The e-mail left before its attempt row is written: wait for the row, not just the mail.
      const attempt = (
        await waitFor(
          () => attemptsOf(key),
          (rows) => Boolean(rows.find((a) => a.attempt === 3)?.providerMessageId),
        )
      ).find((a) => a.attempt === 3)!;
      expect(
        (await receipt('resend', { type: 'email.delivered', data: { email_id: attempt.providerMessageId } }))
          .status,
      ).toBe(202);
      const done = await waitFor(
        () => noticeRow(key),
        (n) => n?.status === 'delivered',
      );
      expect(done).toMatchObject({ status: 'delivered', channel: 'email', language: 'ml' });
      expect((await attemptsOf(key)).map((a) => [a.channel, a.status])).toEqual([
        ['sms', 'failed'],
        ['whatsapp', 'failed'],
        ['email', 'delivered'],
      ]);

      const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
      const listed = await stack.call('GET', `/v1/consumers/${consumerNumber}/notifications`, {
        token: consumer,
      });
      const item = listed.json.items.find((i: any) => i.key === key);
      expect(item).toMatchObject({ status: 'delivered', channel: 'email', template: 'request-received' });
      expect(item.attempts[2]).toMatchObject({
        channel: 'email',
        recipient: 'a***@example.in',
        status: 'delivered',
      });
      const stranger = await stack.token({ role: 'consumer', consumers: ['1154600000025'] });
      expect(
        (await stack.call('GET', `/v1/consumers/${consumerNumber}/notifications`, { token: stranger }))
          .status,
      ).toBe(403);
    } finally {
      failing.clear();
    }
  });

  it('falls back on a missing receipt, and a receipt arriving after the timeout ends the chain without sending twice, across a worker restart', async () => {
    const consumerNumber = '1154600000025';
    await setConsumer(consumerNumber, { preferredChannel: 'whatsapp', language: 'en', optOuts: [] });
    const key = await startNotice(consumerNumber);
    await waitFor(
      () => attemptsOf(key),
      (a) => a.length >= 1,
    );
    await stack.stopWorker();
    await stack.startWorker();
    // No receipt for WhatsApp within 3 s: SMS is tried next (and, when this test is slow to look,
    // e-mail after SMS's own 3 s: the machine's load decides how far the chain got).
    const both = await waitFor(
      () => attemptsOf(key),
      (a) => a.length >= 2,
    );
    expect(both.slice(0, 2).map((a) => a.channel)).toEqual(['whatsapp', 'sms']);
    expect(both[0]!.status).toBe('timed-out');
    // Now the WhatsApp receipt arrives, late.
    const late = await receipt('http', { messageId: both[0]!.providerMessageId, status: 'delivered' });
    expect(late.status).toBe(202);
    const done = await waitFor(
      () => noticeRow(key),
      (n) => n?.status === 'delivered',
    );
    expect(done!.channel).toBe('whatsapp');
    const sentWhenDelivered = gateway.filter((r) => r.body.ref.startsWith(key)).length;
    const triedWhenDelivered = (await attemptsOf(key)).length;
    await sleep(3500); // longer than the receipt timeout: nothing else goes out
    const sent = gateway.filter((r) => r.body.ref.startsWith(key));
    expect(sent).toHaveLength(sentWhenDelivered);
    // each channel once, in the chain's order, across the worker restart: nothing sent twice
    expect(sent.map((r) => r.body.channel)).toEqual(['whatsapp', 'sms', 'email'].slice(0, sent.length));
    expect(sent.map((r) => r.body.ref)).toEqual(sent.map((_, i) => `${key}#${i + 1}`));
    expect((await attemptsOf(key))[1]!.detail).toBe('GSM-7, 1 segment'); // English SMS
    expect(await attemptsOf(key)).toHaveLength(triedWhenDelivered);
  });

  it('takes an office notice with nobody in the role to the nearest office above; nobody anywhere: undelivered, saying why', async () => {
    const send = async (role: string) => {
      const input: TNoticeInput = {
        key: `test-staff-notice/${role}/${++seq}`,
        to: { officeId: 'sec-pattom', role },
        template: 'tat-warning',
        params: {
          requestNumber: 'SR-2026-000042-7',
          service: 'Address change',
          dueAt: '2026-11-26T11:30:00.000Z',
        },
      };
      await stack.client.workflow.start('noticeWorkflow', {
        workflowId: noticeWorkflowId(input.key),
        taskQueue: stack.config.temporal.taskQueue,
        args: [input],
      });
      return input.key;
    };
    // No dispatcher sits in a section: the circle's emergency desk takes it, in their inboxes and on their phones.
    const up = await send('dispatcher');
    const [sent] = await waitFor(
      () => stack.db.select().from(notificationAttempts).where(eq(notificationAttempts.key, up)),
      (rows) => rows.length > 0,
    );
    expect(sent).toMatchObject({ channel: 'staff-inbox', status: 'delivered' });
    expect(sent!.detail).toMatch(/^in 3 inboxes of circle-tvm: nobody is dispatcher of sec-pattom$/);
    const inboxes = await stack.db.select().from(staffInbox).where(eq(staffInbox.noticeKey, up));
    expect(inboxes.map((r) => r.subject).sort()).toEqual([
      'dispatch-tvm-day',
      'dispatch-tvm-night',
      'dispatch-tvm-relief',
    ]);
    const personal = await waitFor(
      async () => (await stack.db.select().from(notifications)).filter((n) => n.key.startsWith(`${up}/`)),
      (rows) => rows.length > 0,
    );
    expect(personal.every((n) => n.key.startsWith(`${up}/dispatch-tvm-`))).toBe(true);
    // Nobody of the role anywhere up the chain: not marked delivered.
    const nowhere = await send('csc');
    const [row] = await waitFor(
      () => stack.db.select().from(notifications).where(eq(notifications.key, nowhere)),
      (rows) => rows[0]?.status === 'undelivered',
    );
    expect(row!.status).toBe('undelivered');
    const [attempt] = await stack.db
      .select()
      .from(notificationAttempts)
      .where(eq(notificationAttempts.key, nowhere));
    expect(attempt).toMatchObject({ channel: 'staff-inbox', status: 'failed' });
    expect(attempt!.detail).toMatch(
      /no active csc in the staff directory for sec-pattom or any office above it/,
    );
  });

  it('refuses receipts with a bad signature, and ignores unknown message ids', async () => {
    const forged = await receipt(
      'http',
      { messageId: 'gw-1', status: 'failed' },
      new Webhook('whsec_' + Buffer.from('not-the-secret-at-all').toString('base64')),
    );
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await receipt('http', { messageId: 'no-such-message', status: 'delivered' });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ ignored: 'unknown message id' });
  });

  it('skips opted-out channels for ordinary notices but not for mandatory ones', async () => {
    const consumerNumber = '1154600000024';
    await setConsumer(consumerNumber, { preferredChannel: 'sms', optOuts: ['sms', 'whatsapp'] });
    const ordinary = await startNotice(consumerNumber, 'payment-posted');
    const mandatory = await startNotice(consumerNumber, 'outage-restored');
    const a = await waitFor(
      () => noticeRow(ordinary),
      (n) => Boolean(n?.chain),
    );
    const b = await waitFor(
      () => noticeRow(mandatory),
      (n) => Boolean(n?.chain),
    );
    expect(a!.chain).toEqual(['email', 'voice', 'post']);
    expect(b!.chain).toEqual(['sms', 'whatsapp', 'email', 'voice', 'post']);
  });

  it('takes preferences from the consumer, refusing unknown languages and channels they cannot get', async () => {
    const consumerNumber = '1154600000023';
    await setConsumer(consumerNumber, { email: null, preferredChannel: 'sms', optOuts: [] });
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const patch = (body: unknown) =>
      stack.call('PATCH', `/v1/consumers/${consumerNumber}/preferences`, { token, body });
    const french = await patch({ language: 'fr' });
    expect(french.status).toBe(400);
    expect(french.json.errors[0]).toMatchObject({
      field: 'language',
      message: expect.stringMatching(/ml, hi, vi, ru/),
    });
    expect((await patch({ preferredChannel: 'email' })).json.errors[0].field).toBe('preferredChannel');
    expect((await patch({ optOuts: ['sms'] })).json.errors[0].field).toBe('optOuts');
    const ok = await patch({ language: 'hi', preferredChannel: 'whatsapp', optOuts: ['voice'] });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ language: 'hi', preferredChannel: 'whatsapp', optOuts: ['voice'] });
    expect(
      (await stack.call('GET', `/v1/consumers/${consumerNumber}/preferences`, { token })).json.language,
    ).toBe('hi');
    const other = await stack.token({ role: 'consumer', consumers: ['1154600000022'] });
    expect(
      (
        await stack.call('PATCH', `/v1/consumers/${consumerNumber}/preferences`, {
          token: other,
          body: { language: 'en' },
        })
      ).status,
    ).toBe(403);
  });

  it('ends in a PDF letter in the print queue, in the consumer’s script, when no electronic channel gets through', async () => {
    const consumerNumber = '1154600000022';
    const name = 'അനിൽ കുമാർ';
    const address = 'ടി.സി. 25/1001, കവടിയാർ, തിരുവനന്തപുരം 695003';
    await setConsumer(consumerNumber, {
      email: null,
      preferredChannel: 'sms',
      language: 'ml',
      optOuts: [],
      name,
      address,
    });
    ['sms', 'whatsapp', 'voice'].forEach((c) => failing.add(c));
    try {
      const key = await startNotice(consumerNumber, 'outage-restored');
      const done = await waitFor(
        () => noticeRow(key),
        (n) => n?.status === 'delivered',
        30_000,
      );
      expect(done).toMatchObject({ channel: 'post', chain: ['sms', 'whatsapp', 'voice', 'post'] });
      const [letter] = await stack.db.select().from(printQueue).where(eq(printQueue.key, key));
      const pdf = openBytes(stack.config.payloadCodec, letter!.keyId, letter!.pdf, letter!.id);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(letter!.consumerNumber).toBe(consumerNumber);

      // The section's back office finds it in the print queue, prints it and marks it posted.
      const clerk = await stack.token({ role: 'executive', office: 'sec-pattom' });
      const waiting = await stack.call('GET', '/v1/print-queue', { token: clerk });
      expect(waiting.status).toBe(200);
      const item = waiting.json.items.find((l: any) => l.noticeKey === key);
      expect(item).toMatchObject({ consumerNumber, officeId: 'sec-pattom', printedAt: null });
      const download = await stack.app.request(item.pdfUrl, {
        headers: { authorization: `Bearer ${clerk}` },
      });
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
      const elsewhere = await stack.token({ role: 'executive', office: 'sec-kaloor' });
      expect(
        (await stack.call('GET', '/v1/print-queue', { token: elsewhere })).json.items,
      ).not.toContainEqual(expect.objectContaining({ noticeKey: key }));
      expect(
        (await stack.app.request(item.pdfUrl, { headers: { authorization: `Bearer ${elsewhere}` } })).status,
      ).toBe(403);
      const printed = await stack.call('POST', `${item.pdfUrl}/printed`, { token: clerk });
      expect(printed.json.printedAt).toEqual(expect.any(String));
      const again = await stack.call('POST', `${item.pdfUrl}/printed`, { token: clerk });
      expect(again.json.printedAt).toBe(printed.json.printedAt);
      const after = await stack.call('GET', '/v1/print-queue', { token: clerk });
      expect(after.json.items.map((l: any) => l.noticeKey)).not.toContain(key);
      const { subject, body } = renderNotice('outage-restored', 'ml', { area: 'Kowdiar' });
      const text = pdfText(pdf);
      for (const line of [name, ...address.split(', '), subject, body]) expect(text).toContain(line);
      expect(pdfFonts(pdf)).toContainEqual({ name: 'NotoSansMalayalam-Regular', embedded: true });
    } finally {
      failing.clear();
    }
  }, 60_000);
});
