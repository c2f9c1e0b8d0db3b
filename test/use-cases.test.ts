import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumers } from '../db/schema';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { createTokenVerifier } from '../lib/auth-tokens';
import { makePng } from '../scripts/lib/sample-files';
import { actOnComplaint } from '../use-cases/act-on-complaint';
import { decideServiceRequest } from '../use-cases/decide-service-request';
import { lookUpAccount } from '../use-cases/look-up-account';
import { registerComplaint } from '../use-cases/register-complaint';
import { submitServiceRequest } from '../use-cases/submit-service-request';
import { uploadDocument } from '../use-cases/upload-document';
import type { UseCaseDeps } from '../use-cases/deps';
import { startTestStack, type TestStack } from './helpers/stack';

/**
 * The use cases called directly, as the pages will call them: the same rules as the JSON API,
 * refused with a DomainProblem (no HTTP involved). The real PostgreSQL and Temporal server.
 */
let stack: TestStack;
let deps: UseCaseDeps;
const owner = '1552200000027'; // sec-vyttila, which no other test uses
const other = '1552200000028';
let ownOffice: string;
let foreignOffice: string;

const consumer = (n: string): TPrincipal => ({
  kind: 'consumer',
  subject: `consumer-${n}`,
  role: 'consumer',
  consumerNumbers: [n],
});
const staff = (role: Exclude<TPrincipal['role'], 'consumer'>, officeId: string): TPrincipal => ({
  kind: 'staff',
  subject: `${role}-${officeId}-use-cases`,
  role,
  officeId,
});

/** Awaits `run` and returns the DomainProblem it threw. */
async function refusal(run: () => Promise<unknown>): Promise<DomainProblem> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainProblem);
  return error as DomainProblem;
}

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  deps = {
    config: stack.config,
    db: stack.db,
    temporal: stack.client,
    contentPool: stack.contentPool,
    ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
  };
  const [row] = await stack.db
    .select({ officeId: consumers.sectionOfficeId })
    .from(consumers)
    .where(eq(consumers.consumerNumber, owner));
  ownOffice = row!.officeId;
  foreignOffice = ownOffice === 'sec-pattom' ? 'sec-kaloor' : 'sec-pattom';
});
afterAll(async () => stack?.stop());

describe('use cases refuse a forbidden principal with a DomainProblem', () => {
  it('look up an account: another consumer, another office, a role without access', async () => {
    const notYours = await refusal(() => lookUpAccount(deps, consumer(other), { consumerNumber: owner }));
    expect(notYours.type).toBe(FailureType.Forbidden);
    expect(notYours.message).toBe('this consumer number is not yours');

    const elsewhere = await refusal(() =>
      lookUpAccount(deps, staff('agent', foreignOffice), { consumerNumber: owner }),
    );
    expect(elsewhere.type).toBe(FailureType.Forbidden);
    expect(elsewhere.message).toBe(`office ${ownOffice} is outside your office ${foreignOffice}`);

    const role = await refusal(() =>
      lookUpAccount(deps, staff('dispatcher', ownOffice), { consumerNumber: owner }),
    );
    expect(role.type).toBe(FailureType.Forbidden);
    expect(role.message).toMatch(/^role "dispatcher" may not call this; allowed: /);

    // the same principal through the JSON API: the same refusal, as problem+json
    const token = await stack.token({ role: 'consumer', consumers: [other] });
    const res = await stack.call('GET', `/v1/consumers/${owner}/account`, { token });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ type: 'urn:seva:problem:forbidden', detail: notYours.message });

    await expect(lookUpAccount(deps, consumer(owner), { consumerNumber: owner })).resolves.toMatchObject({
      consumerNumber: owner,
    });
  });

  it('upload, submit and decide: only the consumer, their office, and the roles of each action', async () => {
    const file = () => new File([makePng(800, 600, 4242)], 'proof.png', { type: 'image/png' });
    const upload = { consumerNumber: owner, kind: 'address' as const, file: file() };
    const refusedUpload = await refusal(() => uploadDocument(deps, consumer(other), upload));
    expect(refusedUpload.type).toBe(FailureType.Forbidden);

    const { document } = await uploadDocument(deps, consumer(owner), upload);
    const intake = {
      type: 'address-change',
      consumerNumber: owner,
      channel: 'web' as const,
      form: { newAddress: 'TC 25/1001, Kowdiar', pinCode: '695003' },
      documents: [{ documentId: document.documentId, kind: 'address' as const, fileName: 'proof.png' }],
    };
    const foreignSubmit = await refusal(() =>
      submitServiceRequest(deps, staff('agent', foreignOffice), { intake }),
    );
    expect(foreignSubmit.type).toBe(FailureType.Forbidden);

    const { accepted } = await submitServiceRequest(deps, consumer(owner), { intake });
    const { requestNumber } = accepted;

    // another consumer cannot tell it from a number that does not exist
    const hidden = await refusal(() =>
      decideServiceRequest(deps, consumer(other), { requestNumber, action: 'withdraw', body: {} }),
    );
    expect(hidden.type).toBe(FailureType.NotFound);
    expect(hidden.message).toBe('no service request with this number that you may see');

    const wrongRole = await refusal(() =>
      decideServiceRequest(deps, staff('agent', ownOffice), {
        requestNumber,
        action: 'approve-step',
        body: { stepId: 'document-review' },
      }),
    );
    expect(wrongRole.type).toBe(FailureType.Forbidden);

    // a properly signed decision by an executive of another office
    const token = await stack.token({ role: 'executive', office: foreignOffice });
    const executive = await createTokenVerifier(stack.config.auth)(token);
    const body = { documentId: document.documentId, decision: 'accept' };
    const signedBody = await stack.sign(token, requestNumber, 'decide-document', body);
    const elsewhere = await refusal(() =>
      decideServiceRequest(deps, executive, {
        requestNumber,
        action: 'decide-document',
        body: { documentId: document.documentId, decision: 'accept' },
        signedBody,
      }),
    );
    expect(elsewhere.type).toBe(FailureType.Forbidden);
    expect(elsewhere.message).toBe(`office ${ownOffice} is outside your office ${foreignOffice}`);
  });

  it('register and act on a complaint: only the consumer, their office, and the roles of each action', async () => {
    const report = { type: 'no-power', consumerNumber: owner, description: 'dark since noon' };
    const notYours = await refusal(() => registerComplaint(deps, consumer(other), report));
    expect(notYours.type).toBe(FailureType.Forbidden);
    const elsewhere = await refusal(() => registerComplaint(deps, staff('agent', foreignOffice), report));
    expect(elsewhere.type).toBe(FailureType.Forbidden);

    const role = await refusal(() =>
      actOnComplaint(deps, consumer(owner), {
        requestNumber: 'CR-2026-000001-0',
        action: 'resolve',
        body: { resolution: 'fixed it' },
      }),
    );
    expect(role.type).toBe(FailureType.Forbidden);
    expect(role.message).toMatch(/^role "consumer" may not call this/);
  });
});
