import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLAINT_CATALOGUE, npFormatHelp, parseNpSms } from '../domain/complaint-catalogue';

const NP_FORMAT_HELP = npFormatHelp();
import { startTestStack, type TestStack } from './helpers/stack';

describe('the NP SMS grammar', () => {
  it('takes NP and a 13-digit consumer number, in any case and spacing', () => {
    for (const text of [
      'NP 1154600000001',
      'np 1154600000001',
      '  Np    1154600000001  ',
      'nP\t1154600000001',
    ])
      expect(parseNpSms(text), text).toEqual({ ok: true, consumerNumber: '1154600000001' });
  });

  it('answers anything else with the format', () => {
    for (const text of [
      'NP',
      'NP 115460000000',
      'NP 11546000000012',
      'NP1154600000001',
      'NP 1154600000001 please hurry',
      'no power 1154600000001',
      'NP 11546-00000001',
      '',
    ])
      expect(parseNpSms(text), text).toEqual({ ok: false, reply: NP_FORMAT_HELP });
  });
});

describe('the complaint catalogue', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => stack?.stop());

  it('has every complaint type of the seeds, as data', async () => {
    const token = await stack.token({ role: 'agent', office: 'sec-pattom' });
    const listed = await stack.call('GET', '/v1/catalogue/complaint-types', { token });
    expect(listed.status).toBe(200);
    // Other test files add their own types (test-*) to the shared database.
    expect(
      listed.json.items
        .map((t: any) => t.code)
        .filter((c: string) => !c.startsWith('test-'))
        .sort(),
    ).toEqual(COMPLAINT_CATALOGUE.map((t) => t.code).sort());
    const accident = listed.json.items.find((t: any) => t.code === 'electrical-accident');
    expect(accident).toMatchObject({ priority: 'emergency', calendar: '24x7' });
    expect(listed.json.items.find((t: any) => t.code === 'no-power')).toMatchObject({ outageLinkable: true });
  });

  it('keeps service and complaint codes apart', async () => {
    const admin = await stack.token({ role: 'admin', office: 'hq' });
    const clash = await stack.call('PUT', '/v1/catalogue/service-types/no-power', {
      token: admin,
      body: { version: 9, name: 'x' },
    });
    expect(clash.status).toBe(409);
    expect(clash.json.detail).toMatch(/complaint type/);
    const back = await stack.call('PUT', '/v1/catalogue/complaint-types/new-connection', {
      token: admin,
      body: { version: 9, name: 'x' },
    });
    expect(back.status).toBe(409);
    expect(back.json.detail).toMatch(/service type/);
  });

  it('lets admins add a complaint type, naming the fields at fault', async () => {
    const admin = await stack.token({ role: 'admin', office: 'hq' });
    const bad = await stack.call('PUT', '/v1/catalogue/complaint-types/test-broken', {
      token: admin,
      body: { name: 'Broken', priority: 'urgent', tat: 'soon', escalation: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: any) => e.field).sort()).toEqual(['escalation', 'priority', 'tat']);
    const agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
    expect(
      (
        await stack.call('PUT', '/v1/catalogue/complaint-types/test-broken', {
          token: agent,
          body: { name: 'Broken', priority: 'low', tat: '1h', escalation: [] },
        })
      ).status,
    ).toBe(403);
  });
});
