import { z } from '@hono/zod-openapi';
import { ZServiceRequestState } from '../../domain/state-schemas';
import { listVerifiedDecisions } from '../../db/decisions';
import { latestReceipt, receiptHeaders } from '../../db/receipts';
import { ID_TYPES } from '../../domain/identity-numbers';
import { ZDecisionSignature } from '../../domain/decision-signature';
import { ZRequestNumber } from '../../domain/request-number';
import {
  ZApproveStep,
  ZDecideDocument,
  ZReassign,
  ZRejectRequest,
  ZReportDelay,
  ZRequestDocuments,
  ZServiceRequestIntake,
  ZWithdraw,
} from '../../domain/service-request';
import {
  decideServiceRequest,
  SERVICE_REQUEST_ACTIONS,
  type TServiceRequestAction,
  type TServiceRequestActionName,
} from '../../use-cases/decide-service-request';
import { ZDocumentFields } from '../../use-cases/document-intake';
import { authoriseServiceRequest, readServiceRequest } from '../../use-cases/service-requests';
import { submitServiceRequest, SUBMIT_ROLES, type TSubmission } from '../../use-cases/submit-service-request';
import { requireRoles, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { ZIdempotencyKey } from '../idempotency';
import { findUnsafeText } from '../text-guard';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';
import type { Context } from 'hono';

const READ_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'ops', 'admin'] as const;

const ZRnParam = z.object({ requestNumber: ZRequestNumber });

const ZAccepted = z
  .object({
    requestNumber: z.string(),
    status: z.string(),
    statusUrl: z.string(),
    dueAt: z.string().nullable().describe('TAT due date (business calendar of the section office)'),
    officeId: z.string(),
  })
  .openapi('ServiceRequestAccepted');

const ZDecision = z
  .object({
    action: z.string(),
    actor: z.string(),
    role: z.string(),
    officeId: z.string().nullable(),
    decidedAt: z.string(),
    detail: z.record(z.string(), z.unknown()),
    signature: z.object({ keyId: z.string(), value: z.string(), signedMessage: z.string() }).nullable(),
    verified: z
      .boolean()
      .describe('the signature verifies, by a key registered to the actor, over this request'),
    problem: z.string().optional(),
  })
  .openapi('Decision');

// A fresh object from the domain shape: domain schemas may predate zod's OpenAPI extension.
const ZState = z.object(ZServiceRequestState.shape).openapi('ServiceRequestState', {
  description: 'status, current step, steps, documents, TAT clock, escalation, timeline',
});

export function createServiceRequestRoutes(deps: AppDeps) {
  const app = createRouter();
  const authorise = (c: Context<AppEnv>, rn: string) => authoriseServiceRequest(deps, c.get('principal'), rn);

  const parseIntake = (raw: unknown, prefix = '') => {
    const parsed = ZServiceRequestIntake.safeParse(raw);
    if (!parsed.success)
      throw new HttpProblem(400, 'invalid service request', {
        errors: fieldErrors(parsed.error.issues, prefix || undefined),
      });
    return parsed.data;
  };

  /**
   * multipart/form-data: an `eform` part (the JSON body without documents, or with documents
   * uploaded earlier) and one file part per document named `documents.<kind>`; `shareCode`,
   * `mobile`, `email`, `idType` and `idNumber` parts apply to the files they concern.
   */
  const readMultipart = async (
    c: Context<AppEnv>,
  ): Promise<Required<Omit<TSubmission, 'idempotencyKey'>>> => {
    const parts = await c.req.parseBody({ all: true }).catch(() => {
      throw new HttpProblem(400, 'malformed multipart body');
    });
    const text = (name: string) => {
      const v = parts[name];
      return typeof v === 'string' && v.trim() ? v.trim() : undefined;
    };
    let eform: unknown;
    try {
      eform = JSON.parse(text('eform') ?? '');
    } catch {
      throw new HttpProblem(400, 'invalid service request', {
        errors: [
          {
            field: 'eform',
            message: text('eform')
              ? 'the eform part is not valid JSON'
              : 'send the eForm as a JSON part named "eform"',
          },
        ],
      });
    }
    // The text guard saw the part as a string; what its JSON escapes decode to is checked here.
    const unsafe = findUnsafeText(eform, ['eform']);
    if (unsafe) throw new HttpProblem(400, `${unsafe.field}: ${unsafe.message}`, { errors: [unsafe] });
    const intake = parseIntake(eform, 'eform');
    const extra = ZDocumentFields.safeParse({
      idType: text('idType'),
      idNumber: text('idNumber'),
      shareCode: text('shareCode'),
      mobile: text('mobile')?.replace(/[\s-]/g, ''),
      email: text('email'),
    });
    if (!extra.success)
      throw new HttpProblem(400, 'invalid document fields', { errors: fieldErrors(extra.error.issues) });
    const files = Object.entries(parts).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value])
        .filter((v): v is File => v instanceof File)
        .map((file) => ({ name, file })),
    );
    const unknown = files.find((f) => !/^documents\.[a-z-]+$/.test(f.name));
    if (unknown)
      throw new HttpProblem(400, 'unexpected file part', {
        errors: [
          { field: unknown.name, message: 'name file parts documents.<kind>, e.g. documents.address' },
        ],
      });
    return {
      intake,
      attached: {
        eformField: 'eform',
        fields: extra.data,
        files: files.map(({ name, file }) => ({ field: name, kind: name.slice('documents.'.length), file })),
      },
    };
  };

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/service-requests',
    tags: ['service requests'],
    summary: 'Submit an eForm, with its documents attached (multipart) or uploaded before (JSON)',
    description:
      'Answers at once with the Request Number and the TAT due date. A retry with the same Idempotency-Key returns the same request. Multipart: an `eform` JSON part and file parts named `documents.<kind>`.',
    security: [{ bearer: [] }],
    'x-roles': [...SUBMIT_ROLES],
    request: {
      headers: z.object({ 'idempotency-key': ZIdempotencyKey }),
      body: {
        required: true,
        content: {
          'application/json': { schema: ZServiceRequestIntake },
          'multipart/form-data': {
            schema: z.object({
              eform: z.string().describe('the JSON body (type, consumerNumber, channel, form, documents?)'),
              'documents.address': z.any().optional().openapi({ type: 'string', format: 'binary' }),
              'documents.identity': z.any().optional().openapi({ type: 'string', format: 'binary' }),
              shareCode: z.string().optional().describe('for an offline e-KYC ZIP'),
              idType: z.enum(ID_TYPES).optional(),
              idNumber: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: 'request registered', content: { 'application/json': { schema: ZAccepted } } },
      200: {
        description: 'the same Idempotency-Key was used before: that request',
        content: { 'application/json': { schema: ZAccepted } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
    },
  });
  app.post('/v1/service-requests', requireRoles(SUBMIT_ROLES), async (c) => {
    const key = ZIdempotencyKey.safeParse(c.req.header('idempotency-key'));
    if (!key.success)
      throw new HttpProblem(400, 'invalid Idempotency-Key', {
        errors: fieldErrors(key.error.issues, 'idempotency-key'),
      });
    const type = c.req.header('content-type') ?? '';
    const submit = async (submission: TSubmission) => {
      const { replay, accepted } = await submitServiceRequest(deps, c.get('principal'), submission);
      c.header('location', `/v1/service-requests/${accepted.requestNumber}`);
      return replay ? c.json(accepted, 200) : c.json(accepted, 201);
    };
    if (type.startsWith('multipart/form-data'))
      return submit({ ...(await readMultipart(c)), idempotencyKey: key.data });
    if (!/^application\/json\b/.test(type))
      throw new HttpProblem(415, 'send the eForm as application/json, or multipart/form-data with documents');
    const json: unknown = await c.req.json().catch(() => {
      throw new HttpProblem(400, 'the body is not valid JSON', {
        errors: [{ field: '(body)', message: 'not valid JSON' }],
      });
    });
    return submit({ intake: parseIntake(json), idempotencyKey: key.data });
  });

  // ---------------- status ----------------
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/service-requests/{requestNumber}',
      tags: ['service requests'],
      summary: 'Status and timeline (live while running, the final record once closed)',
      roles: READ_ROLES,
      request: { params: ZRnParam },
      responses: {
        200: { description: 'the request', content: { 'application/json': { schema: ZState } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      return c.json(await readServiceRequest(deps, c.get('principal'), requestNumber), 200);
    },
  );

  // ---------------- receipt ----------------
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/service-requests/{requestNumber}/receipt',
      tags: ['service requests'],
      summary: 'The signed PDF receipt of the latest completion',
      roles: READ_ROLES,
      request: { params: ZRnParam },
      responses: {
        200: {
          description:
            'PDF with an embedded CMS signature (verify with POST /v1/receipts/verify or any PDF reader)',
          content: { 'application/pdf': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      await authorise(c, requestNumber);
      const receipt = await latestReceipt(deps, requestNumber);
      if (!receipt)
        throw new HttpProblem(404, `request ${requestNumber} has no receipt yet; it is issued on completion`);
      return c.body(new Uint8Array(receipt.pdf), 200, receiptHeaders(requestNumber, receipt));
    },
  );

  // ---------------- decision trail ----------------
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/service-requests/{requestNumber}/decisions',
      tags: ['service requests'],
      summary: 'Every decision on the request, with its signature checked again now',
      roles: READ_ROLES,
      request: { params: ZRnParam },
      responses: {
        200: {
          description: 'decisions, oldest first',
          content: { 'application/json': { schema: z.object({ items: z.array(ZDecision) }) } },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      await authorise(c, requestNumber);
      return c.json({ items: await listVerifiedDecisions(deps.db, requestNumber) }, 200);
    },
  );

  // ---------------- actions (Temporal Updates) ----------------
  /** One route per action; who may take it and whether it is signed come from the use case. */
  const action = <A extends TServiceRequestActionName>(path: A, summary: string, schema: z.ZodObject) => {
    const { roles, signed } = SERVICE_REQUEST_ACTIONS[path];
    const bodySchema = signed
      ? schema.extend({
          signature: ZDecisionSignature.optional().describe(
            'required from staff: Ed25519 over the canonical JSON of {context:"seva-decision-v1", requestNumber, action, body (without signature), signedAt}',
          ),
        })
      : schema;
    return app.openapi(
      secureRoute({
        method: 'post',
        path: `/v1/service-requests/{requestNumber}/${path}`,
        tags: ['service requests'],
        summary,
        roles,
        request: {
          params: ZRnParam,
          body: { content: { 'application/json': { schema: bodySchema } }, required: true },
        },
        responses: {
          200: {
            description: 'done; the request as it now stands',
            content: { 'application/json': { schema: ZState } },
          },
          ...problemResponses(400, 404, 409, 415),
        },
      }),
      async (c) => {
        // The route is built generically, so its validated input is typed here by hand.
        const valid = c.req.valid.bind(c.req) as unknown as <T extends 'param' | 'json'>(
          target: T,
        ) => T extends 'param' ? { requestNumber: string } : Record<string, unknown>;
        const { requestNumber } = valid('param');
        const { signature: _signature, ...body } = valid('json');
        const state = await decideServiceRequest(deps, c.get('principal'), {
          requestNumber,
          ...({ action: path, body } as TServiceRequestAction),
          // the signature covers the body as sent, before trimming or defaults
          ...(signed ? { signedBody: await c.req.json<Record<string, unknown>>() } : {}),
        });
        return c.json(state, 200);
      },
    );
  };

  action('decide-document', 'Accept or reject a document (reason required to reject)', ZDecideDocument);
  action(
    'request-documents',
    'Ask the consumer for more documents (pauses the TAT clock)',
    ZRequestDocuments,
  );
  action('approve-step', 'Complete the current step (the consumer completes consumer steps)', ZApproveStep);
  action('reject', 'Reject the request with a reason', ZRejectRequest);
  action('report-delay', 'Record why the request is late and when it will be done', ZReportDelay);
  action('reassign', 'Reassign the request (supervisor)', ZReassign);
  action('withdraw', 'Withdraw the request (consumer, or an agent for a caller)', ZWithdraw);
  action(
    'documents',
    'Add documents already uploaded with POST /v1/documents (answers a request for documents)',
    z.object({ documents: ZServiceRequestIntake.shape.documents.unwrap().min(1) }),
  );

  return app;
}
