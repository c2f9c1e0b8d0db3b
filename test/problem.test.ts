import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createApp } from '../api/create-app';
import type { HttpProblem } from '../api/problem';
import { rateLimit } from '../api/rate-limit';
import type { AppEnv } from '../api/types';
import { createTokenVerifier } from '../lib/auth-tokens';
import { like, eq } from 'drizzle-orm';
import { consumers, outages } from '../db/schema';
import { createLogger, serializeError } from '../lib/logger';
import { connectClient } from '../lib/temporal';
import { startTestStack, testConfig, type TestStack } from './helpers/stack';

let stack: TestStack;
let agent: string;

beforeAll(async () => {
  stack = await startTestStack({ worker: false, env: { BODY_LIMIT_BYTES: '2048' } });
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
});
afterAll(async () => stack?.stop());

/** The whole app on this file's database and Temporal client, with a config of its own. */
const appWith = (config: ReturnType<typeof testConfig>, temporal = stack.client) =>
  createApp({
    config,
    db: stack.db,
    temporal,
    logger: createLogger(config),
    verifyToken: createTokenVerifier(config.auth),
    verifyReceipt: stack.verifyReceipt,
    ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
  });

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

  it('405 with Allow for a known path asked with a method it does not take', async () => {
    const res = await stack.call('DELETE', '/v1/pings', { token: agent });
    expectProblem(res, 405);
    expect(res.headers.get('allow')).toBe('POST');
    const item = await stack.call('PUT', '/v1/service-requests/SR-2026-000001-4', { token: agent });
    expectProblem(item, 405);
    expect(item.headers.get('allow')).toBe('GET, HEAD');
    expectProblem(await stack.call('DELETE', '/v1/no-such-thing', { token: agent }), 404);
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

describe('text that cannot be stored', () => {
  it('400 naming the field for a NUL anywhere a text is stored, and nothing is written', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-pattom' });
    const [consumer] = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, '1154600000009'));
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        transformerIds: [consumer!.transformerId],
        reason: 'tripped\u0000',
        etr: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expectProblem(outage, 400);
    expect(outage.json.errors).toEqual([{ field: 'reason', message: expect.stringMatching(/NUL/) }]);
    const written = await stack.db.select().from(outages).where(like(outages.reason, 'tripped%'));
    expect(written).toEqual([]);

    const nested = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: { consumerNumber: '1154600000001', message: 'hi', extra: { notes: ['ok', 'bad\u0000'] } },
    });
    expectProblem(nested, 400);
    expect(nested.json.errors[0].field).toBe('extra.notes.1');

    const query = await stack.call('GET', '/v1/complaints?officeId=sec%00pattom', { token: dispatcher });
    expectProblem(query, 400);
    expect(query.json.errors[0].field).toBe('query.officeId');

    const form = new FormData();
    form.set('consumerNumber', '1154600000009');
    form.set('kind', 'address\u0000');
    const upload = await stack.app.request('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}` },
      body: form,
    });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as any).errors[0].field).toBe('kind');

    // Inside a multipart submission's JSON part, the escape decodes to a NUL: named by its path.
    const submission = new FormData();
    submission.set(
      'eform',
      JSON.stringify({
        type: 'address-change',
        consumerNumber: '1154600000009',
        form: { newAddress: 'TC 25/1001\u0000', pinCode: '695003' },
      }),
    );
    const submitted = await stack.app.request('/v1/service-requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}` },
      body: submission,
    });
    expect(submitted.status).toBe(400);
    expect(((await submitted.json()) as any).errors[0].field).toBe('eform.form.newAddress');
  });

  it('400 for JSON nested deeper than any body takes, and for a malformed multipart body, on any route', async () => {
    // The default body limit (this file's stack has a small one): 40 KB of brackets fits.
    const config = testConfig();
    const app = appWith(config);
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    for (const path of ['/v1/pings', '/v1/feedback/abc', '/v1/webhooks/sms', '/v1/receipts/verify']) {
      const res = await app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: deep,
      });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as any).errors[0], path).toMatchObject({
        field: '(body)',
        message: expect.stringMatching(/nested/),
      });
    }
    for (const type of [
      'multipart/form-data',
      'multipart/form-data; boundary="',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await stack.app.request('/v1/documents', {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': type },
        body: 'not a multipart body',
      });
      expect(res.status, type).toBe(400);
    }
  });

  it('400 for form fields and query values that were not UTF-8', async () => {
    const query = await stack.call('GET', '/v1/outages?feederId=%ff%fe', { token: agent });
    expectProblem(query, 400);
    expect(query.json.errors[0]).toMatchObject({
      field: 'query.feederId',
      message: expect.stringMatching(/UTF-8/),
    });
    const boundary = 'seva-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="eform"\r\n\r\n{"form":{"newAddress":"a`,
      ),
      Buffer.from([0xff]),
      Buffer.from(`b"}}\r\n--${boundary}--\r\n`),
    ]);
    const res = await stack.app.request('/v1/service-requests', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${agent}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0]).toMatchObject({
      field: 'eform',
      message: expect.stringMatching(/UTF-8/),
    });
  });

  it('400 for a body that is not UTF-8, and for an unpaired surrogate', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"consumerNumber":"1154600000001","message":"caf'),
      0xe9, // Latin-1 é: not UTF-8
      ...new TextEncoder().encode('"}'),
    ]);
    const latin1 = await stack.call('POST', '/v1/pings', { token: agent, body: bytes });
    expectProblem(latin1, 400);
    expect(latin1.json.errors).toEqual([{ field: '(body)', message: 'the body is not valid UTF-8' }]);

    const surrogate = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: '{"consumerNumber":"1154600000001","message":"half \\ud83d of an emoji"}',
    });
    expectProblem(surrogate, 400);
    expect(surrogate.json.errors).toEqual([
      { field: 'message', message: expect.stringMatching(/surrogate/) },
    ]);

    // A whole emoji is fine: only the short consumer number is refused.
    const whole = await stack.call('POST', '/v1/pings', {
      token: agent,
      body: '{"consumerNumber":"12","message":"\\ud83d\\ude00 ok"}',
    });
    expect(whole.json.errors.map((e: any) => e.field)).toEqual(['consumerNumber']);
  });

  it('logs a failed query without its bound parameters', async () => {
    const error = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.name, 'secret-name\u0000'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain('secret-name'); // what drizzle would have logged
    const logged = JSON.stringify(serializeError(error));
    expect(logged).not.toContain('secret-name');
    expect(logged).toMatch(/bound parameters withheld/);
  });
});

describe('429 and 500', () => {
  it('429 with Retry-After once the per-minute limit is spent', async () => {
    const config = testConfig({ RATE_LIMIT_PER_MINUTE: '3', WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' });
    const app = appWith(config);
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
    expect(hooks).toEqual([415, 415, 415, 415, 415, 429]); // not JSON: refused before the signature is read
  });

  it('counts one caller once however the header is spelled, and never by a forwarded address it chose', async () => {
    const config = testConfig({ RATE_LIMIT_PER_MINUTE: '3', TRUSTED_PROXIES: '10.0.0.0/8' });
    const app = appWith(config);
    const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
    const token = await stack.token({ role: 'agent', office: 'sec-pattom', subject: 'agent-spelling' });
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`];
    const statuses: number[] = [];
    for (const [i, authorization] of spellings.entries())
      statuses.push(
        (await app.request('/v1/offices', { headers: { authorization } }, from(`198.51.100.${i + 1}`)))
          .status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);

    // Anonymous callers are counted by their socket: a made-up X-Forwarded-For is not a new caller.
    const anonymous: number[] = [];
    for (let i = 0; i < 4; i++)
      anonymous.push(
        (
          await app.request(
            '/v1/offices',
            { headers: { 'x-forwarded-for': `192.0.2.${i}` } },
            from('203.0.113.9'),
          )
        ).status,
      );
    expect(anonymous).toEqual([401, 401, 401, 429]);

    // Behind a configured proxy, the client it names is the caller.
    const proxied: number[] = [];
    for (let i = 0; i < 4; i++)
      proxied.push(
        (
          await app.request(
            '/v1/offices',
            { headers: { 'x-forwarded-for': `192.0.2.${i}, 10.0.0.2` } },
            from('10.1.2.3'),
          )
        ).status,
      );
    expect(proxied).toEqual([401, 401, 401, 401]);
  });

  it("keeps every caller's count when a flood of new callers arrives", async () => {
    const app = new Hono<AppEnv>();
    app.use(rateLimit({ perMinute: 2, webhooksPerMinute: 2, trustedProxies: [] }));
    app.onError((e, c) => c.text(e.message, (e as HttpProblem).status ?? 500));
    app.get('/x', (c) => c.text('ok'));
    const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
    const victim = from('198.51.100.77');
    expect((await app.request('/x', {}, victim)).status).toBe(200);
    expect((await app.request('/x', {}, victim)).status).toBe(200);
    for (let i = 0; i < 60_000; i++)
      await app.request('/x', {}, from(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    expect((await app.request('/x', {}, victim)).status).toBe(429);
  });

  it('500 hides internals', async () => {
    // A real failure: the Temporal server has no such namespace, so starting the workflow fails.
    const config = testConfig({ TEMPORAL_NAMESPACE: 'no-such-namespace' });
    const client = await connectClient(config);
    try {
      const app = appWith(config, client);
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
