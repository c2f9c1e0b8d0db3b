import { Client, Connection, ServiceError } from '@temporalio/client';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { channelMessages, consumers, devOutbox, workflowInbox } from '../db/schema';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createLogger } from '../lib/logger';
import { createWorkflowRelay } from '../lib/workflow-relay';
import { cachedComplaintType } from '../db/catalogue';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

/**
 * The door under failure, on the real Temporal and PostgreSQL: a relay's start whose answer was
 * lost after Temporal started the workflow, a handler that died holding its claim, Temporal not
 * answering at all (the workflow inbox answers new reports; lib/workflow-relay.ts starts them).
 * Each ends with exactly one complaint per report, and the sender gets its number on a retry.
 * Consumers of sec-kaloor 1552100000020–29 are this file's own.
 */
let stack: TestStack;
const C = (n: number) => `15521000000${String(n).padStart(2, '0')}`;
let seq = 0;

/** The gRPC error a client sees when the connection drops before the server's answer arrives. */
const lostAnswer = () =>
  new ServiceError('Failed to start workflow', {
    cause: Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
      code: 14,
      details: 'Connection dropped',
      metadata: {},
    }),
  });

/**
 * The real client, except that the next `failStarts` workflow starts reach the server and then
 * lose their answer: the workflow runs, the caller does not know it.
 */
function flakyClient(real: Client) {
  const state = { failStarts: 0, started: 0 };
  const workflow = new Proxy(real.workflow, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'start') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Client['workflow']['start']>) => {
        const handle = await target.start(...args);
        state.started += 1;
        if (state.failStarts > 0) {
          state.failStarts -= 1;
          throw lostAnswer();
        }
        return handle;
      };
    },
  });
  const client = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'workflow') return workflow;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { client, state };
}

let flaky: ReturnType<typeof flakyClient>;
let flakyApp: ReturnType<typeof createApp>;

beforeAll(async () => {
  stack = await startTestStack({
    env: { CHANNEL_CLAIM_LEASE_MS: '1000', INTAKE_RELAY_LEASE_MS: '1000', INTAKE_RELAY_POLL_MS: '100' },
  });
  flaky = flakyClient(stack.client);
  flakyApp = createApp({
    config: stack.config,
    db: stack.db,
    temporal: flaky.client,
    logger: createLogger(stack.config),
    verifyToken: createTokenVerifier(stack.config.auth),
    verifyReceipt: stack.verifyReceipt,
    ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
  });
});
afterAll(async () => stack?.stop());

/** A gateway's signed delivery (Standard Webhooks) of `body` to `path` of `app`. */
const deliver = async (app: { request: typeof flakyApp.request }, path: string, body: unknown) => {
  const raw = JSON.stringify(body);
  const at = new Date();
  const id = `wh-${Date.now()}-${++seq}`;
  const res = await app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedChannelWebhook(id, at, raw),
    },
    body: raw,
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
};
const sms = (app: { request: typeof flakyApp.request }, messageId: string, text: string, from: string) =>
  deliver(app, '/v1/webhooks/sms', { messageId, from, text });
/** An IVR step: the caller keyed in their consumer number and pressed `digits`. */
const ivr = (messageId: string, consumerNumber: string, digits: string) =>
  deliver(stack.app, '/v1/webhooks/ivr', { messageId, callId: `call-${messageId}`, consumerNumber, digits });
const complaintsOf = async (consumerNumber: string) => {
  const all = await stack.call('GET', `/v1/consumers/${consumerNumber}/requests`, {
    token: await stack.token({ role: 'consumer', consumers: [consumerNumber] }),
  });
  expect(all.status, all.text).toBe(200);
  return (all.json.items as { requestNumber: string }[]).filter((i) => i.requestNumber.startsWith('CR-'));
};
const phoneOf = async (consumerNumber: string) =>
  (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, consumerNumber)))[0]!.phone;

describe('intake under failure', () => {
  it("a relay start whose answer was lost: the sender was answered at once, the relay's next try finds the run", async () => {
    const consumerNumber = C(20);
    const from = await phoneOf(consumerNumber);
    const messageId = `sms-lost-${Date.now()}`;
    // This file's relay waits; the flaky one (its client loses the first start's answer) takes the row.
    stack.relay.pause();
    const relay = createWorkflowRelay({ db: stack.db, temporal: flaky.client, config: stack.config });
    relay.start();
    try {
      flaky.state.failStarts = 1;
      const started = flaky.state.started;
      const first = await sms(flakyApp, messageId, `NP ${consumerNumber}`, from);
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      const rn = first.json.requestNumber as string;
      expect(first.json.reply).toContain(rn);
      // The lost answer left the row in the inbox (deferred); the next round's start finds the run.
      await waitFor(
        () => stack.db.select().from(workflowInbox).where(eq(workflowInbox.workflowId, rn)),
        (rows) => rows.length === 0,
      );
      expect(flaky.state.started - started).toBeGreaterThanOrEqual(2);
      const again = await sms(flakyApp, messageId, `NP ${consumerNumber}`, from);
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      expect(again.json.requestNumber).toBe(rn);
      const complaint = await stack.call('GET', `/v1/complaints/${rn}`, {
        token: await stack.token({ role: 'consumer', consumers: [consumerNumber] }),
      });
      expect(complaint.json.reports).toHaveLength(1); // the retry was not counted as a second report
      expect(await complaintsOf(consumerNumber)).toHaveLength(1);
      expect((await stack.client.workflow.count(`WorkflowId = "${rn}"`)).count).toBe(1);
      // and the sender got the reply once: the workflow sends it, with the message's reference
      const replies = () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(eq(devOutbox.idempotencyKey, `reply/sms/${messageId}`));
      await waitFor(replies, (rows) => rows.length > 0);
      await sleep(500);
      const sent = await replies();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toBe(first.json.reply);
    } finally {
      await relay.stop();
      stack.relay.resume();
    }
  });

  it('a POST /v1/complaints retried with its Idempotency-Key, before and after its start, makes one complaint', async () => {
    const consumerNumber = C(21);
    const agent = await stack.token({ role: 'agent', office: 'circle-ekm', subject: 'agent-durability' });
    const post = () =>
      flakyApp.request('/v1/complaints', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${agent}`,
          'content-type': 'application/json',
          'idempotency-key': `call-${consumerNumber}-1`,
        },
        body: JSON.stringify({
          type: 'low-voltage',
          consumerNumber,
          description: 'lights dim every evening',
        }),
      });
    // Answered from the one transaction; the retries come before and after the relay's start.
    stack.relay.pause();
    const created = await post();
    expect(created.status).toBe(201);
    const body = (await created.json()) as any;
    const retried = await post();
    const waiting = (await retried.json()) as any;
    expect(waiting.requestNumber).toBe(body.requestNumber);
    expect(waiting.dueAt).toBe(body.dueAt);
    stack.relay.resume();
    await waitFor(
      () => stack.db.select().from(workflowInbox).where(eq(workflowInbox.workflowId, body.requestNumber)),
      (rows) => rows.length === 0,
    );
    const third = await post();
    const again = (await third.json()) as any;
    expect(again.requestNumber).toBe(body.requestNumber);
    expect(again.dueAt).toBe(body.dueAt); // the complaint as it stands, not a new due time
    expect(await complaintsOf(consumerNumber)).toHaveLength(1);
  });

  it('a process killed between its one transaction and the start: the re-delivery starts the complaint it reserved', async () => {
    const consumerNumber = C(22);
    const from = await phoneOf(consumerNumber);
    const messageId = `sms-dead-${Date.now()}`;
    // What a process killed mid-message leaves behind: the number and the slot, no workflow.
    const { version } = (await cachedComplaintType(stack.db, 'no-power'))!;
    const [left] = await stack.db.execute<{ outcome: string; request_number: string }>(
      sql`select * from seva_complaint_intake(${`ch:sms:${messageId}`}, ${consumerNumber}, 'no-power', ${version}, true, now())`,
    );
    expect(left!.outcome).toBe('new');
    const taken = await sms(stack.app, messageId, `NP ${consumerNumber}`, from);
    expect(taken.status, JSON.stringify(taken.json)).toBe(200);
    expect(taken.json.requestNumber).toBe(left!.request_number);
    const described = await stack.client.workflow.getHandle(left!.request_number).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(await complaintsOf(consumerNumber)).toHaveLength(1);
    await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(eq(devOutbox.idempotencyKey, `reply/sms/${messageId}`)),
      (rows) => rows.length === 1,
    );
  });

  it('a handler that died holding its claim on a conversation: 409 with Retry-After within the lease, taken over after it', async () => {
    const consumerNumber = C(25);
    const messageId = `ivr-dead-${Date.now()}`;
    // What a process killed mid-message leaves behind: a fresh claim, nothing else.
    await stack.db.insert(channelMessages).values({ channel: 'ivr', messageId, status: 'processing' });
    const busy = await ivr(messageId, consumerNumber, '1');
    expect(busy.status).toBe(409);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1_100)); // the lease (1 s in this file) runs out
    const taken = await ivr(messageId, consumerNumber, '1');
    expect(taken.status, JSON.stringify(taken.json)).toBe(200);
    expect(taken.json.requestNumber).toMatch(/^CR-/);
    const [row] = await stack.db
      .select()
      .from(channelMessages)
      .where(and(eq(channelMessages.channel, 'ivr'), eq(channelMessages.messageId, messageId)));
    expect(row?.status).toBe('done');
    expect(await complaintsOf(consumerNumber)).toHaveLength(1);
  });

  it('a retry of a report that joined an open complaint is one report, not two', async () => {
    const consumerNumber = C(23);
    const from = await phoneOf(consumerNumber);
    const first = await sms(stack.app, `sms-j1-${Date.now()}`, `NP ${consumerNumber}`, from);
    const rn = first.json.requestNumber as string;
    const joinId = `sms-j2-${Date.now()}`;
    const joined = await sms(stack.app, joinId, `NP ${consumerNumber}`, from);
    expect(joined.json.requestNumber).toBe(rn);
    // the gateway never saw the answer and the claim was lost with the process: the same message again
    await stack.db
      .delete(channelMessages)
      .where(and(eq(channelMessages.channel, 'sms'), eq(channelMessages.messageId, joinId)));
    const again = await sms(stack.app, joinId, `NP ${consumerNumber}`, from);
    expect(again.json.requestNumber).toBe(rn);
    const complaint = await stack.call('GET', `/v1/complaints/${rn}`, {
      token: await stack.token({ role: 'consumer', consumers: [consumerNumber] }),
    });
    expect(complaint.json.reports).toHaveLength(2);
  });

  it('Temporal not answering: a new report is answered at once from the inbox, a join gets 503 within seconds', async () => {
    // A client whose server is gone (nothing listens on port 1); the app has no relay of its own,
    // so its rows are due at once for this file's relay, whose Temporal is up.
    const dead = new Client({
      connection: Connection.lazy({ address: '127.0.0.1:1' }),
      namespace: stack.config.temporal.namespace,
    });
    const deadApp = createApp({
      config: { ...stack.config, intake: { ...stack.config.intake, deadlineMs: 1_500 } },
      db: stack.db,
      temporal: dead,
      logger: createLogger(stack.config),
      verifyToken: createTokenVerifier(stack.config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    const consumerNumber = C(24);
    const from = await phoneOf(consumerNumber);
    stack.relay.pause();
    let rn: string;
    try {
      const startedAt = Date.now();
      const res = await sms(deadApp, `sms-dead-temporal-${Date.now()}`, `NP ${consumerNumber}`, from);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      rn = res.json.requestNumber as string;
      expect(res.json.reply).toContain(rn);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      // A second report joins the complaint: that takes Temporal, so 503 + Retry-After, fast.
      const joinedAt = Date.now();
      const join = await sms(deadApp, `sms-dead-temporal-join-${Date.now()}`, `NP ${consumerNumber}`, from);
      expect(join.status).toBe(503);
      expect(join.headers.get('retry-after')).toBe('5');
      expect(Date.now() - joinedAt).toBeLessThan(5_000);
      const left = await stack.db
        .select()
        .from(channelMessages)
        .where(like(channelMessages.messageId, 'sms-dead-temporal-%'));
      expect(left).toHaveLength(0); // no claim stays behind: the gateway's retry is handled afresh
    } finally {
      stack.relay.resume();
    }
    // Temporal back (this file's relay): the promised complaint is started, once.
    await waitFor(
      () => stack.db.select().from(workflowInbox).where(eq(workflowInbox.workflowId, rn)),
      (rows) => rows.length === 0,
    );
    expect(await complaintsOf(consumerNumber)).toHaveLength(1);
    expect((await stack.client.workflow.count(`WorkflowId = "${rn}"`)).count).toBe(1);
  });
});
