import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { serve, type ServerType } from '@hono/node-server';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { channelMessages, complaints } from '../db/schema';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createLogger } from '../lib/logger';
import { createWorkerMetrics, serveWorkerMetrics } from '../worker/metrics';
import { freePort } from '../scripts/lib/ports';
import { parsePrometheus, valueOf } from './helpers/prometheus';
import { startTestStack, type TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

/**
 * GET /metrics on the real stack: the series move with requests, an intake and a workflow's
 * activities; labels hold route patterns, never numbers; who may scrape. And the worker's two
 * endpoints: the Temporal SDK's own (temporal_*) and Seva's activity outcomes.
 */
let stack: TestStack;
let agent: string;
let sdkPort: number;
let workerPort: number;
let workerServer: Server;
const workerMetrics = createWorkerMetrics();

beforeAll(async () => {
  [sdkPort, workerPort] = await Promise.all([freePort(), freePort()]);
  stack = await startTestStack({
    sdkMetricsAddress: `127.0.0.1:${sdkPort}`,
    workerMetrics,
    env: { TRUSTED_PROXIES: '127.0.0.1' },
  });
  workerServer = await serveWorkerMetrics(workerMetrics, { host: '127.0.0.1', port: workerPort }, undefined);
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
});
afterAll(async () => {
  await new Promise((r) => workerServer?.close(r));
  await stack?.stop();
});

const scrape = async () => {
  const res = await stack.call('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: res.text, samples: parsePrometheus(res.text) };
};

/** A consumer with no open complaint of the type, so that the first report is new. */
const freeConsumer = async (type: string) => {
  const rows = await stack.db.execute<{ consumer_number: string }>(sql`
    select consumer_number from consumers
    where consumer_number not in (select consumer_number from open_complaints where type_code = ${type})
    order by consumer_number desc limit 1`);
  return rows[0]!.consumer_number;
};

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, the intake by channel and outcome, and reads the gauges', async () => {
    const before = await scrape();
    const consumerNumber = await freeConsumer('meter-defective');
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });

    expect((await stack.call('GET', '/healthz')).status).toBe(200);
    expect((await stack.call('GET', '/healthz')).status).toBe(200);
    expect((await stack.call('GET', `/v1/no-such-thing/${consumerNumber}`, { token: agent })).status).toBe(
      404,
    );
    expect((await stack.call('GET', '/v1/work-items')).status).toBe(401); // the route is known even so
    const ping = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '1154600000007', message: 'metrics', channel: 'web' },
    });
    expect(ping.status).toBe(201);
    expect((await stack.call('GET', `/v1/pings/${ping.json.pingId}`, { token: agent })).status).toBe(200);
    const first = await stack.call('POST', '/v1/complaints', {
      token: consumer,
      body: { type: 'meter-defective', consumerNumber, description: 'the meter is dark' },
    });
    expect(first.status).toBe(201);
    const second = await stack.call('POST', '/v1/complaints', {
      token: consumer,
      body: { type: 'meter-defective', consumerNumber, description: 'still dark' },
    });
    expect(second.status).toBe(200);
    expect(second.json.requestNumber).toBe(first.json.requestNumber);
    const refused = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'no-such-type', consumerNumber: '1154600000007', description: 'x' },
    });
    expect(refused.status).toBe(400);
    // the gauge reads the read model, which the complaint's workflow writes after the answer
    await waitFor(
      () =>
        stack.db
          .select({ status: complaints.status })
          .from(complaints)
          .where(eq(complaints.requestNumber, first.json.requestNumber)),
      (rows) => rows[0]?.status === 'open',
    );

    // a claim whose handler died an hour ago, on a channel of its own so no other test's count meets it
    const stuckChannel = `metrics-${randomUUID().slice(0, 8)}`;
    await stack.db.insert(channelMessages).values({
      channel: stuckChannel,
      messageId: 'm-1',
      status: 'processing',
      claimedAt: new Date(Date.now() - 3_600_000),
    });
    const after = await scrape();
    await stack.db.delete(channelMessages).where(eq(channelMessages.channel, stuckChannel));
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after.samples, name, labels) - valueOf(before.samples, name, labels);

    expect(moved('seva_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(2);
    expect(moved('seva_http_requests_total', { method: 'POST', route: '/v1/pings', status: '201' })).toBe(1);
    expect(
      moved('seva_http_requests_total', { method: 'GET', route: '/v1/pings/:pingId', status: '200' }),
    ).toBe(1);
    expect(moved('seva_http_requests_total', { method: 'GET', route: '/v1/work-items', status: '401' })).toBe(
      1,
    );
    expect(moved('seva_http_requests_total', { route: '(unmatched)', status: '404' })).toBe(1);
    expect(
      moved('seva_http_requests_total', { method: 'POST', route: '/v1/complaints', status: '201' }),
    ).toBe(1);
    // the histogram: one observation per request, in seconds, in cumulative buckets
    const pingLabels = { method: 'POST', route: '/v1/pings', status: '201' };
    expect(moved('seva_http_request_duration_seconds_count', pingLabels)).toBe(1);
    expect(moved('seva_http_request_duration_seconds_bucket', { ...pingLabels, le: '+Inf' })).toBe(1);
    expect(moved('seva_http_request_duration_seconds_sum', pingLabels)).toBeGreaterThan(0);
    expect(moved('seva_http_request_duration_seconds_bucket', { ...pingLabels, le: '0.005' })).toBe(0);

    expect(moved('seva_complaint_intake_total', { channel: 'web', outcome: 'new' })).toBe(1);
    expect(moved('seva_complaint_intake_total', { channel: 'web', outcome: 'join' })).toBe(1);
    expect(moved('seva_complaint_intake_total', { channel: 'agent', outcome: 'refused' })).toBe(1);
    // the new complaint waited in the workflow inbox until this process's relay started it
    expect(moved('seva_workflow_relay_starts_total', { outcome: 'started' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(after.samples, 'seva_workflow_relay_starts_total', { outcome: 'failed' })).toBe(0);
    expect(after.samples.some((s) => s.name === 'seva_workflow_inbox_depth')).toBe(true);
    expect(after.samples.some((s) => s.name === 'seva_workflow_inbox_oldest_seconds')).toBe(true);

    expect(valueOf(after.samples, 'seva_business_gauges_up')).toBe(1);
    expect(valueOf(after.samples, 'seva_open_items', { kind: 'complaint', status: 'open' })).toBeGreaterThan(
      0,
    );
    expect(
      after.samples.some((s) => s.name === 'seva_tat_breaches_open' && s.labels.kind === 'service_request'),
    ).toBe(true);
    expect(valueOf(after.samples, 'seva_intake_claims_stuck', { channel: stuckChannel })).toBe(1);
    expect(valueOf((await scrape()).samples, 'seva_intake_claims_stuck', { channel: stuckChannel })).toBe(0);

    // no consumer number, Request Number or workflow id in any label; scrapes are not counted
    expect(after.text).not.toContain(consumerNumber);
    expect(after.text).not.toContain(first.json.requestNumber);
    expect(after.text).not.toContain(ping.json.pingId);
    expect(after.text).not.toContain('1154600000007');
    expect(after.samples.some((s) => s.labels.route === '/metrics')).toBe(false);
    for (const s of after.samples) expect(s.name).toMatch(/^seva_/);
  });

  it('answers loopback callers only without METRICS_TOKEN, and only the bearer token with it; never rate-limited or logged', async () => {
    // over a real socket: the peer is 127.0.0.1 (a trusted proxy here), so X-Forwarded-For decides
    const port = await freePort();
    const server: ServerType = serve({ fetch: stack.app.fetch, hostname: '127.0.0.1', port });
    try {
      await new Promise((r) => server.once('listening', r));
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      const outside = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      expect(outside.status).toBe(403);
      expect(outside.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await outside.json()) as { detail: string }).detail).toMatch(/METRICS_TOKEN/);
    } finally {
      await new Promise((r) => server.close(r));
    }

    const token = `scrape-${randomUUID()}`;
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const config = {
      ...stack.config,
      observability: { ...stack.config.observability, metricsToken: token },
      http: { ...stack.config.http, rateLimitPerMinute: 3 },
    };
    const guarded = createApp({
      config,
      db: stack.db,
      temporal: stack.client,
      logger: createLogger({ log: { level: 'info', pretty: false } }, 'api', sink),
      verifyToken: createTokenVerifier(config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    const get = (authorization?: string) =>
      guarded.request('/metrics', { headers: authorization ? { authorization } : {} });
    const none = await get();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await get(`Bearer ${token}x`)).status).toBe(401);
    expect((await get(`Bearer ${agent}`)).status).toBe(401); // a staff JWT is not the scrape token
    expect((await get(token)).status).toBe(401);
    for (let i = 0; i < 6; i++) expect((await get(`Bearer ${token}`)).status).toBe(200); // past the 3/min limit
    expect(await (await get(`bearer  ${token}`)).text()).toMatch(/^# HELP seva_/m);
    expect(lines.filter((l) => l.includes('"path":"/metrics"'))).toEqual([]);
    // …while other requests are logged as ever
    for (let i = 0; i < 4; i++) await guarded.request('/healthz');
    expect(lines.some((l) => l.includes('"path":"/healthz"'))).toBe(true);
  });
});

describe('channel webhooks', () => {
  const sms = (messageId: string, text: string) => {
    const raw = JSON.stringify({ messageId, from: '+919400000001', text });
    const at = new Date();
    const id = `wh-${randomUUID()}`;
    return stack.call('POST', '/v1/webhooks/sms', {
      body: raw,
      headers: {
        ...signedChannelWebhook(id, at, raw),
      },
    });
  };

  it('count reports by the intake (new, then retry on a re-delivery) and other messages once per id', async () => {
    const before = (await scrape()).samples;
    const consumerNumber = await freeConsumer('no-power');
    const report = `sms-${randomUUID()}`;
    expect((await sms(report, `NP ${consumerNumber}`)).json.duplicate).toBe(false);
    expect((await sms(report, `NP ${consumerNumber}`)).json.duplicate).toBe(true);
    const other = `sms-${randomUUID()}`;
    expect((await sms(other, 'HELLO')).status).toBe(200);
    expect((await sms(other, 'HELLO')).json.duplicate).toBe(true);
    const after = (await scrape()).samples;
    const moved = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('seva_complaint_intake_total', { channel: 'sms', outcome: 'new' })).toBe(1);
    expect(moved('seva_complaint_intake_total', { channel: 'sms', outcome: 'retry' })).toBe(1);
    expect(moved('seva_channel_messages_total', { channel: 'sms', outcome: 'handled' })).toBe(1);
    expect(moved('seva_channel_messages_total', { channel: 'sms', outcome: 'duplicate' })).toBe(1);
    expect(
      moved('seva_http_requests_total', { method: 'POST', route: '/v1/webhooks/sms', status: '200' }),
    ).toBe(4);
  });
});

describe('the worker metrics', () => {
  it("serves the Temporal SDK's own series on its port and Seva's activity outcomes on the next", async () => {
    const ping = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '1154600000007', message: 'worker metrics' },
    });
    expect(ping.status).toBe(201);
    const sdk = await fetch(`http://127.0.0.1:${sdkPort}/metrics`);
    expect(sdk.status).toBe(200);
    const sdkText = await sdk.text();
    expect(sdkText).toMatch(/^temporal_\w+/m);
    expect(sdkText).toContain(`task_queue="${stack.config.temporal.taskQueue}"`);
    expect(sdkText).toMatch(/temporal_activity_execution_latency\w*\{[^}]*activity_type="recordPing"/);

    const own = await fetch(`http://127.0.0.1:${workerPort}/metrics`);
    expect(own.status).toBe(200);
    const samples = parsePrometheus(await own.text());
    const labels = { activity_type: 'recordPing', outcome: 'completed' };
    expect(valueOf(samples, 'seva_activity_executions_total', labels)).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'seva_activity_duration_seconds_count', labels)).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'seva_activity_executions_total', { outcome: 'failed' })).toBe(0);
    expect((await fetch(`http://127.0.0.1:${workerPort}/other`)).status).toBe(404);
  });
});
