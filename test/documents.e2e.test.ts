import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verhoeffCheckDigit } from '../domain/verhoeff';
import { buildOfflineEkycZip } from '../lib/offline-ekyc';
import { zipOfEntries } from '../scripts/lib/hostile-files';
import { makePng } from '../scripts/lib/sample-files';
import { pdfLibPdf, qpdf, respell } from './helpers/pdf-fixtures';
import { startTestStack, type TestStack } from './helpers/stack';

/** Document intake on the real stack: uploads, multipart submissions, the content worker pool. */
let stack: TestStack;
let seq = 0;
const consumerNo = (n: number) => `116110000${String(n).padStart(4, '0')}`;
const consumerToken = (n: number) => stack.token({ role: 'consumer', consumers: [consumerNo(n)] });

async function upload(
  token: string,
  consumerNumber: string,
  kind: string,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  form.set('consumerNumber', consumerNumber);
  form.set('kind', kind);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(bytes)]), `file-${++seq}`);
  const res = await stack.app.request('/v1/documents', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

const storedCount = async (consumerNumber: string) =>
  (await stack.sql`select count(*)::int as n from documents where consumer_number = ${consumerNumber}`)[0]!
    .n as number;

beforeAll(async () => {
  stack = await startTestStack();
  const admin = await stack.token({ role: 'admin', office: 'hq' });
  const res = await stack.call('PUT', '/v1/catalogue/service-types/test-docs-kinds', {
    token: admin,
    body: {
      version: 1,
      name: 'Test documents of two kinds',
      form: [{ name: 'note', label: 'Note', type: 'text', required: false }],
      documents: [
        { kind: 'identity', required: true },
        { kind: 'address', required: true },
      ],
      steps: [{ id: 'document-review', name: 'Document review', performer: 'executive', tat: '30s' }],
      tat: '60s',
      calendar: '24x7',
      escalation: [{ level: 1, officeLevel: 'subdivision', role: 'supervisor', deadline: '60s' }],
      apply: { kind: 'none', note: 'test' },
      receiptName: 'Test',
    },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

describe('PDF uploads', () => {
  it('accepts PDFs with compressed object streams and refuses encrypted ones however /Encrypt is spelt', async () => {
    const token = await consumerToken(1);
    const modern = await upload(token, consumerNo(1), 'address', await pdfLibPdf(2));
    expect(modern.status, JSON.stringify(modern.json)).toBe(201);
    expect(modern.json.verdict.checks.content).toBe('application/pdf, 2 page(s)');
    const scanner = qpdf(await pdfLibPdf(3, { useObjectStreams: false }), ['--object-streams=generate']);
    expect((await upload(token, consumerNo(1), 'address', scanner)).status).toBe(201);

    const locked = qpdf(await pdfLibPdf(1, { useObjectStreams: false }), ['--encrypt', '', 'o', '256', '--']);
    for (const pdf of [locked, respell(locked, '/Encrypt', '/E#6ecrypt')]) {
      const refused = await upload(token, consumerNo(1), 'address', pdf);
      expect(refused.status).toBe(422);
      expect(refused.json.errors[0]).toMatchObject({
        field: 'file',
        message: expect.stringMatching(/encrypted/),
      });
    }
  });
});

describe('offline e-KYC uploads', () => {
  it('refuses a ZIP of 60,000 entries by its directory, while /healthz keeps answering', async () => {
    const token = await consumerToken(2);
    const hostile = zipOfEntries(60_000);
    const order: string[] = [];
    const uploading = upload(token, consumerNo(2), 'identity', hostile, { shareCode: 'A7k2' }).then((r) => {
      order.push('upload');
      return r;
    });
    await new Promise((r) => setImmediate(r));
    const health = Promise.resolve(stack.app.request('/healthz')).then((r) => {
      order.push('healthz');
      return r.status;
    });
    const [refused, healthStatus] = await Promise.all([uploading, health]);
    expect(healthStatus).toBe(200);
    expect(order).toEqual(['healthz', 'upload']);
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([
      {
        field: 'file',
        message: 'the ZIP holds 60000 entries; an offline e-KYC ZIP holds exactly one XML file',
      },
    ]);
    expect(await storedCount(consumerNo(2))).toBe(0);
  });

  it('shows the name, address and PIN read from the signed data in the upload answer', async () => {
    const token = await consumerToken(3);
    const zip = await buildOfflineEkycZip({
      aadhaarLast4: '4563',
      shareCode: 'A7k2',
      name: 'Anitha Kumari',
      dob: '12-03-1985',
      gender: 'F',
      address: {
        house: 'TC 12/44',
        vtc: 'Balaramapuram',
        dist: 'Thiruvananthapuram',
        state: 'Kerala',
        pc: '695501',
      },
      email: 'anitha@example.in',
      signingKeyPem: stack.ekycDevSignerKeyPem,
    });
    const res = await upload(token, consumerNo(3), 'identity', zip, {
      shareCode: 'A7k2',
      email: 'anitha@example.in',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.verdict.checks.email).toBe('matches');
    expect(res.json.ekyc).toEqual({
      name: 'Anitha Kumari',
      address: 'TC 12/44, Balaramapuram, Thiruvananthapuram, Kerala',
      pinCode: '695501',
    });
    const doc = (await stack.call('GET', '/openapi.json')).json.components.schemas.Document;
    expect(doc.properties.ekyc.properties).toHaveProperty('pinCode');
  });
});

describe('one file, several kinds', () => {
  it('records the new kind when the same file is uploaded again, and a submission may cite it for both', async () => {
    const consumerNumber = consumerNo(4);
    const token = await consumerToken(4);
    const png = makePng(800, 600, 41);
    const first = await upload(token, consumerNumber, 'identity', png);
    expect(first.status).toBe(201);
    expect(first.json.kinds).toEqual(['identity']);
    const again = await upload(token, consumerNumber, 'address', png);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      documentId: first.json.documentId,
      kind: 'address',
      kinds: ['identity', 'address'],
    });

    const submitted = await stack.call('POST', '/v1/service-requests', {
      token,
      body: {
        type: 'test-docs-kinds',
        consumerNumber,
        form: {},
        documents: [{ documentId: first.json.documentId, kind: 'address', fileName: 'aadhaar.png' }],
      },
    });
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(201);
    const state = (await stack.call('GET', submitted.json.statusUrl, { token })).json;
    expect(state.documents).toHaveLength(1);
    expect(state.documents[0].kinds).toEqual(['address', 'identity']);

    // Accepted once, the one file counts for both required kinds: the step can be approved.
    const rn = submitted.json.requestNumber as string;
    const executive = await stack.token({ role: 'executive', office: 'circle-tvm', subject: 'exec-kinds' });
    const decide = async (action: string, body: Record<string, unknown>) =>
      stack.call('POST', `/v1/service-requests/${rn}/${action}`, {
        token: executive,
        body: await stack.sign(executive, rn, action, body),
      });
    const accepted = await decide('decide-document', {
      documentId: first.json.documentId,
      decision: 'accept',
    });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    const approved = await decide('approve-step', { stepId: 'document-review' });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    expect(approved.json.status).toBe('completed');
  });
});

describe('multipart submissions', () => {
  const post = async (token: string, parts: [string, string | Blob][]) => {
    const body = new FormData();
    for (const [name, value] of parts) body.append(name, value);
    const res = await stack.app.request('/v1/service-requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('stores nothing when a later part fails, and keeps documents stored before', async () => {
    const consumerNumber = consumerNo(5);
    const token = await consumerToken(5);
    const eform = JSON.stringify({ type: 'test-docs-kinds', consumerNumber, form: {} });
    const good = new Blob([new Uint8Array(makePng(800, 600, 51))]);
    const bad = new Blob(['<html>not an image</html>']);
    const failed = await post(token, [
      ['eform', eform],
      ['documents.identity', good],
      ['documents.address', bad],
    ]);
    expect(failed.status).toBe(422);
    expect(failed.json.errors[0].field).toBe('documents.address');
    expect(await storedCount(consumerNumber)).toBe(0);

    // every part good, but the submission fails after them (a required kind missing)
    const incomplete = await post(token, [
      ['eform', eform],
      ['documents.identity', good],
    ]);
    expect(incomplete.status).toBe(400);
    expect(incomplete.json.errors[0].message).toMatch(/address document is required/);
    expect(await storedCount(consumerNumber)).toBe(0);

    const earlier = await upload(token, consumerNumber, 'identity', makePng(800, 600, 52));
    expect(earlier.status).toBe(201);
    await post(token, [
      ['eform', eform],
      ['documents.identity', new Blob([new Uint8Array(makePng(800, 600, 52))])],
      ['documents.address', bad],
    ]);
    expect(await storedCount(consumerNumber)).toBe(1);

    // the same file as both kinds: one document serving two
    const both = await post(token, [
      ['eform', eform],
      ['documents.identity', good],
      ['documents.address', good],
    ]);
    expect(both.status, JSON.stringify(both.json)).toBe(201);
    const [row] =
      await stack.sql`select kinds from documents where consumer_number = ${consumerNumber} order by uploaded_at desc limit 1`;
    expect(row!.kinds).toEqual(['identity', 'address']);
  });
});

describe('adding documents to a request', () => {
  it('answers the same 404 for a request that does not exist and one the caller may not see', async () => {
    const owner = await consumerToken(6);
    const doc = await upload(owner, consumerNo(6), 'identity', makePng(800, 600, 61));
    const address = await upload(owner, consumerNo(6), 'address', makePng(800, 600, 62));
    const submitted = await stack.call('POST', '/v1/service-requests', {
      token: owner,
      body: {
        type: 'test-docs-kinds',
        consumerNumber: consumerNo(6),
        form: {},
        documents: [
          { documentId: doc.json.documentId, kind: 'identity', fileName: 'a.png' },
          { documentId: address.json.documentId, kind: 'address', fileName: 'b.png' },
        ],
      },
    });
    expect(submitted.status).toBe(201);

    const stranger = await consumerToken(7);
    const own = await upload(stranger, consumerNo(7), 'identity', makePng(800, 600, 71));
    const add = (rn: string) =>
      stack.call('POST', `/v1/service-requests/${rn}/documents`, {
        token: stranger,
        body: { documents: [{ documentId: own.json.documentId, kind: 'identity', fileName: 'x.png' }] },
      });
    const missingRn = `SR-2026-999998-${verhoeffCheckDigit('2026999998')}`;
    const missing = await add(missingRn);
    const notYours = await add(submitted.json.requestNumber);
    expect([missing.status, notYours.status]).toEqual([404, 404]);
    const comparable = ({ instance: _i, requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(comparable(notYours.json)).toEqual(comparable(missing.json));
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

describe('form fields as a browser sends them', () => {
  it('takes unfilled optional fields (empty strings) as absent, and still checks filled ones', async () => {
    const token = await consumerToken(8);
    const empty = { idType: '', idNumber: '', shareCode: '', mobile: '', email: '' };
    const ok = await upload(token, consumerNo(8), 'address', makePng(800, 600, 4001), empty);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    const bad = await upload(token, consumerNo(8), 'address', makePng(800, 600, 4002), {
      ...empty,
      email: 'not-an-address',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: any) => e.field)).toEqual(['email']);
  });
});
