import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicPath } from '../api/auth';
import { consumers, devOutbox } from '../db/schema';
import { ROLES, type TRole } from '../domain/roles';
import { startTestStack, type TestStack } from './helpers/stack';

const PATTOM_CONSUMER = '1154600000001';
const KALOOR_CONSUMER = '1552100000001';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

const ping = (token: string | undefined, consumerNumber = PATTOM_CONSUMER) =>
  stack.call('POST', '/v1/pings', { token, body: { consumerNumber, message: 'auth check' } });

describe('authentication', () => {
  it('refuses a request without a token, as problem+json with a challenge', async () => {
    const res = await ping(undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.json).toMatchObject({ status: 401, type: 'urn:seva:problem:unauthenticated' });
  });

  it('refuses an expired token and says so', async () => {
    const token = await stack.token({ role: 'agent', office: 'sec-pattom', expiresIn: '-1m' });
    const res = await ping(token);
    expect(res.status).toBe(401);
    expect(res.json.detail).toBe('token expired');
  });

  it('refuses a token signed with another key', async () => {
    const forged = await new SignJWT({ role: 'admin', office: 'hq' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(stack.config.auth.issuer)
      .setAudience(stack.config.auth.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-configured-secret-not-the-configured'));
    expect((await ping(forged)).status).toBe(401);
  });

  it('refuses a token without a role claim', async () => {
    const token = await new SignJWT({ office: 'sec-pattom' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer(stack.config.auth.issuer)
      .setAudience(stack.config.auth.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(stack.config.auth.jwtSecret));
    const res = await ping(token);
    expect(res.status).toBe(401);
    expect(res.json.detail).toMatch(/role/);
  });
});

describe('roles and scope', () => {
  it('refuses a role the route does not grant', async () => {
    const res = await ping(await stack.token({ role: 'dispatcher', office: 'sec-pattom' }));
    expect(res.status).toBe(403);
    expect(res.json.detail).toMatch(/role "dispatcher"/);
  });

  it('refuses staff acting outside their office', async () => {
    const res = await ping(await stack.token({ role: 'agent', office: 'sec-pattom' }), KALOOR_CONSUMER);
    expect(res.status).toBe(403);
    expect(res.json.detail).toMatch(/outside your office/);
  });

  it('lets staff act within their office and its sub-offices', async () => {
    const section = await ping(await stack.token({ role: 'agent', office: 'sec-pattom' }));
    expect(section.status).toBe(201);
    const circle = await ping(await stack.token({ role: 'executive', office: 'circle-tvm' }));
    expect(circle.status).toBe(201);
    const otherCircle = await ping(await stack.token({ role: 'executive', office: 'circle-ekm' }));
    expect(otherCircle.status).toBe(403);
  });

  it('lets a consumer act only on their own consumer numbers', async () => {
    const token = await stack.token({ role: 'consumer', consumers: [PATTOM_CONSUMER] });
    expect((await ping(token)).status).toBe(201);
    const other = await ping(token, KALOOR_CONSUMER);
    expect(other.status).toBe(403);
    expect(other.json.detail).toMatch(/not yours/);
  });
});

describe('every route declares who may call it', () => {
  it('lists roles on every operation and denies each protected one without a token or with a wrong role', async () => {
    const doc = (await stack.call('GET', '/openapi.json')).json;
    const operations = Object.entries(
      doc.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, roles: op['x-roles'] })),
    );
    expect(operations.length).toBeGreaterThan(4);
    for (const op of operations) {
      expect(op.roles, `${op.method} ${op.path} declares x-roles`).toBeInstanceOf(Array);
      const path = op.path.replace(/\{[^}]+\}/g, 'ping-00000000-0000');
      if (op.roles!.includes('public')) {
        expect(isPublicPath(path), `${path} is public`).toBe(true);
        continue;
      }
      const anonymous = await stack.call(op.method.toUpperCase(), path, {
        body: op.method === 'get' ? undefined : {},
      });
      expect(anonymous.status, `${op.method} ${path} without token`).toBe(401);
      const outsider: TRole | undefined = ROLES.find((r) => !op.roles!.includes(r));
      if (!outsider) continue;
      const token = await stack.token(
        outsider === 'consumer'
          ? { role: 'consumer', consumers: [PATTOM_CONSUMER] }
          : { role: outsider, office: 'sec-pattom' },
      );
      const denied = await stack.call(op.method.toUpperCase(), path, {
        token,
        body: op.method === 'get' ? undefined : {},
      });
      expect(denied.status, `${op.method} ${path} as ${outsider}`).toBe(403);
    }
  });
});

describe('office scope on development reads', () => {
  it("shows the sandbox outbox only for the consumers of the caller's offices", async () => {
    const phoneOf = async (n: string) =>
      (await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, n)))[0]!.phone;
    const pattomPhone = await phoneOf(PATTOM_CONSUMER);
    const kaloorPhone = await phoneOf(KALOOR_CONSUMER);
    await stack.db.insert(devOutbox).values(
      [pattomPhone, kaloorPhone].map((recipient, i) => ({
        id: `scope-test-${i}`,
        idempotencyKey: `scope-test-${i}`,
        channel: 'sms',
        recipient,
        body: `message ${i}`,
      })),
    );
    const read = async (token: string) =>
      (await stack.call('GET', '/v1/dev/outbox?limit=200', { token })).json.items.map((m: any) => m.recipient);
    const pattom = await read(await stack.token({ role: 'executive', office: 'sec-pattom' }));
    expect(pattom).toContain(pattomPhone);
    expect(pattom).not.toContain(kaloorPhone);
    const ops = await read(await stack.token({ role: 'ops', office: 'hq' }));
    expect(ops).toEqual(expect.arrayContaining([pattomPhone, kaloorPhone]));
  });
});
