import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { and, eq, like } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCompensationActivities } from '../activities/compensation';
import { createPortalSession } from '../db/portal-sessions';
import { compensationCredits, consumers, ledgerPostings, notifications } from '../db/schema';
import { compensationDue, type TStandard } from '../domain/compensation';
import { PHRASES, renderNotice } from '../domain/notice-templates';
import { RECEIPT_LABELS } from '../domain/receipt-labels';
import { portalMessages } from '../web/messages';
import { createDataConverter } from '../lib/temporal';
import { makePng } from '../scripts/lib/sample-files';
import { saveHistories } from './helpers/histories';
import { pdfText } from './helpers/poppler';
import { shoot, startPortal } from './helpers/portal-browser';
import { testConfig, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';

/**
 * Statutory compensation end to end on the real stack: service requests and complaints with
 * standards of seconds on a 24x7 clock (added through the catalogue API), credited to the
 * ledger once, named on the receipt and in the notices, listed for the consumer and summed for ops.
 */
let stack: TestStack;
let portal: Awaited<ReturnType<typeof startPortal>>;
let admin: string;
let ops: string;
let executive: string;
let seq = 0;

const SOURCE = { citation: 'Test regulation, schedule', example: true };
const standard = (over: Partial<TStandard> = {}): TStandard => ({
  timeline: { urban: '2s', rural: '3s', hilly: '20s' },
  compensation: { kind: 'per-day', amount: 10, day: '1s', cap: 1000, source: SOURCE },
  citation: 'Test Rules, rule 4',
  source: SOURCE,
  ...over,
});

const serviceType = (std: TStandard | undefined) => ({
  version: 1,
  name: 'Compensation test',
  form: [{ name: 'newAddress', label: 'New address', type: 'longText' }],
  documents: [{ kind: 'address', required: true }],
  steps: [{ id: 'document-review', name: 'Document review', performer: 'executive', tat: '30s' }],
  tat: '60s',
  calendar: '24x7',
  escalation: [{ level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '60s' }],
  apply: { kind: 'none', note: 'test' },
  receiptName: 'Compensation test',
  ...(std ? { standard: std } : {}),
});

const complaintType = (name: string, std: TStandard) => ({
  name,
  priority: 'normal',
  tat: '60s',
  calendar: '24x7',
  escalation: [{ level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '60s' }],
  standard: std,
});

/** A consumer of its own (tests share one database), in Pattom unless told otherwise. */
async function newConsumer(
  options: { areaClass?: 'urban' | 'rural' | 'hilly'; section?: string; transformer?: string } = {},
) {
  const consumerNumber = `19${String(randomInt(0, 1e11)).padStart(11, '0')}`;
  await stack.db.insert(consumers).values({
    consumerNumber,
    name: 'Compensation Test',
    phone: '+919447000000',
    address: 'TC 1/1, Test Road',
    sectionOfficeId: options.section ?? 'sec-pattom',
    transformerId: options.transformer ?? 'dtr-pattom-1',
    areaClass: options.areaClass ?? null,
  });
  return consumerNumber;
}

const act = async (rn: string, action: string, token: string, body: Record<string, unknown>) => {
  const staff = decodeJwt(token).role !== 'consumer';
  const signed = staff && action !== 'documents' ? await stack.sign(token, rn, action, body) : body;
  return stack.call('POST', `/v1/service-requests/${rn}/${action}`, { token, body: signed });
};

async function upload(token: string, consumerNumber: string) {
  const form = new FormData();
  form.set('consumerNumber', consumerNumber);
  form.set('kind', 'address');
  form.set('file', new Blob([makePng(640, 480, 9000 + ++seq)], { type: 'image/png' }), 'proof.png');
  const res = await stack.app.request('/v1/documents', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { documentId: string }).documentId;
}

async function submit(consumerNumber: string, type: string) {
  const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
  const documentId = await upload(token, consumerNumber);
  const res = await stack.call('POST', '/v1/service-requests', {
    token,
    body: {
      type,
      consumerNumber,
      form: { newAddress: 'TC 2/2, New Road' },
      documents: [{ documentId, kind: 'address', fileName: 'proof.png' }],
    },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { rn: res.json.requestNumber as string, token, documentId };
}

/** Accepts the document and approves the one step: the request completes. */
async function complete(rn: string, documentId: string, by = executive) {
  await act(rn, 'decide-document', by, { documentId, decision: 'accept' });
  const done = await act(rn, 'approve-step', by, { stepId: 'document-review' });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  expect(done.json.status).toBe('completed');
  return done.json;
}

const postingsOf = (rn: string) =>
  stack.db
    .select()
    .from(ledgerPostings)
    .where(eq(ledgerPostings.idempotencyKey, `compensation/${rn}`));
const span = (timeline: { at: string; event: string }[], from: string, to: string) =>
  Date.parse(timeline.find((e) => e.event === to)!.at) -
  Date.parse(timeline.find((e) => e.event === from)!.at);
const noticeOf = async (rn: string, template: string) =>
  (
    await waitFor(
      () =>
        stack.db
          .select()
          .from(notifications)
          .where(like(notifications.key, `${rn}/%`)),
      (rows) => rows.some((n) => n.template === template),
    )
  ).find((n) => n.template === template)!;

beforeAll(async () => {
  portal = await startPortal();
  stack = portal.stack;
  admin = await stack.token({ role: 'admin', office: 'hq' });
  ops = await stack.token({ role: 'ops', office: 'hq' });
  executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: 'exec-pattom' });
  const puts: [string, string, unknown][] = [
    ['service-types', 'test-comp-late', serviceType(standard())],
    [
      'service-types',
      'test-comp-ontime',
      serviceType(standard({ timeline: { urban: '60s', rural: '60s', hilly: '60s' } })),
    ],
    [
      'service-types',
      'test-comp-cap',
      serviceType(
        standard({
          timeline: { urban: '1s', rural: '1s', hilly: '1s' },
          compensation: { kind: 'per-day', amount: 10, day: '1s', cap: 25, source: SOURCE },
        }),
      ),
    ],
    [
      'complaint-types',
      'test-comp-no-power',
      complaintType(
        'No power (compensation test)',
        standard({ compensation: { kind: 'per-day', amount: 20, day: '1s', cap: 1000, source: SOURCE } }),
      ),
    ],
    [
      'complaint-types',
      'test-comp-voltage',
      complaintType(
        'Low voltage (compensation test)',
        standard({
          timeline: { urban: '1s', rural: '1s', hilly: '1s' },
          compensation: { kind: 'per-case', amount: 75, source: SOURCE },
        }),
      ),
    ],
  ];
  for (const [kind, code, body] of puts) {
    const res = await stack.call('PUT', `/v1/catalogue/${kind}/${code}`, { token: admin, body });
    expect(res.status, `${code}: ${JSON.stringify(res.json)}`).toBe(200);
  }
});
afterAll(async () => {
  if (stack) {
    await saveHistories(stack, 'serviceRequestWorkflow', 'test/.histories-latest-compensation');
    await saveHistories(stack, 'complaintWorkflow', 'test/.histories-latest-compensation-complaint');
  }
  await portal?.stop();
});

describe('a late service request', () => {
  it('is credited once what its own clock owes, the time waiting on the consumer left out; named on the receipt, the notice and the ledger', async () => {
    const consumerNumber = await newConsumer();
    const { rn, token, documentId } = await submit(consumerNumber, 'test-comp-late');
    // The office asks for another document at once: the clock pauses while the consumer looks for it.
    const asked = await act(rn, 'request-documents', executive, {
      kinds: ['address'],
      message: 'Please upload a clearer copy',
    });
    expect(asked.json).toMatchObject({ status: 'awaiting-consumer', clock: { paused: true } });
    await sleep(4000);
    const second = await upload(token, consumerNumber);
    const added = await act(rn, 'documents', token, {
      documents: [{ documentId: second, kind: 'address', fileName: 'clear.png' }],
    });
    expect(added.json.status).toBe('in-progress');
    await sleep(2500);
    await act(rn, 'decide-document', executive, { documentId: second, decision: 'accept' });
    const done = await complete(rn, documentId);

    // The clock ran from submission to completion, less the pause: exactly what the workflow credited.
    const wall = Date.parse(done.closedAt) - Date.parse(done.submittedAt);
    const paused = span(done.timeline, 'documents-requested', 'documents-added');
    expect(paused).toBeGreaterThanOrEqual(4000);
    const credited = done.compensation;
    expect(credited).toBeDefined();
    const [row] = await stack.db
      .select()
      .from(compensationCredits)
      .where(eq(compensationCredits.requestNumber, rn));
    expect(row!.elapsedMs).toBe(wall - paused);
    const expected = compensationDue({ standard: standard(), areaClass: 'urban', elapsedMs: wall - paused })!;
    // without leaving the pause out it would have been more
    expect(
      compensationDue({ standard: standard(), areaClass: 'urban', elapsedMs: wall })!.amountPaise,
    ).toBeGreaterThan(expected.amountPaise);
    expect(credited).toMatchObject({
      amount: expected.amountPaise / 100,
      amountText: `₹${(expected.amountPaise / 100).toFixed(2)}`,
      periodsLate: Math.ceil((wall - paused - 2000) / 1000),
      areaClass: 'urban',
      standardMs: 2000,
      citation: 'Test Rules, rule 4',
      capped: false,
    });
    expect(row).toMatchObject({
      source: 'service-request',
      typeCode: 'test-comp-late',
      officeId: 'sec-pattom',
      month: expect.stringMatching(/^\d{4}-\d{2}$/),
      example: true,
    });

    // One posting, negative (a credit), with the citation; in the ledger listing with the balance.
    const postings = await postingsOf(rn);
    expect(postings).toHaveLength(1);
    expect(Number(postings[0]!.amount)).toBe(-credited.amount);
    expect(postings[0]).toMatchObject({
      kind: 'compensation',
      sourceRef: `service-request/${rn}`,
      note: 'Test Rules, rule 4',
    });
    const ledger = await stack.call('GET', `/v1/consumers/${consumerNumber}/ledger`, { token });
    expect(ledger.status).toBe(200);
    expect(ledger.json.items).toEqual([
      expect.objectContaining({ kind: 'compensation', amount: -credited.amount, balance: -credited.amount }),
    ]);
    expect(ledger.json.balance).toBe(-credited.amount);

    // The consumer's list says why.
    const list = await stack.call('GET', `/v1/consumers/${consumerNumber}/compensation`, { token });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ total: 1, amount: credited.amount });
    expect(list.json.items[0]).toMatchObject({
      requestNumber: rn,
      source: 'service-request',
      areaClass: 'urban',
      standardMs: 2000,
      elapsedMs: wall - paused,
      periodsLate: credited.periodsLate,
      rule: { kind: 'per-day', amount: 10, cap: 1000, day: '1s' },
      citation: 'Test Rules, rule 4',
      example: true,
      postingId: postings[0]!.id,
    });

    // The completion notice names it, in the consumer's words.
    const notice = await noticeOf(rn, 'request-completed');
    expect(notice.params.compensation).toEqual({
      phrase: 'compensation.per-day',
      values: {
        amount: credited.amountText,
        periods: String(credited.periodsLate),
        citation: 'Test Rules, rule 4',
      },
    });
    const body = renderNotice('request-completed', 'en', notice.params).body;
    // (one "day" when a loaded machine made it one period late)
    const days = `${credited.periodsLate} ${credited.periodsLate === 1 ? 'day' : 'days'}`;
    expect(body).toContain(`${credited.amountText} credited to your account as compensation for ${days}`);

    // So does the signed receipt.
    const download = await stack.app.request(`/v1/service-requests/${rn}/receipt`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    const pdf = Buffer.from(await download.arrayBuffer());
    const text = pdfText(pdf);
    expect(text).toContain(`${RECEIPT_LABELS.en.compensation}: ${credited.amountText} credited`);
    expect(text).toContain('Test Rules, rule 4');
    mkdirSync('.data', { recursive: true });
    writeFileSync('.data/receipt-compensation.pdf', pdf);

    // A retried completion, an activity retried, and a replay after the worker restarts: still one credit.
    expect((await act(rn, 'approve-step', executive, { stepId: 'document-review' })).status).toBe(409);
    const again = await createCompensationActivities({
      db: stack.db,
      now: () => new Date(),
    }).creditCompensation({
      source: 'service-request',
      requestNumber: rn,
      typeCode: 'test-comp-late',
      consumerNumber,
      officeId: 'sec-pattom',
      due: expected,
    });
    expect(again.postingId).toBe(postings[0]!.id);
    await stack.stopWorker();
    await stack.startWorker();
    const replayed = await stack.call('GET', `/v1/service-requests/${rn}`, { token });
    expect(replayed.json.compensation).toEqual(credited);
    const history = await stack.client.workflow.getHandle(rn).fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowBundle: { code: readFileSync(inject('workflowBundlePath'), 'utf8') },
        dataConverter: createDataConverter(testConfig()),
      },
      history,
      rn,
    );
    expect(await postingsOf(rn)).toHaveLength(1);
    expect(
      await stack.db.select().from(compensationCredits).where(eq(compensationCredits.requestNumber, rn)),
    ).toHaveLength(1);
  }, 90_000);

  it('credits nothing when done within the standard', async () => {
    const consumerNumber = await newConsumer();
    const { rn, documentId } = await submit(consumerNumber, 'test-comp-ontime');
    const done = await complete(rn, documentId);
    expect(done.compensation).toBeUndefined();
    expect(await postingsOf(rn)).toHaveLength(0);
    const notice = await noticeOf(rn, 'request-completed');
    expect(notice.params.compensation).toBeUndefined();
    expect(renderNotice('request-completed', 'en', notice.params as never).body).not.toContain(
      'compensation',
    );
  });

  it('pays no more than the cap', async () => {
    const capped = await newConsumer();
    const one = await submit(capped, 'test-comp-cap');
    await sleep(4500);
    const done = await complete(one.rn, one.documentId);
    expect(done.compensation).toMatchObject({ amount: 25, capped: true, rule: { cap: 25 } });
    expect(done.compensation.periodsLate).toBeGreaterThanOrEqual(3);
    expect(Number((await postingsOf(one.rn))[0]!.amount)).toBe(-25);
  }, 60_000);

  it('takes the hilly timeline for a hilly consumer in a rural section, the rural one for their neighbour', async () => {
    const section = { section: 'sec-vizhinjam', transformer: 'dtr-vizhinjam-1' };
    const hilly = await newConsumer({ areaClass: 'hilly', ...section });
    const rural = await newConsumer(section);
    const vizhinjam = await stack.token({
      role: 'executive',
      office: 'sec-vizhinjam',
      subject: 'exec-vizhinjam',
    });
    const [h, r] = [await submit(hilly, 'test-comp-late'), await submit(rural, 'test-comp-late')];
    await sleep(4200);
    const [hd, rd] = [
      await complete(h.rn, h.documentId, vizhinjam),
      await complete(r.rn, r.documentId, vizhinjam),
    ];
    // past the rural standard (3 s), within the hilly one (20 s)
    expect(hd.compensation).toBeUndefined();
    expect(rd.compensation).toMatchObject({ areaClass: 'rural', standardMs: 3000 });
  }, 60_000);
});

describe('a complaint restored late', () => {
  const register = async (type: string, consumerNumber: string) => {
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const made = await stack.call('POST', '/v1/complaints', {
      token,
      body: { type, consumerNumber, channel: 'web', description: 'no supply since morning' },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    return { rn: made.json.requestNumber as string, token };
  };
  const call = (rn: string, action: string, token: string, body: unknown) =>
    stack.call('POST', `/v1/complaints/${rn}/${action}`, { token, body });

  it('is credited once at closure from its restoration time, the time it stood resolved left out', async () => {
    const consumerNumber = await newConsumer();
    const { rn, token } = await register('test-comp-no-power', consumerNumber);
    await sleep(1200);
    await call(rn, 'resolve', executive, { resolution: 'fuse replaced' });
    // Not fixed after all: the hours it stood "resolved" are not the utility's delay.
    await sleep(2500);
    expect((await call(rn, 'confirm', token, { fixed: false })).json.status).toBe('open');
    await sleep(1500);
    await call(rn, 'resolve', executive, { resolution: 'service cable replaced' });
    expect((await call(rn, 'confirm', token, { fixed: true })).json.status).toBe('closed');

    const state = await waitFor(
      async () => (await stack.call('GET', `/v1/complaints/${rn}`, { token })).json,
      (s) => s.compensation !== undefined,
    );
    const at = (event: string, nth = 0) =>
      Date.parse(state.timeline.filter((e: any) => e.event === event)[nth].at);
    const ran = at('resolved') - at('registered') + (at('resolved', 1) - at('reopened'));
    const [row] = await stack.db
      .select()
      .from(compensationCredits)
      .where(eq(compensationCredits.requestNumber, rn));
    expect(row!.elapsedMs).toBe(ran);
    expect(state.compensation).toMatchObject({
      amount: Math.ceil((ran - 2000) / 1000) * 20,
      periodsLate: Math.ceil((ran - 2000) / 1000),
      areaClass: 'urban',
    });
    expect(row).toMatchObject({
      source: 'complaint',
      typeCode: 'test-comp-no-power',
      officeId: 'sec-pattom',
    });
    expect(await postingsOf(rn)).toHaveLength(1);

    // The consumer is told, in their words.
    const notice = await noticeOf(rn, 'complaint-compensated');
    expect(renderNotice('complaint-compensated', 'en', notice.params as never).body).toContain(
      `${state.compensation.amountText} credited to your account`,
    );
    // The workflow is done: replaying it after a worker restart adds nothing.
    await stack.stopWorker();
    await stack.startWorker();
    await stack.client.workflow.getHandle(rn).query('complaintStatus');
    expect(await postingsOf(rn)).toHaveLength(1);
  }, 90_000);

  it('pays a voltage complaint its per-case amount once, however late', async () => {
    const consumerNumber = await newConsumer();
    const { rn, token } = await register('test-comp-voltage', consumerNumber);
    await sleep(2500);
    await call(rn, 'resolve', executive, { resolution: 'tap changed' });
    await call(rn, 'confirm', token, { fixed: true });
    const state = await waitFor(
      async () => (await stack.call('GET', `/v1/complaints/${rn}`, { token })).json,
      (s) => s.compensation !== undefined,
    );
    expect(state.compensation).toMatchObject({
      amount: 75,
      periodsLate: 1,
      rule: { kind: 'per-case', amount: 75 },
    });
    expect(PHRASES.format('en', 'compensation.per-case', { amount: '₹75.00', citation: 'x' })).toContain(
      '₹75.00',
    );
    const ledger = await stack.call('GET', `/v1/consumers/${consumerNumber}/ledger`, { token });
    expect(ledger.json.balance).toBe(-75);
  }, 90_000);
});

describe('who sees it', () => {
  it('refuses another consumer and staff of another office; ops see the totals by office and month', async () => {
    const mine = await newConsumer();
    const other = await stack.token({ role: 'consumer', consumers: [await newConsumer()] });
    const refused = await stack.call('GET', `/v1/consumers/${mine}/compensation`, { token: other });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const elsewhere = await stack.token({ role: 'executive', office: 'sec-kaloor' });
    expect((await stack.call('GET', `/v1/consumers/${mine}/compensation`, { token: elsewhere })).status).toBe(
      403,
    );
    expect((await stack.call('GET', `/v1/consumers/${mine}/compensation`, { token: executive })).status).toBe(
      200,
    );

    expect((await stack.call('GET', '/v1/compensation/summary', { token: other })).status).toBe(403);
    expect((await stack.call('GET', '/v1/compensation/summary', { token: executive })).status).toBe(403);
    const bad = await stack.call('GET', '/v1/compensation/summary?from=2026-13', { token: ops });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('from');
    const backwards = await stack.call('GET', '/v1/compensation/summary?from=2026-06&to=2026-01', {
      token: ops,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.json.errors[0].field).toBe('to');

    const summary = await stack.call('GET', '/v1/compensation/summary', { token: ops });
    expect(summary.status).toBe(200);
    const credits = await stack.db.select().from(compensationCredits);
    const pattom = credits.filter((c) => c.officeId === 'sec-pattom');
    const month = pattom[0]!.month;
    const row = summary.json.items.find((i: any) => i.officeId === 'sec-pattom' && i.month === month);
    expect(row).toMatchObject({
      officeName: 'Electrical Section Pattom',
      credits: pattom.filter((c) => c.month === month).length,
      amount: pattom.filter((c) => c.month === month).reduce((n, c) => n + Number(c.amount), 0),
    });
    expect(summary.json.amount).toBe(
      credits.reduce((n, c) => Math.round((n + Number(c.amount)) * 100) / 100, 0),
    );
    const vizhinjam = await stack.db
      .select()
      .from(compensationCredits)
      .where(and(eq(compensationCredits.officeId, 'sec-vizhinjam')));
    expect(summary.json.items.some((i: any) => i.officeId === 'sec-vizhinjam')).toBe(vizhinjam.length > 0);
  });
});

describe('the portal', () => {
  it('shows the consumer what they were credited and why, on the request', async () => {
    const consumerNumber = await newConsumer();
    const { rn, documentId } = await submit(consumerNumber, 'test-comp-late');
    await sleep(3500);
    const done = await complete(rn, documentId);
    const credit = done.compensation;
    expect(credit).toBeDefined();

    const session = await createPortalSession(stack.db, [consumerNumber], new Date());
    const context = await portal.browser.newContext();
    context.setDefaultTimeout(10_000);
    await context.addCookies([
      { name: 'seva_session', value: session.token, url: portal.base, httpOnly: true, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    await page.goto(`${portal.base}/requests/${rn}`);
    const card = page.locator('section.compensation');
    await card.waitFor();
    const en = (key: string, values?: Record<string, string>) => portalMessages.format('en', key, values);
    expect(await card.locator('h2#compensation').innerText()).toBe(en('compensation.title'));
    const text = await card.innerText();
    expect(text).toContain(
      `${credit.amountText} credited to your account as compensation for ${credit.periodsLate} days`,
    );
    expect(text).toContain('Test Rules, rule 4');
    expect(text).toContain(en('compensation.late', { area: en('compensation.area.urban') }));
    expect(await page.locator('section', { has: page.locator('#timeline') }).innerText()).toContain(
      en('timeline.compensation-credited'),
    );
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'request-compensation');
    await context.close();
  }, 90_000);
});
