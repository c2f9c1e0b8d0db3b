import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bills } from '../db/schema';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => stack?.stop());

describe('self-service look-ups', () => {
  it("answers a demo consumer's bill, arrears, consumption and last payment from their bills", async () => {
    const consumerNumber = '1154600000001';
    const rows = (await stack.db.select().from(bills).where(eq(bills.consumerNumber, consumerNumber))).sort(
      (a, b) => b.period.localeCompare(a.period),
    );
    expect(rows.length).toBeGreaterThan(0);
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const res = await stack.call('GET', `/v1/consumers/${consumerNumber}/account?months=2`, { token });
    expect(res.status).toBe(200);
    const unpaid = rows.filter((b) => !b.paid);
    expect(res.json).toMatchObject({
      consumerNumber,
      // demo consumer n is on DTR (n mod 3) of its section's feeder
      supply: { sectionOfficeId: 'sec-pattom', transformerId: 'dtr-pattom-2', feederId: 'fdr-pattom' },
      latestBill: { period: rows[0]!.period, amount: Number(rows[0]!.amount), paid: rows[0]!.paid },
      arrears: { bills: unpaid.length },
      consumption: rows.slice(0, 2).map((b) => ({ period: b.period, unitsKwh: Number(b.unitsKwh) })),
    });
    expect(res.json.arrears.amount).toBeCloseTo(
      unpaid.reduce((s, b) => s + Number(b.amount), 0),
      2,
    );
    const paid = rows.find((b) => b.paid);
    expect(res.json.lastPayment).toEqual(paid ? { period: paid.period, amount: Number(paid.amount) } : null);
  });

  it('keeps accounts private and names a bad consumer number', async () => {
    const other = await stack.token({ role: 'consumer', consumers: ['1154600000002'] });
    expect((await stack.call('GET', '/v1/consumers/1154600000001/account', { token: other })).status).toBe(
      403,
    );
    const agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
    const bad = await stack.call('GET', '/v1/consumers/12345/account', { token: agent });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('path.consumerNumber');
  });

  it('lists the offices staff tokens refer to', async () => {
    const agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
    const sections = await stack.call('GET', '/v1/offices?level=section', { token: agent });
    expect(sections.status).toBe(200);
    expect(sections.json.items.map((o: any) => o.id)).toContain('sec-pattom');
    expect(sections.json.items.every((o: any) => o.level === 'section')).toBe(true);
    const consumer = await stack.token({ role: 'consumer', consumers: ['1154600000001'] });
    expect((await stack.call('GET', '/v1/offices', { token: consumer })).status).toBe(403);
  });
});
