import { mkdirSync, writeFileSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers, devOutbox, notifications, requestDecisions, staff } from '../db/schema';
import { PHRASES, renderNotice, type TLanguage } from '../domain/notice-templates';
import { RECEIPT_LABELS } from '../domain/receipt-labels';
import { isValidRequestNumber } from '../domain/request-number';
import { ZServiceRequestState } from '../domain/state-schemas';
import { verhoeffCheckDigit } from '../domain/verhoeff';
import { generateEd25519 } from '../lib/ed25519';
import { buildOfflineEkycZip } from '../lib/offline-ekyc';
import { loadPdfFonts } from '../lib/pdf-text';
import { createReceiptSigner, renderReceiptPdf } from '../lib/receipt-pdf';
import { createDevSigningMaterial } from '../lib/signing-material';
import { makePdf, makePng } from '../scripts/lib/sample-files';
import { saveHistories } from './helpers/histories';
import { pdfFonts, pdfsig, pdfText } from './helpers/poppler';
import { startTestStack, type TestStack } from './helpers/stack';
import { sleep, waitFor } from './helpers/wait';

/**
 * Service requests end to end on the real stack. The types used here are added through the
 * catalogue API in this file — with TATs of seconds on a 24x7 clock — which is also the proof
 * that a new type needs no workflow change.
 */
let stack: TestStack;
let admin: string;
let executive: string;
let seq = 0;

const consumerNo = (n: number) => `11546000000${String(n).padStart(2, '0')}`;

const testType = (code: string, overrides: Record<string, unknown> = {}) => ({
  version: 1,
  name: `Test ${code}`,
  form: [
    { name: 'newAddress', label: 'New address', type: 'longText', kyc: 'address' },
    { name: 'pinCode', label: 'PIN code', type: 'pincode', kyc: 'pinCode' },
  ],
  documents: [{ kind: 'address', required: true }],
  steps: [{ id: 'document-review', name: 'Document review', performer: 'executive', tat: '30s' }],
  tat: '60s',
  calendar: '24x7',
  escalation: [
    { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '60s' },
    { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '60s' },
  ],
  apply: { kind: 'update-consumer', set: { address: 'newAddress' } },
  receiptName: 'Address change',
  ...overrides,
});

async function upload(
  token: string,
  consumerNumber: string,
  kind = 'address',
  bytes = makePng(800, 600, ++seq),
) {
  const form = new FormData();
  form.set('consumerNumber', consumerNumber);
  form.set('kind', kind);
  form.set('file', new Blob([bytes], { type: 'image/png' }), 'proof.png');
  const res = await stack.app.request('/v1/documents', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

async function submit(
  consumerNumber: string,
  type: string,
  extra: { idempotencyKey?: string; token?: string } = {},
) {
  const token = extra.token ?? (await stack.token({ role: 'consumer', consumers: [consumerNumber] }));
  const doc = await upload(token, consumerNumber);
  expect(doc.status).toBeLessThan(300);
  return stack.call('POST', '/v1/service-requests', {
    token,
    headers: extra.idempotencyKey ? { 'idempotency-key': extra.idempotencyKey } : {},
    body: {
      type,
      consumerNumber,
      form: { newAddress: 'TC 25/1001, Kowdiar, Thiruvananthapuram', pinCode: '695003' },
      documents: [{ documentId: doc.json.documentId, kind: 'address', fileName: 'proof.png' }],
    },
  });
}

const DECISIONS = new Set([
  'decide-document',
  'request-documents',
  'approve-step',
  'reject',
  'report-delay',
  'reassign',
]);
/** Staff decisions go out signed, as the back-office client sends them; `unsigned` sends them bare. */
const act = async (
  rn: string,
  action: string,
  token: string,
  body: Record<string, unknown>,
  options: { unsigned?: boolean } = {},
) => {
  const staff = decodeJwt(token).role !== 'consumer';
  const signed =
    staff && DECISIONS.has(action) && !options.unsigned ? await stack.sign(token, rn, action, body) : body;
  return stack.call('POST', `/v1/service-requests/${rn}/${action}`, { token, body: signed });
};

/** A request's notices, each before the per-person copies it fans out to (`<key>/<subject>`). */
const notices = (rn: string) =>
  stack.db
    .select()
    .from(notifications)
    .then((rows) =>
      rows
        .filter((r) => r.key.startsWith(`${rn}/`))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    );

/** Notices are child workflows now: their rows appear shortly after the action that sent them. */
const noticeOf = async (rn: string, template: string) =>
  (
    await waitFor(
      () => notices(rn),
      (n) => n.some((x) => x.template === template),
    )
  ).find((n) => n.template === template);

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token({ role: 'admin', office: 'hq' });
  executive = await stack.token({ role: 'executive', office: 'sec-pattom', subject: 'exec-pattom' });
  for (const [code, overrides] of [
    ['test-address', {}],
    [
      'test-timers',
      {
        tat: '4s',
        warnAtShare: 0.5,
        escalation: [
          { level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '2s' },
          { level: 2, officeLevel: 'division', role: 'supervisor', deadline: '30s' },
        ],
      },
    ],
    [
      'test-timers-ml',
      {
        tat: '3s',
        escalation: [{ level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '60s' }],
        translations: { ml: { name: 'വിലാസം മാറ്റൽ (പരീക്ഷണം)', receiptName: 'വിലാസം മാറ്റൽ' } },
      },
    ],
    ['test-abandon', { consumerResponseLimit: '3s' }],
    [
      'test-three-steps',
      {
        steps: [
          { id: 'survey', name: 'Site survey', performer: 'executive', tat: '30s' },
          { id: 'estimate', name: 'Estimate approval', performer: 'supervisor', tat: '30s' },
          { id: 'release', name: 'Release', performer: 'executive', tat: '30s' },
        ],
      },
    ],
  ] as const) {
    const res = await stack.call('PUT', `/v1/catalogue/service-types/${code}`, {
      token: admin,
      body: testType(code, overrides),
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
});
afterAll(async () => {
  // Every run leaves its histories behind; copying them to test/histories/ keeps them replayable.
  if (stack) await saveHistories(stack, 'serviceRequestWorkflow', 'test/.histories-latest');
  await stack?.stop();
});

describe('intake', () => {
  it('answers at once with a Request Number, status URL and due date, and routes to the section office', async () => {
    const before = Date.now();
    const res = await submit(consumerNo(11), 'test-address');
    expect(res.status).toBe(201);
    expect(isValidRequestNumber(res.json.requestNumber)).toBe(true);
    expect(res.json.statusUrl).toBe(`/v1/service-requests/${res.json.requestNumber}`);
    expect(res.json.officeId).toBe('sec-pattom');
    expect(new Date(res.json.dueAt).getTime() - before).toBeGreaterThanOrEqual(59_000);

    const items = await waitFor(
      () => stack.call('GET', '/v1/work-items?type=test-address', { token: executive }),
      (r) => r.json.items.some((i: any) => i.requestNumber === res.json.requestNumber),
    );
    const item = items.json.items.find((i: any) => i.requestNumber === res.json.requestNumber);
    expect(item).toMatchObject({ status: 'in-progress', currentStep: 'document-review', escalationLevel: 0 });
    expect(item.dueAt).toBe(res.json.dueAt);
  });

  it('returns the same request for a retried submission with the same Idempotency-Key', async () => {
    const token = await stack.token({ role: 'consumer', consumers: [consumerNo(12)] });
    const doc = await upload(token, consumerNo(12));
    const body = {
      type: 'test-address',
      consumerNumber: consumerNo(12),
      form: { newAddress: 'TC 25/1001, Kowdiar, Thiruvananthapuram', pinCode: '695003' },
      documents: [{ documentId: doc.json.documentId, kind: 'address', fileName: 'proof.png' }],
    };
    const post = () =>
      stack.call('POST', '/v1/service-requests', {
        token,
        headers: { 'idempotency-key': 'sr-retry-000001' },
        body,
      });
    const first = await post();
    const second = await post();
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.json.requestNumber).toBe(first.json.requestNumber);
    expect(second.json.dueAt).toBe(first.json.dueAt);

    // The same key for a different request is a mistake, not a retry.
    const reused = await stack.call('POST', '/v1/service-requests', {
      token,
      headers: { 'idempotency-key': 'sr-retry-000001' },
      body: {
        type: 'test-address',
        consumerNumber: consumerNo(12),
        form: { newAddress: 'Somewhere else entirely', pinCode: '695001' },
        documents: body.documents,
      },
    });
    expect(reused.status).toBe(422);
    expect(reused.json.detail).toMatch(new RegExp(`different submission \\(${first.json.requestNumber}\\)`));
  });

  it('takes the same submission sent again without an Idempotency-Key for a retry, within the repeat window', async () => {
    const token = await stack.token({ role: 'consumer', consumers: [consumerNo(24)] });
    const doc = await upload(token, consumerNo(24));
    const body = (newAddress: string) => ({
      type: 'test-address',
      consumerNumber: consumerNo(24),
      form: { newAddress, pinCode: '695003' },
      documents: [{ documentId: doc.json.documentId, kind: 'address', fileName: 'proof.png' }],
    });
    const post = (b: unknown) => stack.call('POST', '/v1/service-requests', { token, body: b });
    const first = await post(body('TC 25/1002, Kowdiar, Thiruvananthapuram'));
    const again = await post(body('TC 25/1002, Kowdiar, Thiruvananthapuram'));
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.requestNumber).toBe(first.json.requestNumber);
    // Another request is another request.
    const other = await post(body('TC 25/1003, Kowdiar, Thiruvananthapuram'));
    expect(other.status).toBe(201);
    expect(other.json.requestNumber).not.toBe(first.json.requestNumber);
    // Past the window, the same body is a new request (the reservation is aged here, not waited for).
    await stack.db.execute(
      sql`update intake_keys set created_at = now() - interval '1 day' where request_number = ${first.json.requestNumber}`,
    );
    const later = await post(body('TC 25/1002, Kowdiar, Thiruvananthapuram'));
    expect(later.status).toBe(201);
    expect(later.json.requestNumber).not.toBe(first.json.requestNumber);
  });

  it('refuses bad input precisely and creates nothing', async () => {
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNo(13)] });
    const unknown = await stack.call('POST', '/v1/service-requests', {
      token: consumer,
      body: { type: 'teleportation', consumerNumber: consumerNo(13), form: {} },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0]).toMatchObject({ field: 'type' });

    const badForm = await stack.call('POST', '/v1/service-requests', {
      token: consumer,
      body: { type: 'test-address', consumerNumber: consumerNo(13), form: { newAddress: '', pinCode: '12' } },
    });
    expect(badForm.status).toBe(400);
    expect(badForm.json.errors.map((e: any) => e.field).sort()).toEqual(['form.newAddress', 'form.pinCode']);

    const noDocs = await stack.call('POST', '/v1/service-requests', {
      token: consumer,
      body: {
        type: 'test-address',
        consumerNumber: consumerNo(13),
        form: { newAddress: 'Somewhere 1', pinCode: '695003' },
      },
    });
    expect(noDocs.status).toBe(400);
    expect(noDocs.json.errors[0]).toMatchObject({
      field: 'documents',
      message: expect.stringMatching(/address document is required/),
    });

    const ghost = await stack.call('POST', '/v1/service-requests', {
      token: consumer,
      body: {
        type: 'test-address',
        consumerNumber: consumerNo(13),
        form: { newAddress: 'Somewhere 1', pinCode: '695003' },
        documents: [{ documentId: 'f'.repeat(64), kind: 'address', fileName: 'x.png' }],
      },
    });
    expect(ghost.status).toBe(400);
    expect(ghost.json.errors[0].field).toBe('documents.0.documentId');

    expect((await upload(consumer, consumerNo(14))).status).toBe(403); // someone else's number

    const items = await stack.call('GET', `/v1/work-items?status=all&type=test-address&pageSize=200`, {
      token: executive,
    });
    expect(items.json.items.filter((i: any) => i.consumerNumber === consumerNo(13))).toHaveLength(0);
  });

  it('checks the ID number printed on an identity document and keeps it masked', async () => {
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNo(13)] });
    const send = (idNumber: string) => {
      const form = new FormData();
      form.set('consumerNumber', consumerNo(13));
      form.set('kind', 'identity');
      form.set('idType', 'aadhaar');
      form.set('idNumber', idNumber);
      form.set('file', new Blob([makePng(800, 600, ++seq)], { type: 'image/png' }), 'aadhaar.png');
      return stack.app.request('/v1/documents', {
        method: 'POST',
        headers: { authorization: `Bearer ${consumer}` },
        body: form,
      });
    };
    const bad = await send(`23412341234${(verhoeffCheckDigit('23412341234') + 1) % 10}`);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).errors[0]).toMatchObject({
      field: 'idNumber',
      message: expect.stringMatching(/check digit/),
    });
    const good = await send(`23412341234${verhoeffCheckDigit('23412341234')}`);
    expect(good.status).toBe(201);
    const text = await good.text();
    expect(text).toContain('XXXX-XXXX-');
    expect(text).not.toContain('23412341234');
  });

  it('stores the same file separately for two consumers', async () => {
    const bytes = makePng(800, 600, 250);
    const a = await upload(
      await stack.token({ role: 'consumer', consumers: [consumerNo(27)] }),
      consumerNo(27),
      'address',
      bytes,
    );
    const b = await upload(
      await stack.token({ role: 'consumer', consumers: [consumerNo(28)] }),
      consumerNo(28),
      'address',
      bytes,
    );
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.sha256).toBe(b.json.sha256);
    expect(a.json.documentId).not.toBe(b.json.documentId);
  });

  it('verifies an offline e-KYC upload and compares its signed name and address with the eForm', async () => {
    const consumerNumber = consumerNo(8);
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const [account] = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    const zip = await buildOfflineEkycZip({
      aadhaarLast4: '4563',
      shareCode: 'A7k2',
      name: account!.name.toUpperCase(),
      dob: '12-03-1985',
      gender: 'F',
      address: {
        house: 'TC 25/1001',
        street: 'Kowdiar',
        vtc: 'Thiruvananthapuram',
        dist: 'Thiruvananthapuram',
        state: 'Kerala',
        pc: '695003',
      },
      mobile: '9447012345',
      signingKeyPem: stack.ekycDevSignerKeyPem,
    });
    const send = async (fields: Record<string, string>) => {
      const form = new FormData();
      form.set('consumerNumber', consumerNumber);
      form.set('kind', 'address');
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'offlineaadhaar.zip');
      const res = await stack.app.request('/v1/documents', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return { status: res.status, text: await res.clone().text(), json: (await res.json()) as any };
    };
    const noCode = await send({});
    expect(noCode.status).toBe(400);
    expect(noCode.json.errors[0].field).toBe('shareCode');
    const wrongCode = await send({ shareCode: 'zzzz' });
    expect(wrongCode.status).toBe(422);
    expect(wrongCode.json.errors[0]).toMatchObject({
      field: 'shareCode',
      message: 'the share code does not open this file',
    });
    const wrongMobile = await send({ shareCode: 'A7k2', mobile: '9999912345' });
    expect(wrongMobile.json.errors[0].field).toBe('mobile');

    const stored = await send({ shareCode: 'A7k2', mobile: '+919447012345' });
    expect(stored.status).toBe(201);
    expect(stored.json).toMatchObject({
      mediaType: 'application/zip',
      verdict: { ok: true, checks: { signature: 'valid', mobile: 'matches', aadhaar: 'XXXX-XXXX-4563' } },
    });
    // what the signed data says is shown to the uploader, and sealed at rest
    expect(stored.json.ekyc).toMatchObject({ name: account!.name.toUpperCase(), pinCode: '695003' });
    const [row] = await stack.sql`select extracted from documents where id = ${stored.json.documentId}`;
    expect(Buffer.from(row!.extracted).toString('latin1')).not.toContain(account!.name.toUpperCase());

    const submitWith = (pinCode: string) =>
      stack.call('POST', '/v1/service-requests', {
        token,
        body: {
          type: 'test-address',
          consumerNumber,
          form: { newAddress: 'TC 25/1001, Kowdiar, Thiruvananthapuram', pinCode },
          documents: [
            { documentId: stored.json.documentId, kind: 'address', fileName: 'offlineaadhaar.zip' },
          ],
        },
      });
    const same = await submitWith('695003');
    const state = (await stack.call('GET', `/v1/service-requests/${same.json.requestNumber}`, { token }))
      .json;
    expect(state.documents[0].kyc).toEqual({
      name: 'matches',
      address: 'matches',
      pinCode: 'matches',
      notes: [],
    });
    const other = await submitWith('695001');
    const differs = (await stack.call('GET', `/v1/service-requests/${other.json.requestNumber}`, { token }))
      .json;
    expect(differs.documents[0].kyc).toMatchObject({
      pinCode: 'differs',
      notes: [expect.stringMatching(/PIN code/)],
    });
  });

  it('takes the eForm and its documents in one multipart request, and refuses bad parts storing nothing', async () => {
    const consumerNumber = consumerNo(9);
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const eform = {
      type: 'test-address',
      consumerNumber,
      form: { newAddress: 'TC 25/1001, Kowdiar, Thiruvananthapuram', pinCode: '695003' },
    };
    const post = async (parts: Record<string, string | Blob>, key?: string) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(parts)) body.set(name, value);
      const res = await stack.app.request('/v1/service-requests', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
        body,
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    const stored = () =>
      stack.sql`select count(*)::int as n from documents where consumer_number = ${consumerNumber}`;
    const png = new Blob([new Uint8Array(makePng(800, 600, 77))], { type: 'image/png' });

    const unknownType = await post({
      eform: JSON.stringify({ ...eform, type: 'teleportation' }),
      'documents.address': png,
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.json.errors[0].field).toBe('eform.type');
    const fake = await post({
      eform: JSON.stringify(eform),
      'documents.address': new Blob(['<html>not an image</html>'], { type: 'image/png' }),
    });
    expect(fake.status).toBe(422);
    expect(fake.json.errors[0].field).toBe('documents.address');
    const stray = await post({ eform: JSON.stringify(eform), photo: png });
    expect(stray.json.errors[0]).toMatchObject({ field: 'photo' });
    expect((await post({ eform: '{not json', 'documents.address': png })).json.errors[0].field).toBe('eform');
    expect((await stored())[0]!.n).toBe(0);

    const first = await post({ eform: JSON.stringify(eform), 'documents.address': png }, 'multipart-sr-0001');
    expect(first.status).toBe(201);
    const retry = await post({ eform: JSON.stringify(eform), 'documents.address': png }, 'multipart-sr-0001');
    expect(retry.status).toBe(200);
    expect(retry.json.requestNumber).toBe(first.json.requestNumber);
    const state = (await stack.call('GET', first.json.statusUrl, { token })).json;
    expect(state.documents).toEqual([
      expect.objectContaining({ kind: 'address', fileName: 'blob', status: 'pending' }),
    ]);
    expect((await stored())[0]!.n).toBe(1);
  });

  it('takes documents larger than the JSON body limit, up to the document limit', async () => {
    const consumerNumber = consumerNo(10);
    const token = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const png = makePng(1400, 1400, 0, { noise: true }); // about 1.9 MB: photos do not compress
    expect(png.length).toBeGreaterThan(stack.config.http.bodyLimitBytes);
    const res = await upload(token, consumerNumber, 'address', png);
    expect(res.status).toBe(201);
    expect(res.json.sizeBytes).toBe(png.length);
  });

  it('refuses uploads that are not what they claim', async () => {
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNo(13)] });
    const fake = await upload(consumer, consumerNo(13), 'address', Buffer.from('<html>not an image</html>'));
    expect(fake.status).toBe(422);
    expect(fake.json.errors[0]).toMatchObject({
      field: 'file',
      message: expect.stringMatching(/not a PDF, JPEG or PNG/),
    });
  });
});

describe('lifecycle', () => {
  it('completes: document accepted, step approved, change applied, consumer told, decisions recorded', async () => {
    const consumerNumber = consumerNo(15);
    const { json } = await submit(consumerNumber, 'test-address');
    const rn = json.requestNumber as string;
    const status = await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive });
    const documentId = status.json.documents[0].documentId;

    const early = await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    expect(early.status).toBe(409);
    expect(early.json.detail).toMatch(/decide every document first/);

    expect((await act(rn, 'decide-document', executive, { documentId, decision: 'accept' })).status).toBe(
      200,
    );
    const done = await act(rn, 'approve-step', executive, {
      stepId: 'document-review',
      note: 'address proof verified',
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'completed',
      closeReason: 'The requested service — Address change — is processed',
    });

    const [row] = await stack.db.select().from(consumers).where(eq(consumers.consumerNumber, consumerNumber));
    expect(row!.address).toBe('TC 25/1001, Kowdiar, Thiruvananthapuram');
    // The consumer sees the completed change on their account.
    const account = await stack.call('GET', `/v1/consumers/${consumerNumber}/account`, {
      token: await stack.token({ role: 'consumer', consumers: [consumerNumber] }),
    });
    expect(account.json.contact.address).toBe('TC 25/1001, Kowdiar, Thiruvananthapuram');
    const sent = await waitFor(
      () => notices(rn),
      (n) => n.length >= 2,
    );
    expect(sent.map((n) => n.template).sort()).toEqual(['request-completed', 'request-received']);
    expect(sent.find((n) => n.template === 'request-completed')!.params).toMatchObject({
      service: { text: { en: 'Address change' } },
    });
    const decisions = await stack.db
      .select()
      .from(requestDecisions)
      .where(eq(requestDecisions.requestNumber, rn));
    expect(decisions.map((d) => `${d.action}:${d.actorSubject}`).sort()).toEqual([
      'document-accept:exec-pattom',
      'step-document-review:exec-pattom',
    ]);

    // Closed: the final record is still readable, and further actions are refused.
    const closed = await stack.call('GET', `/v1/service-requests/${rn}`, {
      token: await stack.token({ role: 'consumer', consumers: [consumerNumber] }),
    });
    expect(closed.json.status).toBe('completed');
    expect(closed.json.timeline.map((t: any) => t.event)).toEqual([
      'submitted',
      'document-accepted',
      'step-done',
      'completed',
    ]);
    expect((await act(rn, 'reject', executive, { reason: 'too late' })).status).toBe(409);
  });

  it('runs every type of the real catalogue to completion: each step by its performer, change applied, receipt issued', async () => {
    const consumerNumber = consumerNo(23);
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const supervisor = await stack.token({
      role: 'supervisor',
      office: 'sec-pattom',
      subject: 'sup-pattom-families',
    });
    const tokenFor = { consumer, executive, supervisor } as Record<string, string>;
    const sample = (f: any): unknown => {
      const byType: Record<string, unknown> = {
        text: 'Anitha Kumari',
        longText: 'TC 25/1001, Kowdiar, Thiruvananthapuram',
        enum: f.options?.[0],
        phone: '+919447012345',
        email: 'anitha@example.in',
        pincode: '695003',
        number: Math.min(f.max ?? 10, (f.min ?? 0) + 2),
        date: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        boolean: true,
      };
      return byType[f.type];
    };
    const catalogue = (
      await stack.call('GET', '/v1/catalogue/service-types', { token: executive })
    ).json.items.filter((t: any) => !t.code.startsWith('test-'));
    expect(catalogue.map((t: any) => t.code).sort()).toEqual([
      'address-change',
      'contact-update',
      'load-change',
      'meter-shifting',
      'new-connection',
      'ownership-transfer',
      'tariff-change',
    ]);
    for (const type of catalogue) {
      const docs = [];
      for (const required of type.documents.filter((d: any) => d.required)) {
        const doc = await upload(consumer, consumerNumber, required.kind);
        docs.push({ documentId: doc.json.documentId, kind: required.kind, fileName: 'proof.png' });
      }
      const form = Object.fromEntries(type.form.map((f: any) => [f.name, sample(f)]));
      const submitted = await stack.call('POST', '/v1/service-requests', {
        token: consumer,
        body: { type: type.code, consumerNumber, form, documents: docs },
      });
      expect(submitted.status, `${type.code}: ${JSON.stringify(submitted.json)}`).toBe(201);
      const rn = submitted.json.requestNumber as string;
      let state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
      for (const doc of state.documents)
        await act(rn, 'decide-document', executive, { documentId: doc.documentId, decision: 'accept' });
      const performers: string[] = [];
      while (state.status !== 'completed') {
        const step = state.steps.find((x: any) => x.id === state.currentStepId);
        performers.push(step.performer);
        const res = await act(rn, 'approve-step', tokenFor[step.performer]!, { stepId: step.id });
        expect(res.status, `${type.code} ${step.id}: ${JSON.stringify(res.json)}`).toBe(200);
        state = res.json;
      }
      expect(performers, type.code).toEqual(type.steps.map((x: any) => x.performer));
      expect(state.receipt, type.code).toMatchObject({ revision: 0 });
    }
    const [account] = await stack.db
      .select()
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    expect(account).toMatchObject({
      phone: '+919447012345',
      name: 'Anitha Kumari',
      sanctionedLoadKw: expect.any(String),
    });
  });

  it('keeps the work queue on the current step after each step of a multi-step type', async () => {
    const consumerNumber = consumerNo(13);
    const supervisor = await stack.token({
      role: 'supervisor',
      office: 'sec-pattom',
      subject: 'sup-pattom-q',
    });
    const { json } = await submit(consumerNumber, 'test-three-steps');
    const rn = json.requestNumber as string;
    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    await act(rn, 'decide-document', executive, {
      documentId: state.documents[0].documentId,
      decision: 'accept',
    });
    const queued = () =>
      stack
        .call('GET', '/v1/work-items?type=test-three-steps&pageSize=200', { token: executive })
        .then((r) => r.json.items.find((i: any) => i.requestNumber === rn));
    const steps = [
      ['survey', executive],
      ['estimate', supervisor],
      ['release', executive],
    ] as const;
    for (const [i, [stepId, token]] of steps.entries()) {
      const item = await waitFor(queued, (x) => x?.currentStep === stepId);
      expect(item?.currentStep, `queue before ${stepId}`).toBe(stepId);
      const res = await act(rn, 'approve-step', token, { stepId });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.currentStepId).toBe(steps[i + 1]?.[0]);
      // The answer has the shape the OpenAPI document gives it, and nothing it leaves out.
      expect(ZServiceRequestState.strict().safeParse(res.json).error).toBeUndefined();
    }
    const done = await waitFor(
      () =>
        stack.call('GET', '/v1/work-items?type=test-three-steps&status=all&pageSize=200', {
          token: executive,
        }),
      (r) => r.json.items.some((x: any) => x.requestNumber === rn && x.status === 'completed'),
    );
    expect(done.json.items.find((x: any) => x.requestNumber === rn)).toMatchObject({
      status: 'completed',
      currentStep: null,
    });
  });

  it('pauses the clock while waiting on the consumer: the due date moves by the time waited', async () => {
    const consumerNumber = consumerNo(16);
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const { json } = await submit(consumerNumber, 'test-address');
    const rn = json.requestNumber as string;
    const dueBefore = new Date(json.dueAt).getTime();
    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;

    const rejected = await act(rn, 'decide-document', executive, {
      documentId: state.documents[0].documentId,
      decision: 'reject',
      reason: 'the scan is unreadable',
    });
    expect(rejected.json.documents[0]).toMatchObject({
      status: 'rejected',
      reason: 'the scan is unreadable',
    });
    const asked = await act(rn, 'request-documents', executive, {
      kinds: ['address'],
      message: 'Please upload a clear copy of your address proof',
    });
    expect(asked.json).toMatchObject({ status: 'awaiting-consumer', clock: { paused: true } });

    await sleep(2500);
    const doc = await upload(consumer, consumerNumber);
    const added = await act(rn, 'documents', consumer, {
      documents: [{ documentId: doc.json.documentId, kind: 'address', fileName: 'clear.png' }],
    });
    expect(added.status).toBe(200);
    expect(added.json.status).toBe('in-progress');
    const moved = new Date(added.json.clock.dueAt).getTime() - dueBefore;
    expect(moved).toBeGreaterThanOrEqual(2400);
    expect(moved).toBeLessThan(10_000);

    await act(rn, 'decide-document', executive, { documentId: doc.json.documentId, decision: 'accept' });
    const done = await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    expect(done.json.status).toBe('completed');
    // the executive's words go as typed, marked as the office's
    expect((await noticeOf(rn, 'documents-requested'))!.params.message).toEqual({
      officeWords: expect.stringMatching(/clear copy/),
    });
  });

  it('tells a Malayalam consumer of a delay in Malayalam only — the default reason too, no English outside names and numbers', async () => {
    const consumerNumber = '1161100000001'; // Balaramapuram, which no other test uses
    await stack.db
      .update(consumers)
      .set({ language: 'ml' })
      .where(eq(consumers.consumerNumber, consumerNumber));
    const { json } = await submit(consumerNumber, 'test-timers-ml');
    const rn = json.requestNumber as string;
    const delay = await waitFor(
      async () =>
        (await stack.db.select().from(devOutbox)).filter((m) =>
          m.idempotencyKey.startsWith(`${rn}/delay-notice#`),
        ),
      (rows) => rows.length > 0,
      20_000,
    );
    const text = `${delay[0]!.subject ?? ''} ${delay[0]!.body}`;
    expect(text).toContain('വിലാസം മാറ്റൽ');
    expect(text).toContain(PHRASES.format('ml', 'default-delay-reason'));
    expect(text.replaceAll(rn, ''), text).not.toMatch(/[A-Za-z]/);
  });

  it('warns the executive, tells the consumer of the delay with its reason, and escalates through two levels', async () => {
    const consumerNumber = consumerNo(17);
    const { json } = await submit(consumerNumber, 'test-timers');
    const rn = json.requestNumber as string;
    const reported = await act(rn, 'report-delay', executive, {
      reason: 'the line inspector is on flood duty',
      expectedBy: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(reported.status).toBe(200);

    const sent = await waitFor(
      // The notices to the consumer and to offices; each person reached gets one of their own
      // (no office or consumer on it), checked below.
      () => notices(rn).then((rows) => rows.filter((x) => x.officeId || x.consumerNumber)),
      // Each notice is its own child workflow: wait for all of them, in whatever order they land.
      (n) =>
        ['tat-warning', 'delay-notice'].every((t) => n.some((x) => x.template === t)) &&
        n.filter((x) => x.template === 'escalation-alert').length === 2,
      20_000,
    );
    const byTemplate = (t: string) => sent.filter((n) => n.template === t);
    expect(byTemplate('tat-warning')[0]).toMatchObject({ officeId: 'sec-pattom', role: 'executive' });
    expect(byTemplate('delay-notice')[0]).toMatchObject({ consumerNumber, channel: expect.any(String) });
    expect(byTemplate('delay-notice')[0]!.params.reason).toEqual({
      officeWords: 'the line inspector is on flood duty',
    });
    expect(
      byTemplate('escalation-alert')
        .map((n) => [n.params.level, n.officeId])
        .sort(),
    ).toEqual([
      ['1', 'subdiv-pattom'],
      ['2', 'div-tvm-city'],
    ]);

    // The warning reaches the section's executive from the staff directory, in their language.
    const warning = byTemplate('tat-warning')[0]!;
    const [directoryEntry] = await stack.db.select().from(staff).where(eq(staff.subject, 'exec-pattom'));
    const inbox = await waitFor(
      () => stack.call('GET', '/v1/staff/inbox?unread=true&pageSize=200', { token: executive }),
      (r) => r.json.items.some((i: any) => i.noticeKey === warning.key),
    );
    const item = inbox.json.items.find((i: any) => i.noticeKey === warning.key);
    const expected = renderNotice('tat-warning', directoryEntry!.language as TLanguage, warning.params);
    expect(item).toMatchObject({
      template: 'tat-warning',
      title: expected.subject,
      body: expected.body,
      readAt: null,
    });
    expect(item.title).toContain(rn);
    expect(inbox.json.unread).toBeGreaterThanOrEqual(1);
    const colleague = await stack.token({ role: 'supervisor', office: 'sec-pattom', subject: 'sup-pattom' });
    expect((await stack.call('POST', `/v1/staff/inbox/${item.id}/read`, { token: colleague })).status).toBe(
      404,
    );
    const read = await stack.call('POST', `/v1/staff/inbox/${item.id}/read`, { token: executive });
    expect(read.status).toBe(200);
    expect(read.json.readAt).toEqual(expect.any(String));
    const after = await stack.call('GET', '/v1/staff/inbox?unread=true&pageSize=200', { token: executive });
    expect(after.json.items.map((i: any) => i.id)).not.toContain(item.id);
    const colleagues = await stack.call('GET', '/v1/staff/inbox?pageSize=200', { token: colleague });
    expect(colleagues.json.items.map((i: any) => i.noticeKey)).not.toContain(warning.key);
    // …and their phone: a notice of their own, on their preferred channel, in their language.
    const texted = await waitFor(
      () =>
        stack.db
          .select()
          .from(devOutbox)
          .where(eq(devOutbox.recipient, directoryEntry!.phone))
          .then((rows) => rows.filter((m) => m.idempotencyKey.startsWith(`${warning.key}/exec-pattom#`))),
      (rows) => rows.length > 0,
    );
    expect(texted[0]).toMatchObject({ channel: directoryEntry!.preferredChannel, body: expected.body });
    // …and each escalation alert the supervisor of the level's office.
    const level1 = byTemplate('escalation-alert').find((n) => n.officeId === 'subdiv-pattom')!;
    const subdivision = await stack.token({
      role: 'supervisor',
      office: 'subdiv-pattom',
      subject: 'sup-subdiv-pattom',
    });
    await waitFor(
      () => stack.call('GET', '/v1/staff/inbox?pageSize=200', { token: subdivision }),
      (r) => r.json.items.some((i: any) => i.noticeKey === level1.key && i.template === 'escalation-alert'),
    );

    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    expect(state).toMatchObject({
      warned: true,
      breached: true,
      escalationLevel: 2,
      escalationOfficeId: 'div-tvm-city',
    });
    const supervisor = await stack.token({ role: 'supervisor', office: 'div-tvm-city' });
    const queue = await waitFor(
      () => stack.call('GET', '/v1/work-items?escalated=true', { token: supervisor }),
      (r) => r.json.items.some((i: any) => i.requestNumber === rn && i.escalationLevel === 2),
    );
    const escalated = queue.json.items.find((i: any) => i.requestNumber === rn);
    expect(escalated).toMatchObject({
      escalationLevel: 2,
      escalationOfficeId: 'div-tvm-city',
      warned: true,
      breached: true,
    });
    // The queue shows the level's own deadline, not the turnaround date already past.
    expect(new Date(escalated.actBy).getTime()).toBeGreaterThan(new Date(escalated.dueAt).getTime());
    expect(new Date(escalated.actBy).getTime()).toBeGreaterThan(Date.now());
    const description = await stack.client.workflow.getHandle(rn).describe();
    expect(description.searchAttributes.EscalationLevel).toEqual([2]);
  });

  it('reminds half-way and closes as abandoned when the consumer never answers', async () => {
    const { json } = await submit(consumerNo(18), 'test-abandon');
    const rn = json.requestNumber as string;
    await act(rn, 'request-documents', executive, {
      kinds: ['identity'],
      message: 'Please upload your Aadhaar',
    });
    const state = await waitFor(
      () => stack.call('GET', `/v1/service-requests/${rn}`, { token: executive }),
      (r) => r.json.status === 'abandoned',
    );
    expect(state.json.status).toBe('abandoned');
    await noticeOf(rn, 'request-abandoned');
    const templates = (await notices(rn)).map((n) => n.template);
    expect(templates).toEqual(
      expect.arrayContaining(['documents-requested', 'documents-reminder', 'request-abandoned']),
    );
  });

  it('lets the consumer withdraw', async () => {
    const consumerNumber = consumerNo(19);
    const { json } = await submit(consumerNumber, 'test-address');
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const res = await act(json.requestNumber, 'withdraw', consumer, { reason: 'moved house' });
    expect(res.json).toMatchObject({ status: 'withdrawn', closeReason: 'moved house' });
  });
});

describe('feedback', () => {
  async function completed(n: number) {
    const { json } = await submit(consumerNo(n), 'test-address');
    const rn = json.requestNumber as string;
    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    await act(rn, 'decide-document', executive, {
      documentId: state.documents[0].documentId,
      decision: 'accept',
    });
    await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    const sent = await waitFor(
      () => notices(rn),
      (ns) => ns.some((x) => x.template === 'request-completed'),
    );
    const url = new URL(sent.find((x) => x.template === 'request-completed')!.params.feedbackUrl!);
    return { rn, path: url.pathname };
  }

  it('takes a good rating once, from the signed link, and closes the request', async () => {
    const { rn, path } = await completed(23);
    const page = await stack.call('GET', path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post">');
    const res = await stack.call('POST', path, { body: { rating: 5, comment: 'quick and polite' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ requestNumber: rn, status: 'completed', reopened: false });
    expect((await stack.call('POST', path, { body: { rating: 4 } })).status).toBe(409);
    const finished = await waitFor(
      () => stack.client.workflow.getHandle(rn).describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    expect(finished.status.name).toBe('COMPLETED');
    const tampered = path.slice(0, -3) + (path.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await stack.call('POST', tampered, { body: { rating: 5 } })).status).toBe(401);
  });

  it('reopens the request to the supervisor on a rating of 1, and the supervisor closes it again', async () => {
    const { rn, path } = await completed(24);
    const form = await stack.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'rating=1&category=complaint&comment=nobody+came',
    });
    expect(form.status, await form.clone().text()).toBe(200);
    expect(await form.text()).toMatch(/A supervisor will look into it/);

    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    expect(state).toMatchObject({
      status: 'in-progress',
      currentStepId: 'review-1',
      escalationOfficeId: 'subdiv-pattom',
      reopenCount: 1,
    });
    const alert = await noticeOf(rn, 'request-reopened');
    expect(alert).toMatchObject({ officeId: 'subdiv-pattom', role: 'supervisor' });

    const byExecutive = await act(rn, 'approve-step', executive, { stepId: 'review-1' });
    expect(byExecutive.status, byExecutive.json.detail).toBe(403);
    const supervisor = await stack.token({ role: 'supervisor', office: 'subdiv-pattom' });
    const closed = await act(rn, 'approve-step', supervisor, {
      stepId: 'review-1',
      note: 'spoke to the consumer',
    });
    expect(closed.json.status).toBe('completed');
    expect((await stack.call('POST', path, { body: { rating: 5 } })).status).toBe(409);
  });

  it('names the bad field', async () => {
    const { path } = await completed(25);
    const res = await stack.call('POST', path, { body: { rating: 9, category: 'praise' } });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: any) => e.field).sort()).toEqual(['category', 'rating']);
  });
});

describe('who may act', () => {
  it('refuses the wrong office, the wrong role, the wrong step and the wrong state', async () => {
    const consumerNumber = consumerNo(20);
    const { json } = await submit(consumerNumber, 'test-address');
    const rn = json.requestNumber as string;
    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    const documentId = state.documents[0].documentId;

    const kaloor = await stack.token({ role: 'executive', office: 'sec-kaloor' });
    expect((await act(rn, 'decide-document', kaloor, { documentId, decision: 'accept' })).status).toBe(403);
    expect((await stack.call('GET', `/v1/service-requests/${rn}`, { token: kaloor })).status).toBe(403);

    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    expect((await act(rn, 'decide-document', consumer, { documentId, decision: 'accept' })).status).toBe(403);
    const selfApprove = await act(rn, 'approve-step', consumer, { stepId: 'document-review' });
    expect(selfApprove.status).toBe(403);

    expect((await act(rn, 'approve-step', executive, { stepId: 'no-such-step' })).status).toBe(400);
    expect(
      (await act(rn, 'decide-document', executive, { documentId, decision: 'reject' })).json.detail,
    ).toMatch(/needs a reason/);
    expect((await act(rn, 'reassign', executive, { assignee: 'someone' })).status).toBe(403);

    const other = await stack.token({ role: 'consumer', consumers: [consumerNo(21)] });
    // Another consumer's request reads as one that does not exist.
    const missing = `SR-2026-999997-${verhoeffCheckDigit('2026999997')}`;
    const [foreign, absent] = await Promise.all(
      [rn, missing].map((n) => stack.call('GET', `/v1/service-requests/${n}`, { token: other })),
    );
    expect([foreign!.status, absent!.status]).toEqual([404, 404]);
    expect(foreign!.json.detail).toBe(absent!.json.detail);
    expect(
      (await stack.call('GET', '/v1/service-requests/SR-2026-000001-0', { token: executive })).status,
    ).toBe(400);

    // Nothing above changed the request.
    const after = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    expect(after.documents[0].status).toBe('pending');
    expect(after.timeline).toHaveLength(1);
  });
});

describe('receipts', () => {
  const verify = (pdf: Buffer) =>
    stack.call('POST', '/v1/receipts/verify', {
      body: pdf,
      headers: { 'content-type': 'application/pdf' },
    });

  it('issues a signed PDF receipt on completion that pkijs and pdfsig accept, and a one-byte change breaks', async () => {
    const consumerNumber = consumerNo(5);
    // A Malayalam reader: the receipt speaks Malayalam and prints the name in its own script.
    const name = 'അനിൽ കുമാർ';
    const address = 'ടി.സി. 25/1001, കവടിയാർ, തിരുവനന്തപുരം 695003';
    await stack.db
      .update(consumers)
      .set({ name, address, language: 'ml' })
      .where(eq(consumers.consumerNumber, consumerNumber));
    const { json } = await submit(consumerNumber, 'test-address');
    const rn = json.requestNumber as string;
    const documentId = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json
      .documents[0].documentId;
    await act(rn, 'decide-document', executive, { documentId, decision: 'accept' });
    const done = await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    expect(done.json.receipt).toMatchObject({
      revision: 0,
      url: `${stack.config.http.publicUrl}/v1/service-requests/${rn}/receipt`,
    });
    const completed = await noticeOf(rn, 'request-completed');
    expect(completed!.params).toMatchObject({
      receiptUrl: `${stack.config.http.publicUrl}/v1/service-requests/${rn}/receipt`,
    });

    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNumber] });
    const download = await stack.app.request(`/v1/service-requests/${rn}/receipt`, {
      headers: { authorization: `Bearer ${consumer}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await download.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    const [account] = await stack.db
      .select({ address: consumers.address })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    expect(account!.address).not.toBe(address); // the completed address change
    expect(text).toContain(`${RECEIPT_LABELS.ml.consumer}: ${name}`);
    expect(text).toContain(`${RECEIPT_LABELS.ml.address}: ${account!.address}`);
    expect(text).toContain(`${RECEIPT_LABELS.ml.requestNumber}: ${rn}`);
    // the outcome and the decision trail in Malayalam too (the test type has no Malayalam name: English)
    expect(text).toContain(PHRASES.format('ml', 'service-processed', { service: 'Address change' }));
    expect(text).toContain(PHRASES.format('ml', 'decision.document-accept'));
    expect(text).toContain(PHRASES.format('ml', 'decision.step', { step: 'Document review' }));
    expect(text).toContain(PHRASES.format('ml', 'role.executive'));
    mkdirSync('.data', { recursive: true }); // a fresh clone has none yet
    writeFileSync('.data/receipt-ml.pdf', pdf);
    expect(pdfFonts(pdf)).toContainEqual({ name: 'NotoSansMalayalam-Regular', embedded: true });
    const other = await stack.token({ role: 'consumer', consumers: [consumerNo(6)] });
    // Not theirs: answered as if there were no such request.
    expect((await stack.call('GET', `/v1/service-requests/${rn}/receipt`, { token: other })).status).toBe(
      404,
    );

    const good = await verify(pdf);
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({
      valid: true,
      reasons: [],
      requestNumber: rn,
      revision: 0,
      issued: true,
      signer: { subject: expect.stringContaining('Receipts') },
    });
    expect(good.json.sha256).toBe(done.json.receipt.sha256);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'receipt.pdf');
    const asUpload = await stack.app.request('/v1/receipts/verify', { method: 'POST', body: form });
    expect(((await asUpload.json()) as any).valid).toBe(true);
    const record = await stack.call('GET', `/v1/receipts/${rn}`);
    expect(record.json.receipts[0]).toMatchObject({ revision: 0, sha256: good.json.sha256 });
    expect(record.text).not.toContain(consumerNumber);

    // One byte changed inside the signed range (the PDF header's version digit).
    const tampered = Buffer.from(pdf);
    tampered[7] = tampered[7] === 0x36 ? 0x35 : 0x36;
    const bad = await verify(tampered);
    expect(bad.json).toMatchObject({ valid: false, issued: false });
    expect(bad.json.reasons.join(' ')).toMatch(/does not match its signature/);

    // Something appended after signing is not covered by the signature.
    const appended = await verify(Buffer.concat([pdf, Buffer.from('\n% appended\n')]));
    expect(appended.json.reasons.join(' ')).toMatch(/whole document/);

    expect(pdfsig(pdf)).toMatch(/Signature Validation: Signature is Valid/);
    expect(pdfsig(pdf)).toMatch(/Total document signed/);
    expect(pdfsig(tampered)).not.toMatch(/Signature is Valid/);
  });

  it('refuses receipts it did not sign, and files that are not receipts', async () => {
    const stranger = createDevSigningMaterial('Some Other Utility', 'pw');
    const forged = await createReceiptSigner(stranger).sign(
      await renderReceiptPdf(
        {
          requestNumber: 'SR-2026-000001-5',
          revision: 0,
          service: 'Address change',
          outcome: 'processed',
          consumer: { number: consumerNo(7), name: 'X', address: 'Y' },
          officeName: 'Z',
          submittedAt: new Date().toISOString(),
          completedAt: new Date().toISOString(),
          trail: [],
          verifyUrl: 'http://example.test/v1/receipts/SR-2026-000001-5',
          issuer: 'Some Other Utility',
        },
        loadPdfFonts(stack.config.pdfFonts.dir),
      ),
      new Date(),
    );
    const foreign = await verify(forged);
    expect(foreign.json).toMatchObject({ valid: false, issued: false });
    expect(foreign.json.reasons.join(' ')).toMatch(/not trusted/);

    const unsigned = await verify(makePdf(1));
    expect(unsigned.json).toMatchObject({ valid: false, reasons: ['the PDF carries no signature'] });
    expect((await verify(Buffer.from('hello'))).json.reasons).toEqual(['not a PDF file']);
    expect(
      (
        await stack.call('POST', '/v1/receipts/verify', {
          body: 'x',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
  });
});

describe('signed decisions', () => {
  it('refuses unsigned, tampered, stale and borrowed signatures, and changes nothing', async () => {
    const { json } = await submit(consumerNo(29), 'test-address');
    const rn = json.requestNumber as string;
    const documentId = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json
      .documents[0].documentId;
    const decide = { documentId, decision: 'accept' };
    const post = (body: unknown, token = executive) =>
      stack.call('POST', `/v1/service-requests/${rn}/decide-document`, { token, body });

    const unsigned = await post(decide);
    expect(unsigned.status).toBe(400);
    expect(unsigned.json.errors[0]).toMatchObject({
      field: 'signature',
      message: expect.stringMatching(/signed/),
    });

    // signed for "accept", sent as "reject"
    const signed = await stack.sign(executive, rn, 'decide-document', decide);
    const tampered = await post({ ...signed, decision: 'reject', reason: 'not readable' });
    expect(tampered.status).toBe(400);
    expect(tampered.json.errors[0].field).toBe('signature.value');
    expect(tampered.json.signedMessage).toContain('"decision":"reject"');

    // signed for another request
    const elsewhere = await stack.sign(executive, 'SR-2026-000001-5', 'decide-document', decide);
    expect((await post(elsewhere)).json.errors[0].field).toBe('signature.value');

    const stale = await stack.sign(executive, rn, 'decide-document', decide);
    stale.signature.signedAt = new Date(Date.now() - 3_600_000).toISOString();
    expect((await post(stale)).json.errors[0].field).toBe('signature.signedAt');

    // another executive of the same office presents the first one's signature
    const colleague = await stack.token({
      role: 'executive',
      office: 'sec-pattom',
      subject: 'exec-pattom-2',
    });
    const borrowed = await post(signed, colleague);
    expect(borrowed.status).toBe(400);
    expect(borrowed.json.errors[0]).toMatchObject({ field: 'signature.keyId', message: /registered to you/ });

    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    expect(state.documents[0].status).toBe('pending');
    expect(
      (await stack.call('GET', `/v1/service-requests/${rn}/decisions`, { token: executive })).json.items,
    ).toEqual([]);

    expect((await post(signed)).status).toBe(200);
  });

  it('records each decision with its signature, verifiable later; revoking a key stops new decisions only', async () => {
    const { json } = await submit(consumerNo(30), 'test-address');
    const rn = json.requestNumber as string;
    const supervisor = await stack.token({
      role: 'supervisor',
      office: 'sec-pattom',
      subject: 'sup-pattom-sig',
    });
    const documentId = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json
      .documents[0].documentId;
    expect((await act(rn, 'decide-document', supervisor, { documentId, decision: 'accept' })).status).toBe(
      200,
    );
    const { keyId } = await stack.keyFor(supervisor);
    const revoked = await stack.call('POST', `/v1/signing-keys/${keyId}/revoke`, { token: supervisor });
    expect(revoked.json.revokedAt).toEqual(expect.any(String));

    const refused = await act(rn, 'approve-step', supervisor, { stepId: 'document-review' });
    expect(refused.status).toBe(400);
    expect(refused.json.errors[0]).toMatchObject({ field: 'signature.keyId', message: /revoked/ });

    const decisions = (await stack.call('GET', `/v1/service-requests/${rn}/decisions`, { token: executive }))
      .json.items;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      action: 'document-accept',
      actor: 'sup-pattom-sig',
      verified: true,
      signature: { keyId },
    });
    expect(JSON.parse(decisions[0].signature.signedMessage)).toMatchObject({
      requestNumber: rn,
      action: 'decide-document',
    });

    // A record altered in the database no longer verifies.
    await stack.sql`update request_decisions set signed_message = replace(signed_message, 'accept', 'reject') where request_number = ${rn}`;
    const after = (await stack.call('GET', `/v1/service-requests/${rn}/decisions`, { token: executive })).json
      .items;
    expect(after[0]).toMatchObject({ verified: false, problem: 'the signature does not verify' });
  });

  it('lets staff register only their own keys, and only real Ed25519 keys', async () => {
    const consumer = await stack.token({ role: 'consumer', consumers: [consumerNo(30)] });
    const { x } = generateEd25519();
    expect(
      (await stack.call('POST', '/v1/signing-keys', { token: consumer, body: { publicKey: x } })).status,
    ).toBe(403);
    const forOther = await stack.call('POST', '/v1/signing-keys', {
      token: executive,
      body: { publicKey: x, subject: 'someone-else' },
    });
    expect(forOther.status).toBe(403);
    const garbage = await stack.call('POST', '/v1/signing-keys', {
      token: executive,
      body: { publicKey: 'abc' },
    });
    expect(garbage.status).toBe(400);
    expect(garbage.json.errors[0].field).toBe('publicKey');
    const byAdmin = await stack.call('POST', '/v1/signing-keys', {
      token: admin,
      body: { publicKey: x, subject: 'exec-new' },
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.json).toMatchObject({ subject: 'exec-new', registeredBy: expect.any(String) });
    const again = await stack.call('POST', '/v1/signing-keys', {
      token: admin,
      body: { publicKey: x, subject: 'exec-new' },
    });
    expect(again.status).toBe(200);
    expect(again.json.keyId).toBe(byAdmin.json.keyId);
  });
});

describe('durability', () => {
  it('completes runs whose type snapshot predates newer catalogue fields', async () => {
    // A run started before `feedbackWindow` (and other defaulted fields) existed in the catalogue.
    const consumerNumber = consumerNo(26);
    const rn = 'SR-2026-900001-' + String(verhoeffCheckDigit('2026900001'));
    const {
      feedbackWindow: _fw,
      warnAtShare: _w,
      consumerResponseLimit: _c,
      calendar: _cal,
      ...oldType
    } = (await stack.call('GET', '/v1/catalogue/service-types', { token: executive })).json.items.find(
      (t: any) => t.code === 'test-address',
    );
    const handle = await stack.client.workflow.start('serviceRequestWorkflow', {
      workflowId: rn,
      taskQueue: stack.config.temporal.taskQueue,
      args: [
        {
          requestNumber: rn,
          type: { ...oldType, documents: [] },
          consumerNumber,
          officeId: 'sec-pattom',
          officePath: 'circle-tvm/div-tvm-city/subdiv-pattom/sec-pattom',
          escalationOffices: [],
          calendar: {
            id: '24x7',
            alwaysOpen: true,
            utcOffsetMinutes: 0,
            workingHours: { start: '10:00', end: '17:00' },
            weeklyOff: [],
            secondAndFourthSaturdayOff: false,
            holidays: [],
          },
          form: { newAddress: 'Old snapshot road', pinCode: '695003' },
          documents: [],
          channel: 'web',
          submittedBy: 'legacy',
          submittedAt: new Date().toISOString(),
        },
      ],
      searchAttributes: { ConsumerNumber: [consumerNumber] },
    });
    const done = await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json.status).toBe('completed');
    expect(done.json.feedbackUrl).toMatch(/\/v1\/feedback\//);
    await handle.terminate('test done');
  });

  it('loses nothing when the worker restarts mid-request', async () => {
    const { json } = await submit(consumerNo(22), 'test-address');
    const rn = json.requestNumber as string;
    const state = (await stack.call('GET', `/v1/service-requests/${rn}`, { token: executive })).json;
    await act(rn, 'decide-document', executive, {
      documentId: state.documents[0].documentId,
      decision: 'accept',
    });

    await stack.stopWorker();
    await stack.startWorker();

    const done = await act(rn, 'approve-step', executive, { stepId: 'document-review' });
    expect(done.json.status).toBe('completed');
    expect(done.json.timeline.map((t: any) => t.event)).toEqual([
      'submitted',
      'document-accepted',
      'step-done',
      'completed',
    ]);
    await noticeOf(rn, 'request-completed');
    const rows = await stack.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.key, `${rn}/completed/0`)));
    expect(rows).toHaveLength(1);
  });
});
