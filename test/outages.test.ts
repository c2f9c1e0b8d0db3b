import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, transformers } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
let dispatcher: string;
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

const supplyOf = async (consumerNumber: string) => {
  const [row] = await stack.db
    .select({ transformerId: transformers.id, feederId: transformers.feederId })
    .from(consumers)
    .innerJoin(transformers, eq(transformers.id, consumers.transformerId))
    .where(eq(consumers.consumerNumber, consumerNumber));
  return row!;
};

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-pattom', subject: 'dispatch-pattom' });
});
afterAll(async () => stack?.stop());

describe('outages', () => {
  it('registers an emergency outage on a transformer, tells affected consumers its ETR, and restores it', async () => {
    const consumerNumber = '1154600000007';
    const supply = await supplyOf(consumerNumber);
    const registered = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        transformerIds: [supply.transformerId],
        reason: 'transformer tripped',
        etr: hours(3),
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.json).toMatchObject({ status: 'active', kind: 'emergency', officeId: 'sec-pattom' });
    const id = registered.json.id as string;

    // Staff see the outages of their office and the offices under it; ops see every office.
    const listed = async (token: string, query = '') =>
      (await stack.call('GET', `/v1/outages${query}`, { token })).json.items?.map((o: any) => o.id);
    expect(await listed(dispatcher)).toContain(id);
    expect(await listed(await stack.token({ role: 'supervisor', office: 'circle-tvm' }))).toContain(id);
    expect(await listed(await stack.token({ role: 'dispatcher', office: 'sec-kaloor' }))).not.toContain(id);
    expect(await listed(await stack.token({ role: 'ops', office: 'hq' }))).toContain(id);
    const foreign = await stack.call('GET', '/v1/outages?officeId=sec-pattom', {
      token: await stack.token({ role: 'agent', office: 'sec-kaloor' }),
    });
    expect(foreign.status).toBe(403);

    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const mine = await stack.call('GET', `/v1/consumers/${consumerNumber}/outages`, { token: consumer });
    expect(mine.json.items.map((o: any) => o.id)).toEqual([id]);
    const elsewhere = await stack.call('GET', '/v1/consumers/1552100000005/outages', {
      token: await stack.token({ role: 'consumer', consumers: ['1552100000005'] }),
    });
    expect(elsewhere.json.items.map((o: any) => o.id)).not.toContain(id);

    const past = await stack.call('PATCH', `/v1/outages/${id}`, {
      token: dispatcher,
      body: { etr: hours(-1) },
    });
    expect(past.status).toBe(400);
    expect(past.json.errors[0].field).toBe('etr');
    const later = hours(5);
    const moved = await stack.call('PATCH', `/v1/outages/${id}`, { token: dispatcher, body: { etr: later } });
    expect(moved.json.etr).toBe(later);

    const restored = await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher });
    expect(restored.json).toMatchObject({ status: 'restored', restoredAt: expect.any(String) });
    expect((await stack.call('POST', `/v1/outages/${id}/restore`, { token: dispatcher })).status).toBe(200);
    expect(
      (await stack.call('PATCH', `/v1/outages/${id}`, { token: dispatcher, body: { etr: hours(9) } })).status,
    ).toBe(409);
    const after = await stack.call('GET', `/v1/consumers/${consumerNumber}/outages`, { token: consumer });
    expect(after.json.items).toEqual([]);
  });

  it('shows an upcoming planned outage on the feeder to consumers it will affect', async () => {
    const consumerNumber = '1154600000006';
    const supply = await supplyOf(consumerNumber);
    // A feeder belongs to its substation's office, above the section: the sub-division dispatches it.
    const subdivision = await stack.token({ role: 'dispatcher', office: 'subdiv-pattom' });
    const planned = await stack.call('POST', '/v1/outages', {
      token: subdivision,
      body: {
        kind: 'planned',
        feederIds: [supply.feederId],
        reason: 'line maintenance',
        startsAt: hours(24),
        endsAt: hours(28),
      },
    });
    expect(planned.status).toBe(201);
    expect(planned.json).toMatchObject({ status: 'scheduled', etr: planned.json.endsAt });
    const agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
    const upcoming = await stack.call('GET', `/v1/consumers/${consumerNumber}/outages`, { token: agent });
    expect(upcoming.json.items.map((o: any) => o.id)).toContain(planned.json.id);
    // The section's staff see the sub-division's outage in their list; another sub-division's do not.
    const listed = async (office: string) =>
      (
        await stack.call('GET', '/v1/outages', { token: await stack.token({ role: 'executive', office }) })
      ).json.items.map((o: any) => o.id);
    expect(await listed('sec-pattom')).toContain(planned.json.id);
    expect(await listed('sec-balaramapuram')).not.toContain(planned.json.id);
  });

  it('refuses unknown assets, missing times, other offices and other roles', async () => {
    const unknown = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: ['no-such-tx'], reason: 'x tripped', etr: hours(2) },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toMatchObject({
      field: 'transformerIds.0',
      message: 'no transformer no-such-tx',
    });
    const noEnd = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'planned', feederIds: ['x'], reason: 'maintenance', startsAt: hours(2) },
    });
    expect(noEnd.json.errors.map((e: any) => e.field)).toContain('endsAt');
    const kaloor = await supplyOf('1552100000005');
    const outside = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: [kaloor.transformerId], reason: 'not ours', etr: hours(2) },
    });
    expect(outside.status).toBe(403);
    expect(outside.json.detail).toMatch(
      /^transformer dtr-kaloor-\d belongs to office sec-kaloor, outside your office/,
    );
    const pattom = await supplyOf('1154600000007');
    const stale = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: { kind: 'emergency', transformerIds: [pattom.transformerId], reason: 'tripped', etr: hours(-2) },
    });
    expect(stale.status).toBe(400);
    expect(stale.json.errors).toEqual([{ field: 'etr', message: 'must be in the future' }]);
    const consumer = await stack.token({ role: 'consumer', consumers: ['1154600000007'] });
    expect((await stack.call('POST', '/v1/outages', { token: consumer, body: {} })).status).toBe(403);
  });
});
