import { Writable } from 'node:stream';
import { defaultPayloadConverter } from '@temporalio/common';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createCodecUiSecret } from '../lib/codec-ui-secret';
import { createFeedbackLinks } from '../lib/feedback-links';
import { payloadToJson } from '../lib/payload-codec';
import { startTestStack, type TestStack } from './helpers/stack';

const secret = createCodecUiSecret();
let stack: TestStack;
let ops: string;
/** the app's access log, as JSON lines */
let logLines: string[] = [];
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  ops = await stack.token({ role: 'ops', office: 'hq' });
  // The same app as in production, with a logger whose output the test can read.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  app = createApp({
    config: stack.config,
    db: stack.db,
    temporal: stack.client,
    logger: pino({ level: 'info' }, sink),
    verifyToken: createTokenVerifier(stack.config.auth),
    verifyReceipt: stack.verifyReceipt,
    ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    codecUiSecret: secret,
  });
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  logLines = [];
});

const plain = () => payloadToJson(defaultPayloadConverter.toPayload({ hello: 'codec' }));
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const accessLog = (path: string) =>
  logLines
    .map((l) => JSON.parse(l) as { msg: string; path: string })
    .filter((l) => l.msg === 'request' && l.path === path);

describe('the Temporal UI codec path secret', () => {
  it('opens the codec path route, and its own two routes only', async () => {
    const enc = await post(`/codec/ui/${secret}/encode`, { payloads: [plain()] });
    expect(enc.status).toBe(200);
    const dec = await post(`/codec/ui/${secret}/decode`, await enc.json());
    expect(dec.status).toBe(200);
    expect(((await dec.json()) as { payloads: unknown[] }).payloads[0]).toEqual(plain());

    // As a bearer token it opens nothing.
    const asBearer = await app.request('/v1/complaints', { headers: { authorization: `Bearer ${secret}` } });
    expect(asBearer.status).toBe(401);
    const codecAsBearer = await post(
      '/codec/decode',
      { payloads: [] },
      { authorization: `Bearer ${secret}` },
    );
    expect(codecAsBearer.status).toBe(401);
  });

  it('refuses a normal ops bearer token on the path route, in the path or in the header', async () => {
    expect((await post(`/codec/ui/${ops}/decode`, { payloads: [plain()] })).status).toBe(401);
    const wrongPath = await post(
      '/codec/ui/not-the-secret/decode',
      { payloads: [plain()] },
      {
        authorization: `Bearer ${ops}`,
      },
    );
    expect(wrongPath.status).toBe(401);
    expect(wrongPath.headers.get('content-type')).toContain('application/problem+json');
  });

  it('names the bad field when the body is not { payloads }', async () => {
    const res = await post(`/codec/ui/${secret}/decode`, { payload: [] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('payloads');
  });

  it('has no path route in production: the UI forwards the access token to /codec/decode', async () => {
    const production = createApp({
      config: { ...stack.config, env: 'production' },
      db: stack.db,
      temporal: stack.client,
      logger: pino({ level: 'silent' }),
      verifyToken: createTokenVerifier(stack.config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
      codecUiSecret: secret,
    });
    const body = JSON.stringify({ payloads: [plain()] });
    const headers = { 'content-type': 'application/json' };
    expect(
      (await production.request(`/codec/ui/${secret}/decode`, { method: 'POST', headers, body })).status,
    ).toBe(404);
    const withToken = await production.request('/codec/decode', {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${ops}` },
      body,
    });
    expect(withToken.status).toBe(200);
  });
});

describe('tokens never reach the access log or a problem instance', () => {
  it('redacts the codec path secret', async () => {
    expect((await post(`/codec/ui/${secret}/decode`, { payloads: [plain()] })).status).toBe(200);
    const refused = await post(`/codec/ui/${secret}x/decode`, { payloads: [] });
    expect(refused.status).toBe(401);
    const problem = (await refused.json()) as { instance: string };
    expect(problem.instance).toBe('/codec/ui/[redacted]/decode');
    const unknown = await app.request(`/codec/ui/${secret}/nothing`, { method: 'GET' });
    expect(unknown.status).toBe(404);
    const text = await unknown.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).instance).toBe('/codec/ui/[redacted]/nothing');

    expect(accessLog('/codec/ui/[redacted]/decode')).toHaveLength(2);
    expect(accessLog('/codec/ui/[redacted]/nothing')).toHaveLength(1);
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('redacts feedback-link tokens, valid or not', async () => {
    const link = await createFeedbackLinks(stack.config).create({
      requestNumber: 'SR-2026-999999-0',
      consumerNumber: '1154600000001',
      ttlSeconds: 600,
    });
    const token = link.split('/v1/feedback/')[1]!;
    const form = await app.request(`/v1/feedback/${token}`);
    expect(form.status).toBe(200);
    const refused = await app.request(`/v1/feedback/${token}tampered`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rating: 5 }),
    });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { instance: string }).instance).toBe('/v1/feedback/[redacted]');

    expect(
      accessLog('/v1/feedback/[redacted]').map((l) => (l as unknown as { status: number }).status),
    ).toEqual([200, 401]);
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('redacts them however the path is spelt: doubled slashes, another case, percent-encoding', async () => {
    const link = await createFeedbackLinks(stack.config).create({
      requestNumber: 'SR-2026-999999-0',
      consumerNumber: '1154600000001',
      ttlSeconds: 600,
    });
    const token = link.split('/v1/feedback/')[1]!;
    const paths = [
      `//codec/ui/${secret}/decode`,
      `/codec//ui/${secret}/decode`,
      `/CODEC/ui/${secret}/decode`,
      `/codec/%75i/${secret}/decode`,
      `/v1//feedback/${token}`,
      `/V1/feedback/${token}`,
      `/v1/elsewhere/${token}`,
      // near misses of the prefixes: the secret itself is still never shown
      `/codec/ui;x/${secret}/decode`,
      `/codec/ui%3Bx/${secret}/decode`,
      `/codecx/ui/${secret}/decode`,
      `/codec/ui,${secret}`,
    ];
    for (const path of paths) {
      const res = await app.request(path, { method: 'POST' });
      const text = await res.text();
      expect(text, path).not.toContain(secret);
      expect(text, path).not.toContain(token);
    }
    const logged = logLines.join('\n');
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(token);
  });
});
