import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { domainProblemResponse, FAILURE_STATUS, HttpProblem, problemResponse } from '../api/problem';
import { judgeDocumentContent } from '../domain/document-content';
import { DomainProblem, FailureType, type TFailureType } from '../domain/failures';
import { LANGUAGES } from '../domain/languages';
import { ekycRefusalCode, UPLOAD_REFUSALS } from '../domain/upload-refusals';
import { portalMessages } from '../web/messages';

/**
 * Use cases throw DomainProblem where the routes threw HttpProblem; api/problem.ts must turn each
 * into exactly the answer the route gave: same status, type URI, title, detail, errors[] and
 * extension members.
 */
const app = (thrown: () => Error) => {
  const hono = new Hono();
  hono.use(requestId({ headerName: 'X-Request-Id' }));
  hono.get('/v1/service-requests/SR-1/decide-document', () => {
    throw thrown();
  });
  hono.onError((error, c) => {
    if (error instanceof DomainProblem) return domainProblemResponse(c, error);
    if (error instanceof HttpProblem) return problemResponse(c, error.status, error.detail, error.extra);
    throw error;
  });
  return hono;
};

const answer = async (thrown: () => Error) => {
  const res = await app(thrown).request('/v1/service-requests/SR-1/decide-document', {
    headers: { 'x-request-id': 'req-1' },
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
};

describe('domain failures as problem+json', () => {
  /** What a route threw before (status, detail, extras) and the failure type its use case throws now. */
  const cases: [string, TFailureType, ContentfulStatusCode, string, DomainProblem['details']?][] = [
    [
      'a bad signature (errors and an extension member)',
      FailureType.InvalidInput,
      400,
      'the decision is not properly signed',
      {
        errors: [{ field: 'signature.value', message: 'does not verify over the decision message' }],
        extensions: { signedMessage: '{"action":"decide-document"}' },
      },
    ],
    [
      'missing documents (a field named twice)',
      FailureType.InvalidInput,
      400,
      'documents missing or invalid',
      {
        errors: [
          { field: 'documents', message: 'an address document is required' },
          { field: 'documents', message: 'an identity document is required' },
        ],
      },
    ],
    ['another office', FailureType.Forbidden, 403, 'office sec-kowdiar is outside your office sec-pattom'],
    [
      'a request the caller may not see',
      FailureType.NotFound,
      404,
      'no service request with this number that you may see',
    ],
    ['an unknown consumer', FailureType.ConsumerNotFound, 404, 'no consumer 9999999999999'],
    ['an unknown office', FailureType.OfficeNotFound, 404, 'no office sec-nowhere'],
    ['a closed request', FailureType.Conflict, 409, 'request SR-1 is closed'],
    [
      'a refused file',
      FailureType.Unprocessable,
      422,
      'the PDF is encrypted',
      { errors: [{ field: 'file', message: 'the PDF is encrypted' }] },
    ],
    [
      'a busy content pool',
      FailureType.Unavailable,
      503,
      'busy',
      { errors: [{ field: 'file', message: 'busy' }] },
    ],
  ];

  it.each(cases)(
    '%s: the same answer as the HttpProblem the route threw',
    async (_, type, status, message, details) => {
      const expected = await answer(() => new HttpProblem(status, message, details));
      expect(await answer(() => new DomainProblem(type, message, details))).toEqual(expected);
      expect(expected.status).toBe(status);
      expect(expected.type).toContain('application/problem+json');
    },
  );

  it('renders type, title, detail, instance, requestId, errors and extension members', async () => {
    const [, type, , message, details] = cases[0]!;
    const { status, body } = await answer(() => new DomainProblem(type, message, details));
    expect(status).toBe(400);
    expect(body).toEqual({
      type: 'urn:seva:problem:validation',
      title: 'Your request has invalid fields',
      status: 400,
      detail: 'the decision is not properly signed',
      instance: '/v1/service-requests/SR-1/decide-document',
      requestId: 'req-1',
      errors: [{ field: 'signature.value', message: 'does not verify over the decision message' }],
      signedMessage: '{"action":"decide-document"}',
    });
  });

  it('gives every failure type the status of the one table', async () => {
    for (const type of Object.values(FailureType) as TFailureType[]) {
      const { status, body } = await answer(() => new DomainProblem(type, `a ${type}`));
      expect(status).toBe(FAILURE_STATUS[type]);
      expect(body).toMatchObject({ status: FAILURE_STATUS[type], detail: `a ${type}` });
      expect(body).not.toHaveProperty('errors');
    }
  });
});

describe("an upload's coded reasons", () => {
  it('keeps errors[] as field and message, and lists the codes and values in the extension member reasons', async () => {
    const verdict = judgeDocumentContent(new TextEncoder().encode('plain text, no PDF'));
    expect(verdict.coded.map((r) => r.code)).toEqual(['file-type']);
    const { status, body: json } = await answer(
      () =>
        new DomainProblem(FailureType.Unprocessable, 'refused', {
          errors: [
            ...verdict.coded.map((r) => ({ field: 'file', ...r })),
            {
              field: 'file',
              message: 'the PDF has 40 pages; the limit is 20',
              code: 'pdf-too-many-pages',
              values: { pages: 40, limit: 20 },
            },
          ],
        }),
    );
    const body = json as { errors: unknown; reasons: unknown };
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      { field: 'file', message: verdict.reasons[0] },
      { field: 'file', message: 'the PDF has 40 pages; the limit is 20' },
    ]);
    expect(body.reasons).toEqual([
      { field: 'file', code: 'file-type' },
      { field: 'file', code: 'pdf-too-many-pages', values: { pages: 40, limit: 20 } },
    ]);
  });

  it('has words for every code in every language, and sorts the e-KYC reasons into what a consumer can do', () => {
    for (const code of UPLOAD_REFUSALS)
      for (const language of LANGUAGES)
        expect(portalMessages.has(language, `refusal.${code}`), `${language} ${code}`).toBe(true);
    expect(ekycRefusalCode('the share code does not open this file')).toBe('ekyc-share-code-wrong');
    expect(ekycRefusalCode('the mobile given is not the one registered with this Aadhaar')).toBe(
      'ekyc-mobile-mismatch',
    );
    expect(ekycRefusalCode('the ZIP is damaged')).toBe('ekyc-damaged');
    expect(ekycRefusalCode('the XML signature does not verify against the trusted UIDAI certificates')).toBe(
      'ekyc-not-genuine',
    );
  });
});
