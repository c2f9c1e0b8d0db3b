import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, pings } from '../db/schema';
import { SA } from '../domain/search-attributes';
import { ENCODING_ENCRYPTED, payloadToJson } from '../lib/payload-codec';
import { startTestStack, type TestStack } from './helpers/stack';

const { temporal } = proto;
const CONSUMER = '1154600000007';
let stack: TestStack;
let agent: string;
let consumer: { name: string; phone: string };

beforeAll(async () => {
  stack = await startTestStack();
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
  const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, CONSUMER));
  consumer = { name: row!.name, phone: row!.phone };
});
afterAll(async () => stack?.stop());

/** The history as the server stores it: straight from the gRPC service, no codec involved. */
async function serverHistory(workflowId: string) {
  const { history } = await stack.client.workflowService.getWorkflowExecutionHistory({
    namespace: stack.config.temporal.namespace,
    execution: { workflowId },
  });
  const events = history!.events!;
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes)!;
  return {
    history: history!,
    events,
    result: completed.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!,
  };
}

describe('ping: API → Temporal → worker → activities → Postgres', () => {
  it('runs end to end and records the contact in Postgres', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: CONSUMER, message: 'meter check', channel: 'whatsapp' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      consumerNumber: CONSUMER,
      consumerName: consumer.name,
      phone: consumer.phone,
      officeId: 'sec-pattom',
      echo: `Namaskaram ${consumer.name}: meter check`,
    });
    expect(res.headers.get('location')).toBe(`/v1/pings/${res.json.pingId}`);
    const [row] = await stack.db.select().from(pings).where(eq(pings.workflowId, res.json.pingId));
    expect(row).toMatchObject({ consumerNumber: CONSUMER, channel: 'whatsapp', requestedBy: 'dev-agent' });

    const again = await stack.call('GET', `/v1/pings/${res.json.pingId}`, { token: agent });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(res.json);
  });

  it('sets search attributes without PII', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: CONSUMER, message: 'sa' },
    });
    const description = await stack.client.workflow.getHandle(res.json.pingId).describe();
    const sa = description.typedSearchAttributes;
    expect(sa.get(SA.ConsumerNumber)).toBe(CONSUMER);
    expect(sa.get(SA.OfficeId)).toBe('sec-pattom');
    expect(sa.get(SA.RequestType)).toBe('ping');
    expect(sa.get(SA.RequestStatus)).toBe('completed');
    expect(sa.get(SA.Channel)).toBe('web');
    expect(JSON.stringify(description.raw.workflowExecutionInfo?.searchAttributes)).not.toContain(
      consumer.phone,
    );
  });

  it('is idempotent under the same Idempotency-Key', async () => {
    const send = () =>
      stack.call('POST', '/v1/pings', {
        token: agent,
        headers: { 'idempotency-key': 'retry-test-0001' },
        body: { consumerNumber: CONSUMER, message: 'once' },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect(a.status).toBe(201);
    expect(new Set([a.json.pingId, b.json.pingId, c.json.pingId]).size).toBe(1);
    const rows = await stack.db.select().from(pings).where(eq(pings.workflowId, a.json.pingId));
    expect(rows).toHaveLength(1);
  });

  it('stores only encrypted payloads in the server history', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: CONSUMER, message: 'secret' },
    });
    const { history, events, result } = await serverHistory(res.json.pingId);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.length).toBeGreaterThan(500);
    expect(bytes.includes(consumer.name)).toBe(false);
    expect(bytes.includes(consumer.phone)).toBe(false);
    expect(bytes.includes('Namaskaram')).toBe(false);

    expect(Buffer.from(result.metadata!.encoding!).toString()).toBe(ENCODING_ENCRYPTED);
    const started = events[0]!.workflowExecutionStartedEventAttributes!;
    for (const payload of started.input!.payloads!) {
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCODING_ENCRYPTED);
    }
  });
});

describe('codec endpoints', () => {
  async function encryptedResult() {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: CONSUMER, message: 'codec' },
    });
    return payloadToJson((await serverHistory(res.json.pingId)).result);
  }

  it('decodes for ops, in the Temporal UI JSON shape', async () => {
    const ops = await stack.token({ role: 'ops', office: 'hq' });
    const res = await stack.call('POST', '/codec/decode', {
      token: ops,
      headers: { 'x-namespace': stack.config.temporal.namespace },
      body: { payloads: [await encryptedResult()] },
    });
    expect(res.status).toBe(200);
    const payload = res.json.payloads[0];
    const value = defaultPayloadConverter.fromPayload({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata as Record<string, string>).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64'),
        ]),
      ),
      data: Buffer.from(payload.data, 'base64'),
    });
    expect(value).toMatchObject({ consumerName: consumer.name });
  });

  it('encodes then decodes back', async () => {
    const ops = await stack.token({ role: 'admin', office: 'hq' });
    const plain = payloadToJson(defaultPayloadConverter.toPayload({ phone: consumer.phone }));
    const enc = await stack.call('POST', '/codec/encode', { token: ops, body: { payloads: [plain] } });
    expect(enc.status).toBe(200);
    expect(Buffer.from(enc.json.payloads[0].data, 'base64').includes(consumer.phone)).toBe(false);
    const dec = await stack.call('POST', '/codec/decode', { token: ops, body: enc.json });
    expect(dec.json.payloads[0]).toEqual(plain);
  });

  it('is refused to other staff and other namespaces', async () => {
    const body = { payloads: [await encryptedResult()] };
    const executive = await stack.token({ role: 'executive', office: 'circle-tvm' });
    expect((await stack.call('POST', '/codec/decode', { token: executive, body })).status).toBe(403);
    const ops = await stack.token({ role: 'ops', office: 'hq' });
    expect(
      (await stack.call('POST', '/codec/decode', { token: ops, headers: { 'x-namespace': 'other' }, body }))
        .status,
    ).toBe(403);
    // Without a per-start secret (this stack has none) there is no path route at all.
    expect((await stack.call('POST', `/codec/ui/${ops}/decode`, { body })).status).toBe(404);
  });

  it('answers the Temporal UI CORS preflight', async () => {
    const res = await stack.call('OPTIONS', '/codec/ui/token/decode', {
      headers: {
        origin: 'http://localhost:8233',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const evil = await stack.call('OPTIONS', '/codec/decode', {
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
