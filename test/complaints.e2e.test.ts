import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../db/schema';
import { saveHistories } from './helpers/histories';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
let agent: string;
let executive: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startTestStack();
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
  executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: 'exec-complaints' });
});
afterAll(async () => {
  if (stack) await saveHistories(stack, 'complaintWorkflow', 'test/.histories-latest-complaint');
  await stack?.stop();
});

const act = (rn: string, action: string, token: string, body: unknown) =>
  stack.call('POST', `/v1/complaints/${rn}/${action}`, { token, body });

describe('complaints', () => {
  it('registers, joins a repeat report, reopens on "still not fixed", and closes on confirmation', async () => {
    const consumerNumber = '1154600000019';
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const first = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: {
        type: 'low-voltage',
        consumerNumber,
        channel: 'agent',
        description: 'lights dim every evening',
      },
    });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const rn = first.json.requestNumber as string;
    expect(rn).toMatch(/^CR-\d{4}-\d{6}-\d$/);

    const again = await stack.call('POST', '/v1/complaints', {
      token: consumer,
      body: { type: 'low-voltage', consumerNumber, channel: 'web' },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ requestNumber: rn, joined: true });
    expect((await stack.call('GET', `/v1/complaints/${rn}`, { token: consumer })).json.reports).toHaveLength(
      2,
    );

    expect((await act(rn, 'confirm', consumer, { fixed: true })).status).toBe(409); // nothing resolved yet
    expect((await act(rn, 'resolve', consumer, { resolution: 'me' })).status).toBe(403);
    expect((await act(rn, 'assign-crew', executive, { crew: 'Crew 4, Pattom' })).json.status).toBe(
      'assigned',
    );
    expect((await act(rn, 'resolve', executive, { resolution: 'loose neutral tightened' })).json.status).toBe(
      'resolved',
    );
    const reopened = await act(rn, 'confirm', consumer, { fixed: false });
    expect(reopened.json).toMatchObject({ status: 'open', reopenCount: 1 });
    await act(rn, 'resolve', executive, { resolution: 'transformer tap changed' });
    expect((await act(rn, 'confirm', consumer, { fixed: true })).json.status).toBe('closed');

    // Closed: the slot is free, so the next report is a new complaint.
    let next: any;
    for (let i = 0; i < 25; i++) {
      next = await stack.call('POST', '/v1/complaints', {
        token: consumer,
        body: { type: 'low-voltage', consumerNumber },
      });
      if (next.status === 201) break;
      await sleep(200);
    }
    expect(next.status).toBe(201);
    expect(next.json.requestNumber).not.toBe(rn);
    // Notices are their own workflows: their rows land shortly after.
    let templates: string[] = [];
    for (let i = 0; i < 50 && templates.length < 3; i++) {
      templates = (await stack.db.select().from(notifications))
        .filter((n) => n.key.startsWith(`${rn}/`))
        .map((n) => n.template);
      if (templates.length < 3) await sleep(200);
    }
    expect(templates.sort()).toEqual(['complaint-registered', 'complaint-resolved', 'complaint-resolved']);
  });

  it('refuses unknown types, strangers and other offices', async () => {
    const unknown = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'ghosts', consumerNumber: '1154600000019' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].field).toBe('type');
    const stranger = await stack.token({ role: 'consumer', consumers: ['1154600000020'] });
    expect(
      (
        await stack.call('POST', '/v1/complaints', {
          token: stranger,
          body: { type: 'other', consumerNumber: '1154600000019' },
        })
      ).status,
    ).toBe(403);
    const made = await stack.call('POST', '/v1/complaints', {
      token: agent,
      body: { type: 'meter-defective', consumerNumber: '1154600000019' },
    });
    const elsewhere = await stack.token({ role: 'executive', office: 'circle-ekm' });
    expect((await act(made.json.requestNumber, 'assign-crew', elsewhere, { crew: 'x crew' })).status).toBe(
      403,
    );
  });
});
