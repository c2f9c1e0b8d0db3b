import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './helpers/stack';

/** The OpenAPI document says what the server accepts and answers, from the same contracts. */
let stack: TestStack;
let doc: any;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  doc = (await stack.call('GET', '/openapi.json')).json;
});
afterAll(async () => stack?.stop());

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );

describe('OpenAPI document', () => {
  it('gives request and complaint states their real shape, not an open record', () => {
    const sr = doc.components.schemas.ServiceRequestState;
    expect(sr.additionalProperties).toBeUndefined();
    expect(sr.properties.status.enum).toEqual(expect.arrayContaining(['in-progress', 'completed']));
    expect(sr.properties.steps.items.properties.performer.enum).toContain('executive');
    expect(sr.required).toEqual(expect.arrayContaining(['requestNumber', 'status', 'clock', 'timeline']));
    const cr = doc.components.schemas.ComplaintState;
    expect(cr.properties.status.enum).toEqual(expect.arrayContaining(['open', 'resolved', 'closed']));
    expect(doc.components.schemas.ServiceType.properties.steps.type).toBe('array');
  });

  it('publishes the constraints the server enforces', () => {
    const rn = doc.paths['/v1/service-requests/{requestNumber}'].get.parameters.find(
      (p: any) => p.name === 'requestNumber',
    );
    expect(new RegExp(rn.schema.pattern).test('SR-2026-000123-4')).toBe(true);
    expect(new RegExp(rn.schema.pattern).test('0')).toBe(false);
    const upload = doc.paths['/v1/documents'].post.requestBody.content['multipart/form-data'].schema;
    expect(upload.required).toEqual(expect.arrayContaining(['consumerNumber', 'kind', 'file']));
    const shareCode = JSON.stringify(upload.properties.shareCode);
    expect(shareCode).toContain('[A-Za-z0-9]{4}');
    const put =
      doc.paths['/v1/catalogue/service-types/{code}'].put.requestBody.content['application/json'].schema;
    const body = put.$ref ? doc.components.schemas[put.$ref.split('/').pop()] : put;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'form', 'steps', 'tat', 'escalation']));
  });

  it('lists 400 and 429 on every secured operation (any text may be refused, any caller throttled)', () => {
    const secured = operations().filter(({ op }) => op.security?.length);
    expect(secured.length).toBeGreaterThan(30);
    for (const { path, method, op } of secured)
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '429']));
  });
});
