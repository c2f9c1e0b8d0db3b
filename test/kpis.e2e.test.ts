import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { eq, inArray, like, or, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInboundContact, recordIntakeContact } from '../db/inbound-contacts';
import {
  campaignDeliveries,
  campaignRecipients,
  campaigns,
  complaints,
  consumers,
  inboundContacts,
  inboundContactSlots,
  notifications,
  offices,
  serviceRequests,
} from '../db/schema';
import { expectP90 } from './helpers/kpi-p90';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The KPIs on the real stack: a circle of this file's own (two sections under it, one office
 * outside), a known set of requests, complaints, contacts, notices and a campaign in a week of
 * March 2021 (and open items now), then each endpoint's exact figures, its office scope, its
 * refusals and its CSV.
 */
let stack: TestStack;
const u = randomUUID().slice(0, 6);
const CIRCLE = `kc-${u}`;
const A = `ka-${u}`;
const B = `kb-${u}`;
const X = `kx-${u}`;
const TYPE = `kpi-${u}`;
const CTYPE = `kpic-${u}`;
const digits = () => String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
const CONSUMER_B = `98${digits()}12`.slice(0, 13);
const H = 3_600_000;
const t = (iso: string) => new Date(iso);
const now = Date.now();
const ago = (days: number) => new Date(now - days * 86_400_000);

const supervisorOf = (office: string) =>
  stack.token({ role: 'supervisor', office, subject: `sup-${u}-${office}` });
const get = async (path: string, token: string, headers?: Record<string, string>) =>
  stack.call('GET', path, { token, headers });

const sr = (
  n: number,
  o: {
    office: string;
    submitted: Date;
    closedAfterH?: number;
    breached?: boolean;
    level?: number;
    status?: string;
    type?: string;
  },
) => ({
  requestNumber: `SR-KPI-${u}-${n}`,
  typeCode: o.type ?? TYPE,
  consumerNumber: CONSUMER_B,
  officeId: o.office,
  status: o.status ?? (o.closedAfterH === undefined ? 'in-progress' : 'completed'),
  channel: 'web',
  submittedBy: 'consumer',
  submittedAt: o.submitted,
  closedAt: o.closedAfterH === undefined ? null : new Date(o.submitted.getTime() + o.closedAfterH * H),
  breached: o.breached ?? false,
  escalationLevel: o.level ?? 0,
});

const cr = (
  n: number,
  o: {
    office: string;
    submitted: Date;
    resolvedAfterH?: number;
    breached?: boolean;
    level?: number;
    status: string;
    priority?: string;
    acknowledged?: boolean;
  },
) => ({
  requestNumber: `CR-KPI-${u}-${n}`,
  typeCode: CTYPE,
  priority: o.priority ?? 'normal',
  consumerNumber: CONSUMER_B,
  officeId: o.office,
  status: o.status,
  channel: 'sms',
  submittedAt: o.submitted,
  resolvedAt: o.resolvedAfterH === undefined ? null : new Date(o.submitted.getTime() + o.resolvedAfterH * H),
  closedAt: o.status === 'closed' ? new Date(o.submitted.getTime() + 50 * H) : null,
  acknowledgedAt: o.acknowledged ? o.submitted : null,
  breached: o.breached ?? false,
  escalationLevel: o.level ?? 0,
});

const notice = (n: number, o: { office: string; chain: string[]; channel: string; status: string }) => ({
  key: `kpi-${u}-${n}`,
  consumerNumber: CONSUMER_B,
  consumerOfficeId: o.office,
  channel: o.channel,
  chain: o.chain,
  language: 'en',
  template: 'request-received',
  params: {},
  status: o.status,
  createdAt: t('2021-03-03T06:00:00Z'),
});

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  const db = stack.db;
  await db.insert(offices).values([
    { id: CIRCLE, name: `KPI circle ${u}`, level: 'circle', path: CIRCLE },
    { id: A, name: `KPI section A ${u}`, level: 'section', parentId: CIRCLE, path: `${CIRCLE}/${A}` },
    { id: B, name: `KPI section B ${u}`, level: 'section', parentId: CIRCLE, path: `${CIRCLE}/${B}` },
    { id: X, name: `KPI elsewhere ${u}`, level: 'circle', path: X },
  ]);
  // A consumer of section B (a copy of a demo consumer's supply), for the intake contacts.
  await db.execute(sql`
    insert into consumers (consumer_number, name, phone, address, section_office_id, transformer_id)
    select ${CONSUMER_B}, 'KPI test', phone, address, ${B}, transformer_id from consumers limit 1`);
  const d1 = t('2021-03-01T00:00:00Z');
  await db.insert(serviceRequests).values([
    sr(1, { office: A, submitted: d1, closedAfterH: 10 }),
    sr(2, { office: A, submitted: d1, closedAfterH: 20 }),
    sr(3, { office: A, submitted: d1, closedAfterH: 30, breached: true, level: 1 }),
    sr(4, { office: A, submitted: d1, closedAfterH: 40, breached: true, level: 2, status: 'rejected' }),
    sr(5, { office: B, submitted: d1, closedAfterH: 5 }),
    sr(6, { office: X, submitted: d1, closedAfterH: 1, breached: true, level: 1 }),
    sr(7, { office: A, submitted: t('2021-02-01T00:00:00Z'), closedAfterH: 24 }), // closed before the period
    // open now
    sr(8, { office: A, submitted: ago(0.5) }),
    sr(9, { office: A, submitted: ago(2) }),
    sr(10, { office: A, submitted: ago(10), status: 'awaiting-consumer' }),
    sr(11, { office: B, submitted: ago(40), breached: true, level: 2 }),
    sr(12, { office: X, submitted: ago(1) }),
  ]);
  await db
    .insert(complaints)
    .values([
      cr(1, { office: B, submitted: d1, resolvedAfterH: 2, status: 'closed' }),
      cr(2, { office: B, submitted: d1, resolvedAfterH: 8, status: 'resolved', breached: true, level: 1 }),
      cr(3, { office: A, submitted: ago(2), status: 'open', priority: 'emergency' }),
      cr(4, { office: A, submitted: ago(3), status: 'assigned', priority: 'emergency', acknowledged: true }),
      cr(5, { office: X, submitted: ago(3), status: 'open', priority: 'emergency' }),
    ]);
  await db
    .insert(notifications)
    .values([
      notice(1, { office: A, chain: ['sms', 'whatsapp'], channel: 'sms', status: 'delivered' }),
      notice(2, { office: A, chain: ['sms', 'whatsapp'], channel: 'whatsapp', status: 'delivered' }),
      notice(3, { office: B, chain: ['sms', 'whatsapp'], channel: 'whatsapp', status: 'undelivered' }),
      notice(4, { office: A, chain: ['email', 'sms'], channel: 'email', status: 'pending' }),
      notice(5, { office: X, chain: ['sms'], channel: 'sms', status: 'undelivered' }),
    ]);
  const campaign = `OUT-KPI-${u}`;
  await db.insert(campaigns).values({
    id: campaign,
    kind: 'outage',
    outageId: campaign,
    officeId: A,
    status: 'done',
    createdAt: t('2021-03-04T00:00:00Z'),
  });
  await db.insert(campaignRecipients).values(
    [1, 2, 3].map((i) => ({
      campaignId: campaign,
      consumerNumber: `${CONSUMER_B.slice(0, 12)}${i}`,
      transformerId: 'tr',
      feederId: 'fd',
      officeId: A,
      area: 'area',
      callList: i === 3,
    })),
  );
  await db.insert(campaignDeliveries).values([
    {
      id: `${campaign}.first.1`,
      campaignId: campaign,
      stage: 'first',
      consumerNumber: '1',
      route: 'auto',
      status: 'delivered',
    },
    {
      id: `${campaign}.first.2`,
      campaignId: campaign,
      stage: 'first',
      consumerNumber: '2',
      route: 'auto',
      status: 'undelivered',
    },
    {
      id: `${campaign}.first.3`,
      campaignId: campaign,
      stage: 'first',
      consumerNumber: '3',
      route: 'call',
      status: 'reached',
      calls: 2,
    },
  ]);
  // Contacts, through the functions the desk and the intakes call (each keeps its half-hour slot).
  const desk = (consumer: string, kind: 'look-up' | 'complaint', at: string, office = A) =>
    recordInboundContact(db, {
      channel: 'agent',
      agent: `agent-${u}`,
      officeId: office,
      consumerNumber: consumer,
      kind,
      at: t(at),
    });
  await desk(`kpi-${u}-c1`, 'look-up', '2021-03-02T04:10:00Z'); // 09:40 India time
  await desk(`kpi-${u}-c1`, 'look-up', '2021-03-02T04:12:00Z'); // the same call: not counted again
  await desk(`kpi-${u}-c2`, 'look-up', '2021-03-02T04:15:00Z');
  await desk(`kpi-${u}-c2`, 'complaint', '2021-03-02T04:20:00Z');
  await desk(`kpi-${u}-c3`, 'look-up', '2021-03-02T04:20:00Z', X);
  const intake = (kind: 'complaint' | 'request', channel: string, rn: string, at: string) =>
    recordIntakeContact(db, {
      channel,
      submittedBy: 'consumer',
      consumerNumber: CONSUMER_B,
      kind,
      requestNumber: rn,
      at: t(at),
    });
  await intake('complaint', 'sms', `CR-KPI-${u}-1`, '2021-03-02T05:05:00Z'); // 10:35 India time
  await intake('complaint', 'sms', `CR-KPI-${u}-1`, '2021-03-02T05:06:00Z'); // a retried intake: counted once
  await intake('request', 'web', `SR-KPI-${u}-5`, '2021-03-03T05:05:00Z');
});

afterAll(async () => {
  const db = stack.db;
  const mine = [CIRCLE, A, B, X];
  await db.delete(serviceRequests).where(like(serviceRequests.requestNumber, `SR-KPI-${u}-%`));
  await db.delete(complaints).where(like(complaints.requestNumber, `CR-KPI-${u}-%`));
  await db.delete(notifications).where(like(notifications.key, `kpi-${u}-%`));
  await db.delete(campaignDeliveries).where(eq(campaignDeliveries.campaignId, `OUT-KPI-${u}`));
  await db.delete(campaignRecipients).where(eq(campaignRecipients.campaignId, `OUT-KPI-${u}`));
  await db.delete(campaigns).where(eq(campaigns.id, `OUT-KPI-${u}`));
  await db.delete(inboundContacts).where(inArray(inboundContacts.officeId, mine));
  await db.delete(inboundContactSlots).where(inArray(inboundContactSlots.officeId, mine));
  await db.delete(consumers).where(eq(consumers.consumerNumber, CONSUMER_B));
  await db
    .delete(offices)
    .where(or(eq(offices.path, CIRCLE), like(offices.path, `${CIRCLE}/%`), eq(offices.id, X)));
  await stack?.stop();
});

const WEEK = 'from=2021-03-01T00:00:00Z&to=2021-03-08T00:00:00Z';

describe('SLA compliance', () => {
  it('counts what closed in the period within its TAT, by type and office, with average and p90', async () => {
    const res = await get(`/v1/kpis/sla?${WEEK}&type=${TYPE}`, await supervisorOf(CIRCLE));
    expect(res.status, res.text).toBe(200);
    const group = (office: string | null) =>
      res.json.groups.find((g: any) => g.kind === 'request' && g.typeCode === TYPE && g.officeId === office);
    // A: 10, 20, 30 (breached), 40 (breached) hours — the one closed in February is not in the week;
    // the p90 (37 h exactly) to the resolution of the rollup's buckets of time to close
    expect(group(A)).toEqual({
      kind: 'request',
      typeCode: TYPE,
      officeId: A,
      closed: 4,
      withinTat: 2,
      share: 0.5,
      avgHours: 25,
      p90Hours: expect.any(Number),
    });
    expectP90(group(A).p90Hours, [10, 20, 30, 40]);
    expect(group(B)).toMatchObject({ closed: 1, withinTat: 1, share: 1, avgHours: 5 });
    expectP90(group(B).p90Hours, [5]);
    // the type over the circle: 5, 10, 20, 30, 40 — X's request is outside the circle
    expect(group(null)).toMatchObject({ closed: 5, withinTat: 3, share: 0.6, avgHours: 21 });
    expectP90(group(null).p90Hours, [5, 10, 20, 30, 40]);
    expect(res.json.groups.find((g: any) => g.officeId === X)).toBeUndefined();
    expect(res.json.officeId).toBe(CIRCLE);
    // by day (India time): all five closed on 1 or 2 March
    const days = res.json.series.filter((p: any) => p.kind === 'request');
    expect(days.reduce((n: number, p: any) => n + p.closed, 0)).toBe(5);
    expect(days.map((p: any) => p.bucket)).toEqual(['2021-02-28T18:30:00.000Z', '2021-03-01T18:30:00.000Z']);
    // breaches by level: closed in the period (A: 1 and 2), open now (B's request at level 2)
    expect(res.json.breaches.filter((b: any) => b.kind === 'request')).toEqual([
      { kind: 'request', level: 1, closed: 1, open: 0 },
      { kind: 'request', level: 2, closed: 1, open: 1 },
    ]);
  });

  it('counts complaints at their resolution', async () => {
    const res = await get(`/v1/kpis/sla?${WEEK}&type=${CTYPE}`, await supervisorOf(CIRCLE));
    const all = res.json.groups.find(
      (g: any) => g.kind === 'complaint' && g.typeCode === null && g.officeId === null,
    );
    // 2 h and 8 h (breached): p90 = 2 + 0.9 × 6
    expect(all).toMatchObject({ closed: 2, withinTat: 1, share: 0.5, avgHours: 5 });
    expectP90(all.p90Hours, [2, 8]);
    expect(res.json.breaches).toEqual([{ kind: 'complaint', level: 1, closed: 1, open: 0 }]);
  });

  it('shows a section only its own', async () => {
    const res = await get(`/v1/kpis/sla?${WEEK}&type=${TYPE}`, await supervisorOf(A));
    expect(res.status).toBe(200);
    expect(new Set(res.json.groups.map((g: any) => g.officeId).filter(Boolean))).toEqual(new Set([A]));
    expect(res.json.groups.find((g: any) => g.officeId === null && g.typeCode === TYPE).closed).toBe(4);
  });
});

describe('backlog', () => {
  it('counts open items by office, status and age; waiting on the consumer; unacknowledged emergencies', async () => {
    const res = await get(`/v1/kpis/backlog?type=${TYPE}`, await supervisorOf(CIRCLE));
    expect(res.status, res.text).toBe(200);
    expect(res.json.rows).toEqual([
      { kind: 'request', officeId: A, status: 'awaiting-consumer', bucket: '7-30d', items: 1 },
      { kind: 'request', officeId: A, status: 'in-progress', bucket: '1-3d', items: 1 },
      { kind: 'request', officeId: A, status: 'in-progress', bucket: 'under-1d', items: 1 },
      { kind: 'request', officeId: B, status: 'in-progress', bucket: 'over-30d', items: 1 },
    ]);
    expect(res.json.open).toEqual({ request: 4, complaint: 0 });
    expect(res.json.waitingOnConsumer).toEqual({ request: 1, complaint: 0 });
    const complaintsOnly = await get(`/v1/kpis/backlog?type=${CTYPE}`, await supervisorOf(CIRCLE));
    expect(complaintsOnly.json.emergencies.unacknowledged).toBe(1);
    expect(complaintsOnly.json.waitingOnConsumer).toEqual({ request: 0, complaint: 1 });
    expect(complaintsOnly.json.open).toEqual({ request: 0, complaint: 3 });
  });
});

describe('inbound contacts', () => {
  it('counts contacts per hour and channel (India time), once per call and once per intake', async () => {
    const res = await get(
      `/v1/kpis/contacts?from=2021-03-02&to=2021-03-02&granularity=hour`,
      await supervisorOf(CIRCLE),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json.period).toEqual({
      from: '2021-03-01T18:30:00.000Z',
      to: '2021-03-02T18:30:00.000Z',
      granularity: 'hour',
    });
    expect(res.json.series).toEqual([
      { bucket: '2021-03-02T03:30:00.000Z', channel: 'agent', contacts: 3 }, // 09:00–10:00
      { bucket: '2021-03-02T04:30:00.000Z', channel: 'sms', contacts: 1 }, // 10:00–11:00
    ]);
  });

  it('gives each channel its share of look-ups, complaints and requests, per day', async () => {
    const res = await get(`/v1/kpis/contacts?${WEEK}&officeId=${CIRCLE}`, await supervisorOf(CIRCLE));
    expect(res.json.series).toEqual([
      { bucket: '2021-03-01T18:30:00.000Z', channel: 'agent', contacts: 3 },
      { bucket: '2021-03-01T18:30:00.000Z', channel: 'sms', contacts: 1 },
      { bucket: '2021-03-02T18:30:00.000Z', channel: 'web', contacts: 1 },
    ]);
    expect(res.json.channels.find((c: any) => c.channel === 'agent')).toEqual({
      channel: 'agent',
      contacts: 3,
      lookUps: 2,
      complaints: 1,
      requests: 0,
      lookUpShare: 0.6667,
      complaintShare: 0.3333,
      requestShare: 0,
    });
    expect(res.json.total).toMatchObject({
      contacts: 5,
      lookUpShare: 0.4,
      complaintShare: 0.4,
      requestShare: 0.2,
    });
  });
});

describe('outbound notices and campaigns', () => {
  it('gives each first channel its delivery rate and fallbacks', async () => {
    const res = await get(`/v1/kpis/notices?${WEEK}`, await supervisorOf(CIRCLE));
    expect(res.status, res.text).toBe(200);
    expect(res.json.channels).toEqual([
      {
        channel: 'email',
        notices: 1,
        delivered: 0,
        undelivered: 0,
        pending: 1,
        fellBack: 0,
        deliveryRate: null,
        fallbackShare: null,
      },
      {
        channel: 'sms',
        notices: 3,
        delivered: 2,
        undelivered: 1,
        pending: 0,
        fellBack: 1,
        deliveryRate: 0.6667,
        fallbackShare: 0.5,
      },
    ]);
  });

  it('lists the period’s campaigns with sent, delivered and calls made', async () => {
    const res = await get(`/v1/kpis/campaigns?${WEEK}`, await supervisorOf(CIRCLE));
    expect(res.json.campaigns).toEqual([
      expect.objectContaining({
        id: `OUT-KPI-${u}`,
        recipients: 3,
        sent: 2,
        delivered: 2,
        callsMade: 2,
        deliveryRate: 0.6667,
      }),
    ]);
    const b = await get(`/v1/kpis/campaigns?${WEEK}`, await supervisorOf(B));
    expect(b.json.campaigns).toEqual([]);
  });
});

describe('who may ask, and what', () => {
  it('refuses an office outside yours, the roles that work items, and consumers', async () => {
    const outside = await get(`/v1/kpis/sla?officeId=${CIRCLE}`, await supervisorOf(A));
    expect(outside.status).toBe(403);
    expect(outside.headers.get('content-type')).toContain('application/problem+json');
    const agent = await get('/v1/kpis/backlog', await stack.token({ role: 'agent', office: A }));
    expect(agent.status).toBe(403);
    const consumer = await get(
      '/v1/kpis/backlog',
      await stack.token({ role: 'consumer', consumers: [CONSUMER_B] }),
    );
    expect(consumer.status).toBe(403);
    const unknown = await get(
      `/v1/kpis/backlog?officeId=nowhere-${u}`,
      await stack.token({ role: 'ops', office: CIRCLE }),
    );
    expect(unknown.status).toBe(404);
  });

  it('lets ops see any office, and every office at once', async () => {
    const ops = await stack.token({ role: 'ops', office: X });
    const one = await get(`/v1/kpis/notices?${WEEK}&officeId=${CIRCLE}`, ops);
    expect(one.json.channels.find((c: any) => c.channel === 'sms').notices).toBe(3);
    const all = await get(`/v1/kpis/notices?${WEEK}`, ops);
    expect(all.json.officeId).toBeNull();
    expect(all.json.channels.find((c: any) => c.channel === 'sms').notices).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['from=yesterday', 'query.from'],
    ['from=2021-03-08&to=2021-03-01', 'query.to'],
    ['from=2020-01-01&to=2021-06-01', 'query.from'],
    ['from=2021-01-01&to=2021-03-01&granularity=hour', 'query.granularity'],
    ['granularity=minute', 'query.granularity'],
    ['type=DROP%20TABLE', 'query.type'],
    ['format=xml', 'query.format'],
    ['from=0000-01-01&to=0000-01-31', 'query.from'],
    ['from=9999-12-01&to=9999-12-31', 'query.from'],
    ['to=9999-12-31', 'query.to'],
  ])('refuses %s, naming %s', async (query, field) => {
    const res = await get(`/v1/kpis/contacts?${query}`, await supervisorOf(CIRCLE));
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json.errors.map((e: any) => e.field)).toContain(field);
  });
});

describe('CSV', () => {
  it('gives each KPI as CSV, by ?format=csv or by Accept', async () => {
    const token = await supervisorOf(CIRCLE);
    const sla = await get(`/v1/kpis/sla?${WEEK}&type=${TYPE}&format=csv`, token);
    expect(sla.status).toBe(200);
    expect(sla.headers.get('content-type')).toContain('text/csv');
    const rows = parse<Record<string, string>>(sla.text, { columns: true });
    expect(rows.find((r) => r.kind === 'request' && r.office === A && r.type === TYPE)).toEqual({
      kind: 'request',
      type: TYPE,
      office: A,
      closed: '4',
      within_tat: '2',
      share: '0.5',
      avg_hours: '25',
      p90_hours: expect.any(String),
    });
    expectP90(
      rows.find((r) => r.kind === 'request' && r.office === A && r.type === TYPE)!.p90_hours,
      [10, 20, 30, 40],
    );
    const backlog = await get(`/v1/kpis/backlog?type=${TYPE}`, token, { accept: 'text/csv' });
    const lines = parse(backlog.text);
    expect(lines[0]).toEqual(['kind', 'office', 'status', 'age', 'items']);
    expect(lines).toContainEqual(['request', B, 'in-progress', 'over-30d', '1']);
    for (const name of ['contacts', 'notices', 'campaigns']) {
      const res = await get(`/v1/kpis/${name}?from=2019-01-01&to=2019-01-02&format=csv`, token);
      expect(res.status).toBe(200);
      expect(parse(res.text).length, name).toBe(1); // the header alone
    }
  });
});
