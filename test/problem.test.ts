import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createLogger } from '../lib/logger';
import { connectClient } from '../lib/temporal';
import { startTestStack, testConfig, type TestStack } from './helpers/stack';

let stack: TestStack;
let agent: string;

beforeAll(async () => {
  stack = await startTestStack({ worker: false, env: { BODY_LIMIT_BYTES: '2048' } });
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
});
afterAll(async () => stack?.stop());

function expectProblem(res: { status: number; headers: Headers; json: any }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.json).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:seva:problem:/),
    title: expect.any(String),
  });
  expect(res.json.requestId).toBe(res.headers.get('x-request-id'));
}

describe('problem+json', () => {
  it('400 names every bad field', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '12345', message: '', channel: 'pigeon' },
    });
    expectProblem(res, 400);
    const fields = res.json.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['channel', 'consumerNumber', 'message']);
    expect(res.json.errors.find((e: { field: string }) => e.field === 'consumerNumber').message).toMatch(
      /13 digits/,
    );
  });

  it('400 for malformed JSON', async () => {
    const res = await stack.call('POST', '/v1/pings', { token: agent, body: '{"consumerNumber":' });
    expectProblem(res, 400);
  });

  it('400 names a bad header', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      headers: { 'idempotency-key': 'no spaces allowed' },
      body: { consumerNumber: '1154600000001', message: 'hi' },
    });
    expectProblem(res, 400);
    expect(res.json.errors[0].field).toBe('header.idempotency-key');
  });

  it('404 for an unknown consumer and an unknown route', async () => {
    expectProblem(
      await stack.call('POST', '/v1/pings', {
        token: agent,
        body: { consumerNumber: '9999999999999', message: 'hi' },
      }),
      404,
    );
    expectProblem(await stack.call('GET', '/v1/nothing-here', { token: agent }), 404);
  });

  it('413 for a body over the limit', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '1154600000001', message: 'x'.repeat(5000) },
    });
    expectProblem(res, 413);
  });

  it('415 for a body that is not JSON', async () => {
    const res = await stack.call('POST', '/v1/pings', {
      token: agent,
      headers: { 'content-type': 'text/plain' },
      body: 'consumerNumber=1154600000001',
    });
    expectProblem(res, 415);
    // A form post to a JSON route says what to send instead.
    const form = await stack.call('POST', '/v1/pings', {
      token: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'consumerNumber=1154600000001',
    });
    expectProblem(form, 415);
    expect(form.json.detail).toMatch(/send application\/json/);
  });

  it('400 naming the body when JSON is malformed', async () => {
    const res = await stack.call('POST', '/v1/pings', { token: agent, body: '{"consumerNumber":' });
    expectProblem(res, 400);
    expect(res.json.errors).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });

  it('echoes a caller-supplied request id', async () => {
    const res = await stack.call('GET', '/v1/nothing-here', {
      token: agent,
      headers: { 'x-request-id': 'call-centre-42' },
    });
    expect(res.headers.get('x-request-id')).toBe('call-centre-42');
    expect(res.json.requestId).toBe('call-centre-42');
  });
});

describe('429 and 500', () => {
  it('429 with Retry-After once the per-minute limit is spent', async () => {
    const config = testConfig({ RATE_LIMIT_PER_MINUTE: '3', WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' });
    const app = createApp({
      config,
      db: stack.db,
      temporal: stack.client,
      logger: createLogger(config),
      verifyToken: createTokenVerifier(config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await app.request('/openapi.json');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.headers.get('content-type')).toContain('application/problem+json');
    // Provider webhooks have a budget of their own: a gateway is not one person.
    const hooks: number[] = [];
    for (let i = 0; i < 6; i++)
      hooks.push((await app.request('/v1/webhooks/sms', { method: 'POST' })).status);
    expect(hooks).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('500 hides internals', async () => {
    // A real failure: the Temporal server has no such namespace, so starting the workflow fails.
    const config = testConfig({ TEMPORAL_NAMESPACE: 'no-such-namespace' });
    const client = await connectClient(config);
    try {
      const app = createApp({
        config,
        db: stack.db,
        temporal: client,
        logger: createLogger(config),
        verifyToken: createTokenVerifier(config.auth),
        verifyReceipt: stack.verifyReceipt,
        ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
      });
      const res = await app.request('/v1/pings', {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({ consumerNumber: '1154600000001', message: 'hi' }),
      });
      const body = await res.text();
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(body).not.toMatch(/namespace|stack|at \w+ \(/i);
      expect(JSON.parse(body).detail).toMatch(/request id/);
    } finally {
      await client.connection.close();
    }
  });
});
