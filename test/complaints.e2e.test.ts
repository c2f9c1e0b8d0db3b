import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotice } from '../domain/notice-templates';
import { ZComplaintState } from '../domain/state-schemas';
import { eq, inArray, like } from 'drizzle-orm';
import { consumers, devOutbox, notifications, staff, transformers } from '../db/schema';
import { SA } from '../domain/search-attributes';
import { saveHistories } from './helpers/histories';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';

let stack: TestStack;
let agent: string;
let executive: string;
let callCentre: string;

beforeAll(async () => {
  stack = await startTestStack();
  agent = await stack.token({ role: 'agent', office: 'sec-pattom' });
  callCentre = await stack.token({ role: 'agent', office: 'circle-tvm', subject: 'call-centre-7' });
  executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: 'exec-complaints' });
});
afterAll(async () => {
  if (stack) await saveHistories(stack, 'complaintWorkflow', 'test/.histories-latest-complaint');
  // its notices too: registrations, staff alerts to an office and to each person on call
  if (stack) await saveHistories(stack, 'noticeWorkflow', 'test/.histories-latest-notice-complaint');
  await stack?.stop();
});

const act = (rn: string, action: string, token: string, body: unknown) =>
  stack.call('POST', `/v1/complaints/${rn}/${action}`, { token, body });
/** The notices to the consumer and to offices (each person an office notice reaches gets one of its own). */
const noticesOf = (rn: string) =>
  stack.db
    .select()
    .from(notifications)
    .where(like(notifications.key, `${rn}/%`))
    .then((rows) => rows.filter((n) => n.officeId || n.consumerNumber));
const ALERTS = new Set(['emergency-alert-site', 'emergency-realert']);
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

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
    // The consumer's own list: the closed one and the new one (listed even before its first write).
    // The read model follows the workflow a moment later.
    const mine = await waitFor(
      () => stack.call('GET', `/v1/consumers/${consumerNumber}/requests`, { token: consumer }),
      (r) => r.json.items?.some((i: any) => i.requestNumber === rn && i.status === 'closed'),
    );
    expect(mine.status).toBe(200);
    const listed = mine.json.items.map((i: any) => `${i.requestNumber}:${i.status}`);
    expect(listed).toEqual(expect.arrayContaining([`${rn}:closed`, `${next.json.requestNumber}:open`]));
    const open = await stack.call('GET', `/v1/consumers/${consumerNumber}/requests?status=open`, {
      token: consumer,
    });
    expect(open.json.items.map((i: any) => i.requestNumber)).not.toContain(rn);
    const stranger = await stack.token({ role: 'consumer', consumers: ['1154600000020'] });
    expect(
      (await stack.call('GET', `/v1/consumers/${consumerNumber}/requests`, { token: stranger })).status,
    ).toBe(403);
    // Notices are their own workflows: their rows land shortly after.
    let templates: string[] = [];
    for (let i = 0; i < 50 && templates.length < 4; i++) {
      templates = (await stack.db.select().from(notifications))
        .filter((n) => n.key.startsWith(`${rn}/`))
        .map((n) => n.template);
      if (templates.length < 4) await sleep(200);
    }
    // "still not fixed" tells the consumer the new expected time
    expect(templates.sort()).toEqual([
      'complaint-registered',
      'complaint-reopened',
      'complaint-resolved',
      'complaint-resolved',
    ]);
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

  it('answers no power inside an outage with the ETR, passes on a new ETR and the restoration, and reopens for field work if still out', async () => {
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'subdiv-pattom' });
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        transformerIds: ['dtr-kesavadasapuram-1'],
        reason: 'DTR fuse blown',
        etr: inHours(2),
      },
    });
    expect(outage.status, JSON.stringify(outage.json)).toBe(201);
    const inside = '1154700000003'; // fed by dtr-kesavadasapuram-1
    const outside = '1154700000001'; // dtr-kesavadasapuram-2
    const linked = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'no-power', consumerNumber: inside, channel: 'agent' },
    });
    expect(linked.status, JSON.stringify(linked.json)).toBe(201);
    expect(linked.json).toMatchObject({
      status: 'awaiting-restoration',
      dueAt: null,
      outage: { id: outage.json.id, area: 'DTR 1 (Kesavadasapuram)', etr: outage.json.etr },
    });
    const rn = linked.json.requestNumber as string;
    const field = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'no-power', consumerNumber: outside },
    });
    expect(field.json).toMatchObject({ status: 'open', outage: null });
    expect(field.json.dueAt).toEqual(expect.any(String));

    // The office queue shows the linked complaint under its outage, not as field work.
    const sectionExecutive = await stack.token({ role: 'executive', office: 'sec-kesavadasapuram' });
    const queue = await waitFor(
      () =>
        stack.call('GET', `/v1/complaints?officeId=sec-kesavadasapuram&outageId=${outage.json.id}`, {
          token: sectionExecutive,
        }),
      (r) => r.json.items?.length === 1,
    );
    expect(queue.status).toBe(200);
    expect(queue.json.items[0]).toMatchObject({
      requestNumber: rn,
      status: 'awaiting-restoration',
      dueAt: null,
    });

    const etr = inHours(3);
    expect(
      (await stack.call('PATCH', `/v1/outages/${outage.json.id}`, { token: dispatcher, body: { etr } }))
        .status,
    ).toBe(200);
    const afterEtr = await waitFor(
      () => noticesOf(rn),
      (rows) => rows.some((n) => n.template === 'outage-etr-changed'),
    );
    expect(afterEtr.map((n) => n.template).sort()).toEqual(['complaint-linked-outage', 'outage-etr-changed']);
    expect(afterEtr.find((n) => n.template === 'outage-etr-changed')!.params.etr).toBe(
      new Date(etr).toISOString(),
    );

    expect(
      (await stack.call('POST', `/v1/outages/${outage.json.id}/restore`, { token: dispatcher })).status,
    ).toBe(200);
    const consumer = await stack.token({ role: 'consumer', consumers: [inside] });
    const resolved = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: consumer }),
      (r) => r.json.status === 'resolved',
    );
    expect(resolved.json.resolution).toBe(`power restored (outage ${outage.json.id})`);
    expect(resolved.json.crew).toBeUndefined();
    expect(ZComplaintState.strict().safeParse(resolved.json).error).toBeUndefined();
    await waitFor(
      () => noticesOf(rn),
      (rows) => rows.some((n) => n.template === 'complaint-power-restored'),
    );

    // Power is back for the area but not for this consumer: an individual fault, with a clock.
    const reopened = await act(rn, 'confirm', consumer, { fixed: false });
    expect(reopened.json).toMatchObject({ status: 'open', reopenCount: 1 });
    expect(reopened.json.outage.unlinkedAt).toEqual(expect.any(String));
    expect(new Date(reopened.json.dueAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('links an open no-power complaint to an outage that starts later, when the consumer reports again', async () => {
    const consumerNumber = '1154700000009'; // dtr-kesavadasapuram-1
    const first = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'no-power', consumerNumber },
    });
    expect(first.json).toMatchObject({ status: 'open', outage: null });
    const dispatcher = await stack.token({ role: 'dispatcher', office: 'sec-kesavadasapuram' });
    const outage = await stack.call('POST', '/v1/outages', {
      token: dispatcher,
      body: {
        kind: 'emergency',
        transformerIds: ['dtr-kesavadasapuram-1'],
        reason: 'DTR burnt',
        etr: inHours(4),
      },
    });
    expect(outage.status, JSON.stringify(outage.json)).toBe(201);
    const again = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'no-power', consumerNumber, channel: 'ivr' },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      requestNumber: first.json.requestNumber,
      joined: true,
      status: 'awaiting-restoration',
      dueAt: null,
      outage: { id: outage.json.id, etr: outage.json.etr },
    });
    await stack.call('POST', `/v1/outages/${outage.json.id}/restore`, { token: dispatcher });
    const done = await waitFor(
      () => stack.call('GET', `/v1/complaints/${first.json.requestNumber}`, { token: callCentre }),
      (r) => r.json.status === 'resolved',
    );
    expect(done.json.resolution).toBe(`power restored (outage ${outage.json.id})`);
  });

  it('alerts the emergency desk and the section office at once, then one level higher each time until acknowledged', async () => {
    const admin = await stack.token({ role: 'admin', office: 'circle-tvm' });
    const put = await stack.call('PUT', '/v1/catalogue/complaint-types/test-accident', {
      token: admin,
      body: {
        name: 'Electrical accident (test)',
        priority: 'emergency',
        tat: '1h',
        calendar: '24x7',
        realertEvery: '2s',
        escalation: [
          { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '30m' },
          { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '30m' },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const consumerNumber = '1154700000010';
    const made = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: {
        type: 'test-accident',
        consumerNumber,
        channel: 'agent',
        description: 'line snapped onto a gate',
      },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const rn = made.json.requestNumber as string;
    const alerts = async () =>
      (await noticesOf(rn)).filter((n) => ALERTS.has(n.template)).map((n) => `${n.role}@${n.officeId}`);
    const raised = await waitFor(alerts, (a) => a.length >= 4);
    expect(raised).toEqual(
      expect.arrayContaining([
        'dispatcher@circle-tvm',
        'executive@sec-kesavadasapuram',
        'supervisor@subdiv-pattom',
        'supervisor@div-tvm-city',
      ]),
    );
    // The desk's alert reaches whoever is on call there now, on their phone.
    const onCall = await stack.call('GET', '/v1/offices/circle-tvm/on-call', { token: admin });
    const dispatchers = (onCall.json.onCall as { subject: string }[]).map((s) => s.subject);
    expect(dispatchers.length).toBeGreaterThan(0);
    const deskAlert = (await noticesOf(rn)).find(
      (n) => n.template === 'emergency-alert-site' && n.officeId === 'circle-tvm',
    )!;
    const reached = await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .then((rows) => rows.filter((m) => m.idempotencyKey.startsWith(`${deskAlert.key}/`))),
      (rows) =>
        dispatchers.every((d) => rows.some((m) => m.idempotencyKey.startsWith(`${deskAlert.key}/${d}#`))),
    );
    const phones = await stack.db.select().from(staff).where(inArray(staff.subject, dispatchers));
    expect(reached.map((m) => m.recipient).sort()).toEqual(phones.map((p) => p.phone).sort());
    // What they need to act: where, on which transformer and feeder, what was reported, by which way.
    const [account] = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    const [tx] = await stack.db
      .select()
      .from(transformers)
      .where(eq(transformers.id, account!.transformerId));
    const english = reached.find((m) => phones.find((p) => p.phone === m.recipient)?.language === 'en');
    for (const text of [
      renderNotice('emergency-alert-site', 'en', deskAlert.params).body,
      english?.body,
    ].filter(Boolean))
      for (const part of [
        account!.address,
        account!.name,
        tx!.id,
        tx!.feederId,
        'line snapped onto a gate',
        'the call centre', // the channel, in the reader's words
      ])
        expect(text, part).toContain(part);
    // Re-alerts say they are re-alerts, how long it has waited and who was already told.
    const realert = await waitFor(
      // the first re-alert (later ones may have landed already)
      () =>
        noticesOf(rn).then((rows) =>
          rows.find((n) => n.template === 'emergency-realert' && n.params.alert === '2'),
        ),
      (n) => n !== undefined,
    );
    const realertText = renderNotice('emergency-realert', 'en', realert!.params);
    expect(realertText.subject).toMatch(/^RE-ALERT 2 — EMERGENCY/);
    expect(realertText.body).toContain('dispatcher of circle-tvm');
    // Head office (ops) sees every office's queue unless it names one.
    const queue = await stack.call('GET', '/v1/complaints?priority=emergency', {
      token: await stack.token({ role: 'ops', office: 'hq' }),
    });
    expect(queue.json.items.map((i: { requestNumber: string }) => i.requestNumber)).toContain(rn);

    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    expect((await act(rn, 'acknowledge', consumer, {})).status).toBe(403);
    const elsewhere = await stack.token({ role: 'dispatcher', office: 'circle-ekm' });
    expect((await act(rn, 'acknowledge', elsewhere, {})).status).toBe(403);
    const desk = await stack.token({ role: 'dispatcher', office: 'circle-tvm', subject: 'control-room' });
    const acked = await act(rn, 'acknowledge', desk, { note: 'crew and ambulance sent' });
    expect(acked.status, JSON.stringify(acked.json)).toBe(200);
    expect(acked.json.emergency).toMatchObject({ acknowledgedBy: 'control-room' });
    expect((await act(rn, 'acknowledge', desk, {})).status).toBe(409);
    const count = (await alerts()).length;
    // Everyone alerted so far hears that someone has it.
    const told = await waitFor(
      () => noticesOf(rn).then((rows) => rows.filter((n) => n.template === 'emergency-acknowledged')),
      (rows) =>
        rows.some((n) => n.officeId === 'circle-tvm') &&
        rows.some((n) => n.officeId === 'sec-kesavadasapuram'),
    );
    expect(told[0]!.params).toMatchObject({ by: 'control-room', note: 'crew and ambulance sent' });
    await sleep(5000);
    expect((await alerts()).length).toBe(count); // no alerts once acknowledged
  });

  it('keeps re-alerting an emergency across a worker restart, and loses nothing registered while it was down', async () => {
    // test-accident (re-alert every 2 s) was added by the previous test.
    await stack.stopWorker();
    const made = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'test-accident', consumerNumber: '1154700000012', description: 'transformer on fire' },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201); // taken while no worker runs
    const rn = made.json.requestNumber as string;
    await sleep(3000);
    expect(await noticesOf(rn)).toHaveLength(0);
    await stack.startWorker();
    const alerts = async () => (await noticesOf(rn)).filter((n) => ALERTS.has(n.template));
    expect((await waitFor(alerts, (a) => a.length >= 3)).length).toBeGreaterThanOrEqual(3);
    await stack.stopWorker(); // mid-cycle: the re-alert timer fires while nobody runs it
    await sleep(2500);
    const before = (await alerts()).length;
    await stack.startWorker();
    expect((await waitFor(alerts, (a) => a.length > before)).length).toBeGreaterThan(before);
    const desk = await stack.token({ role: 'dispatcher', office: 'circle-tvm' });
    expect((await act(rn, 'acknowledge', desk, {})).status).toBe(200);
  });

  it("escalates a missed turnaround through the matrix and shows it in the higher office's queue", async () => {
    const admin = await stack.token({ role: 'admin', office: 'circle-tvm' });
    await stack.call('PUT', '/v1/catalogue/complaint-types/test-quick', {
      token: admin,
      body: {
        name: 'Quick (test)',
        priority: 'normal',
        tat: '2s',
        calendar: '24x7',
        escalation: [
          { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '2s' },
          { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '2s' },
        ],
      },
    });
    const made = await stack.call('POST', '/v1/complaints', {
      token: callCentre,
      body: { type: 'test-quick', consumerNumber: '1154700000011' },
    });
    const rn = made.json.requestNumber as string;
    const top = await waitFor(
      () => stack.call('GET', `/v1/complaints/${rn}`, { token: callCentre }),
      (r) => r.json.escalationLevel === 2,
    );
    expect(top.json).toMatchObject({
      breached: true,
      escalationLevel: 2,
      escalationOfficeId: 'div-tvm-city',
    });
    expect(top.json.reports[0].channel).toBe('agent'); // staff registering: the agent channel unless told
    // Operations read the same in the Temporal UI: search attributes follow the state.
    const attributes = await waitFor(
      async () => (await stack.client.workflow.getHandle(rn).describe()).typedSearchAttributes,
      (a) => a.get(SA.EscalationLevel) === 2,
    );
    expect(attributes.get(SA.EscalationLevel)).toBe(2);
    expect(attributes.get(SA.RequestKind)).toBe('complaint');
    expect(attributes.get(SA.RequestStatus)).toBe('open');
    expect(attributes.get(SA.OfficeId)).toBe('sec-kesavadasapuram');
    const escalations = await waitFor(
      () => noticesOf(rn),
      (rows) => rows.filter((n) => n.template === 'complaint-escalation-alert').length === 2,
    );
    const alerts = escalations.filter((n) => n.template === 'complaint-escalation-alert');
    // The consumer hears of the delay once, with the new expected time.
    const delayed = await waitFor(
      () => noticesOf(rn).then((rows) => rows.filter((n) => n.template === 'complaint-delayed')),
      (rows) => rows.length > 0,
    );
    expect(delayed).toHaveLength(1);
    expect(delayed[0]).toMatchObject({ consumerNumber: '1154700000011' });
    const delayParams = delayed[0]!.params;
    expect(new Date(delayParams.newDate as string).getTime()).toBeGreaterThan(
      new Date(top.json.dueAt).getTime(),
    );
    expect(alerts.map((n) => n.officeId).sort()).toEqual(['div-tvm-city', 'subdiv-pattom']);
    // Each level is told its own deadline, after the turnaround that was missed, in a complaint's words.
    for (const alert of alerts) {
      const params = alert.params;
      expect(new Date(params.resolveBy as string).getTime()).toBeGreaterThan(
        new Date(top.json.dueAt).getTime(),
      );
      const text = renderNotice('complaint-escalation-alert', 'en', params).body;
      expect(text).toMatch(/^Complaint CR-/);
      expect(text).not.toMatch(/request/i);
    }
    const supervisor = await stack.token({ role: 'supervisor', office: 'div-tvm-city' });
    const queue = await waitFor(
      () => stack.call('GET', '/v1/complaints?escalated=true&type=test-quick', { token: supervisor }),
      (r) => r.json.items?.some((i: { escalationLevel: number }) => i.escalationLevel === 2),
    );
    expect(queue.json.items[0]).toMatchObject({ requestNumber: rn, escalationOfficeId: 'div-tvm-city' });
    expect((await act(rn, 'acknowledge', supervisor, {})).status).toBe(409); // not an emergency
    expect(
      (await act(rn, 'resolve', supervisor, { resolution: 'fixed by the division crew' })).json.status,
    ).toBe('resolved');
  });
});
