import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { ZServiceRequestState } from '../../domain/state-schemas';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Context } from 'hono';
import { desc, eq, inArray } from 'drizzle-orm';
import { findServiceType } from '../../db/catalogue';
import { listVerifiedDecisions } from '../../db/decisions';
import { findSigningKey } from '../../db/signing-keys';
import { allocateRequestNumber } from '../../db/request-numbers';
import { consumers, documents, intakeKeys, offices, receipts } from '../../db/schema';
import { addBusinessTime, ALWAYS_OPEN, parseBusinessDuration } from '../../domain/calendar';
import {
  buildFormSchema,
  ZDocumentKind,
  type TDocumentKind,
  type TServiceType,
} from '../../domain/catalogue';
import { ID_TYPES } from '../../domain/identity-numbers';
import { compareWithEkyc } from '../../domain/kyc-match';
import {
  canonicalJson,
  decisionMessage,
  ZDecisionSignature,
  type TSignedDecision,
} from '../../domain/decision-signature';
import { escalationOffices, STANDARD_CALENDAR } from '../../domain/offices';
import { ZRequestNumber } from '../../domain/request-number';
import type { TPrincipal } from '../../domain/roles';
import { SA } from '../../domain/search-attributes';
import {
  addDocumentsUpdate,
  approveStepUpdate,
  decideDocumentUpdate,
  reassignUpdate,
  rejectRequestUpdate,
  reportDelayUpdate,
  requestDocumentsUpdate,
  statusQuery,
  withdrawUpdate,
  ZApproveStep,
  ZDecideDocument,
  ZReassign,
  ZRejectRequest,
  ZReportDelay,
  ZRequestDocuments,
  ZServiceRequestIntake,
  ZWithdraw,
  type TActor,
  type TDocumentRef,
  type TServiceRequestInput,
  type TServiceRequestIntake,
  type TServiceRequestState,
} from '../../domain/service-request';
import { openBytes } from '../../lib/at-rest';
import { publicKeyFromBase64url, verifyEd25519 } from '../../lib/ed25519';
import type { serviceRequestWorkflow } from '../../workflows/service-request';
import { assertConsumerAccess, authoriseWorkflow, requireRoles, secureRoute } from '../auth';
import { createDocumentIntake, ZDocumentFields, type TJudgedDocument } from '../document-intake';
import { createRouter } from '../create-router';
import { scopeIdempotencyKey, ZIdempotencyKey } from '../idempotency';
import { findUnsafeText } from '../text-guard';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';

const SUBMIT_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'admin'] as const;
const READ_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'ops', 'admin'] as const;
const BACK_OFFICE = ['executive', 'supervisor', 'admin'] as const;

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

export const actorOf = (p: TPrincipal): TActor =>
  p.kind === 'consumer'
    ? { subject: p.subject, role: p.role, consumerNumbers: p.consumerNumbers }
    : { subject: p.subject, role: p.role, officeId: p.officeId };

export function createServiceRequestRoutes(deps: AppDeps) {
  const app = createRouter();
  const now = deps.now ?? (() => new Date());

  /**
   * Each cited document is stored, this consumer's, and was uploaded as the kind cited; `pending`
   * are the parts of this multipart submission, judged but stored only with the request. Also
   * returns every kind the cited documents serve: one Aadhaar covers identity and address.
   */
  const checkDocuments = async (
    refs: { documentId: string; kind: string }[],
    consumerNumber: string,
    pending: TJudgedDocument[] = [],
  ) => {
    const ids = refs.map((d) => d.documentId);
    const stored = [
      ...(ids.length
        ? await deps.db
            .select({ id: documents.id, consumerNumber: documents.consumerNumber, kinds: documents.kinds })
            .from(documents)
            .where(inArray(documents.id, ids))
        : []),
      ...pending.map(({ row }) => ({ id: row.id, consumerNumber: row.consumerNumber, kinds: row.kinds })),
    ];
    const kinds = new Set(
      stored.filter((s) => ids.includes(s.id) && s.consumerNumber === consumerNumber).flatMap((s) => s.kinds),
    );
    /** Every kind a cited document proves (the cited kind first): the workflow counts it for each. */
    const kindsOf = (ref: { documentId: string; kind: string }) =>
      [
        ...new Set([ref.kind, ...stored.filter((s) => s.id === ref.documentId).flatMap((s) => s.kinds)]),
      ] as TDocumentKind[];
    const errors = refs.flatMap((d, i) => {
      const row = stored.find((s) => s.id === d.documentId);
      if (!row)
        return [
          {
            field: `documents.${i}.documentId`,
            message: 'no such document; upload it with POST /v1/documents',
          },
        ];
      if (row.consumerNumber !== consumerNumber)
        return [{ field: `documents.${i}.documentId`, message: 'uploaded for another consumer' }];
      const rowKinds = [...new Set(stored.filter((s) => s.id === d.documentId).flatMap((s) => s.kinds))];
      if (!rowKinds.includes(d.kind))
        return [{ field: `documents.${i}.kind`, message: `uploaded as ${rowKinds.join(', ')}` }];
      return [];
    });
    return { errors, kinds, kindsOf };
  };

  /**
   * Offline e-KYC documents are compared with the eForm (fields marked `kyc` in the catalogue; the
   * name and address on the account where the form has none). The result rides with the document
   * into the workflow, for the executive deciding on it.
   */
  const attachKycMatches = async (
    refs: TDocumentRef[],
    type: TServiceType,
    form: Record<string, unknown>,
    consumerNumber: string,
    pending: TJudgedDocument[] = [],
  ): Promise<TDocumentRef[]> => {
    const fromDb = refs.length
      ? (
          await deps.db
            .select({ id: documents.id, keyId: documents.keyId, extracted: documents.extracted })
            .from(documents)
            .where(
              inArray(
                documents.id,
                refs.map((d) => d.documentId),
              ),
            )
        ).filter((r) => r.extracted)
      : [];
    const rows = [
      ...fromDb,
      ...pending
        .filter(({ row }) => row.extracted)
        .map(({ row }) => ({ id: row.id, keyId: row.keyId, extracted: row.extracted })),
    ];
    if (rows.length === 0) return refs;
    const [account] = await deps.db
      .select({ name: consumers.name, address: consumers.address })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    const formValue = (kyc: 'name' | 'address' | 'pinCode') => {
      const field = type.form.find((f) => f.kyc === kyc);
      const value = field ? form[field.name] : undefined;
      return { field, value: typeof value === 'string' && value ? value : undefined };
    };
    const name = formValue('name');
    const address = formValue('address');
    const against = {
      name: name.field ? name.value : account?.name,
      address: address.field ? address.value : account?.address,
      pinCode: formValue('pinCode').value,
    };
    return refs.map((ref) => {
      const row = rows.find((r) => r.id === ref.documentId);
      if (!row) return ref;
      const ekyc = JSON.parse(
        openBytes(deps.config.payloadCodec, row.keyId, row.extracted!, `${row.id}/extracted`).toString(),
      ) as { name: string; address: string; pinCode: string };
      return { ...ref, kyc: compareWithEkyc(ekyc, against) };
    });
  };

  const handleOf = (rn: string) => deps.temporal.workflow.getHandle<typeof serviceRequestWorkflow>(rn);

  const authorise = (c: Context<AppEnv>, rn: string) =>
    authoriseWorkflow(c, deps.db, handleOf(rn), {
      workflowType: 'serviceRequestWorkflow',
      noun: 'service request',
    });

  /**
   * A staff decision must carry a fresh Ed25519 signature over its canonical message, made with a
   * key registered to the caller and not revoked. Checked before anything reaches the workflow.
   */
  const verifySignature = async (
    c: Context<AppEnv>,
    rn: string,
    action: string,
    body: Record<string, unknown>,
  ): Promise<TSignedDecision> => {
    const principal = c.get('principal');
    const bad = (field: string, message: string, extensions?: Record<string, unknown>): never => {
      throw new HttpProblem(400, 'the decision is not properly signed', {
        errors: [{ field, message }],
        extensions,
      });
    };
    const parsed = ZDecisionSignature.safeParse(body.signature);
    if (!parsed.success)
      return bad(
        'signature',
        body.signature === undefined
          ? 'a back-office decision must be signed with your Ed25519 key (register it with POST /v1/signing-keys)'
          : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    const signature = parsed.data;
    const key = await findSigningKey(deps.db, signature.keyId);
    if (!key || key.subject !== principal.subject)
      return bad('signature.keyId', `no key ${signature.keyId} is registered to you`);
    if (key.revokedAt) return bad('signature.keyId', `key revoked at ${key.revokedAt.toISOString()}`);
    const skew = Math.abs(new Date(signature.signedAt).getTime() - now().getTime());
    if (skew > deps.config.decisions.maxSkewMs)
      return bad(
        'signature.signedAt',
        `must be within ${deps.config.decisions.maxSkewMs / 1000} s of the server clock (${now().toISOString()})`,
      );
    const message = decisionMessage({ requestNumber: rn, action, body, signedAt: signature.signedAt });
    if (!verifyEd25519(publicKeyFromBase64url(key.publicKey), message, signature.value))
      return bad('signature.value', 'does not verify over the decision message', { signedMessage: message });
    return { ...signature, message };
  };

  const runUpdate = async <A>(
    c: Context<AppEnv>,
    rn: string,
    update: UpdateDefinition<TServiceRequestState, [A & { actor: TActor }]>,
    args: A,
    signature?: TSignedDecision,
  ) => {
    const { handle, running } = await authorise(c, rn);
    if (!running) throw new HttpProblem(409, `request ${rn} is closed`);
    const actor: TActor = { ...actorOf(c.get('principal')), ...(signature ? { signature } : {}) };
    try {
      return await handle.executeUpdate(update, { args: [{ ...args, actor }] });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new HttpProblem(409, `request ${rn} is closed`);
      throw error;
    }
  };

  // ---------------- intake ----------------
  const documentIntake = createDocumentIntake(deps);

  /** One submission, from JSON or multipart: validate, allocate the Request Number once, start the workflow. */
  /** The type exists and the eForm fits it; checked before anything is stored. */
  const checkTypeAndForm = async (body: TServiceRequestIntake, prefix = '') => {
    const at = (field: string) => [prefix, field].filter(Boolean).join('.');
    const type = await findServiceType(deps.db, body.type);
    if (!type) {
      throw new HttpProblem(400, 'unknown service type', {
        errors: [
          {
            field: at('type'),
            message: `unknown service type "${body.type}"; see GET /v1/catalogue/service-types`,
          },
        ],
      });
    }
    const form = buildFormSchema(type.form).safeParse(body.form);
    if (!form.success)
      throw new HttpProblem(400, `invalid eForm for ${type.code}`, {
        errors: fieldErrors(form.error.issues, at('form')),
      });
    return { type, form };
  };

  /**
   * `pending`: documents of a multipart submission, judged but not yet stored. They are stored in
   * one transaction with the start of the workflow, so a submission that fails leaves none behind.
   */
  const submit = async (
    c: Context<AppEnv>,
    raw: TServiceRequestIntake,
    key: string | undefined,
    pending: TJudgedDocument[] = [],
  ) => {
    const principal = c.get('principal');
    // The same document cited twice (one Aadhaar for identity and address) is reviewed once.
    const body = {
      ...raw,
      documents: raw.documents.filter(
        (d, i, all) => all.findIndex((o) => o.documentId === d.documentId) === i,
      ),
    };
    const { type, form } = await checkTypeAndForm(body);
    const officeId = await assertConsumerAccess(c, deps.db, body.consumerNumber);

    // Documents must be uploaded, belong to this consumer, and cover the required kinds.
    const {
      errors: docErrors,
      kinds,
      kindsOf,
    } = await checkDocuments(body.documents, body.consumerNumber, pending);
    for (const required of type.documents.filter((d) => d.required)) {
      if (!kinds.has(required.kind)) {
        docErrors.push({
          field: 'documents',
          message: `${/^[aeiou]/.test(required.kind) ? 'an' : 'a'} ${required.kind} document is required for ${type.name}${required.note ? ` (${required.note})` : ''}`,
        });
      }
    }
    if (docErrors.length) throw new HttpProblem(400, 'documents missing or invalid', { errors: docErrors });

    const scopedKey = key ? `sr:${scopeIdempotencyKey(principal.subject, key)}` : undefined;
    const bodyHash = createHash('sha256')
      .update(canonicalJson({ ...body, form: form.data }))
      .digest('hex');
    let requestNumber: string | undefined;
    let replay = false;
    if (scopedKey) {
      const [existing] = await deps.db.select().from(intakeKeys).where(eq(intakeKeys.key, scopedKey));
      if (existing?.bodyHash && existing.bodyHash !== bodyHash)
        throw new HttpProblem(
          422,
          `this Idempotency-Key was used for a different submission (${existing.requestNumber}); use a new key for a new request`,
        );
      if (existing) {
        requestNumber = existing.requestNumber;
        replay = true;
      }
    }
    const submittedAt = now();
    if (!requestNumber) {
      const allocated = await allocateRequestNumber(deps.db, 'SR', submittedAt);
      if (scopedKey) {
        await deps.db
          .insert(intakeKeys)
          .values({ key: scopedKey, requestNumber: allocated, bodyHash })
          .onConflictDoNothing();
        const [winner] = await deps.db.select().from(intakeKeys).where(eq(intakeKeys.key, scopedKey));
        replay = winner!.requestNumber !== allocated;
        requestNumber = winner!.requestNumber;
      } else {
        requestNumber = allocated;
      }
    }

    const [office] = await deps.db.select().from(offices).where(eq(offices.id, officeId));
    const calendar = type.calendar === '24x7' ? ALWAYS_OPEN : (office!.calendar ?? STANDARD_CALENDAR);
    const input: TServiceRequestInput = {
      requestNumber,
      type,
      consumerNumber: body.consumerNumber,
      officeId,
      officePath: office!.path,
      escalationOffices: escalationOffices(office!.path, type.escalation),
      calendar,
      form: form.data,
      documents: (await attachKycMatches(body.documents, type, form.data, body.consumerNumber, pending)).map(
        (d) => ({ ...d, kinds: kindsOf(d) }),
      ),
      channel: body.channel,
      submittedBy: principal.subject,
      submittedAt: submittedAt.toISOString(),
    };
    const dueAt = addBusinessTime(submittedAt, parseBusinessDuration(type.tat), calendar).toISOString();
    const start = () =>
      deps.temporal.workflow.start<typeof serviceRequestWorkflow>('serviceRequestWorkflow', {
        workflowId: requestNumber,
        taskQueue: deps.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SA.RequestNumber, value: requestNumber },
          { key: SA.ConsumerNumber, value: body.consumerNumber },
          { key: SA.RequestType, value: type.code },
          { key: SA.RequestKind, value: 'service' },
          { key: SA.OfficeId, value: officeId },
          { key: SA.RequestStatus, value: 'in-progress' },
          { key: SA.Channel, value: body.channel },
          { key: SA.SlaDueAt, value: new Date(dueAt) },
          { key: SA.EscalationLevel, value: 0 },
        ],
      });
    try {
      if (pending.length === 0) await start();
      else
        await deps.db.transaction(async (tx) => {
          for (const judged of pending) await documentIntake.save(tx, principal.subject, judged);
          await start();
        });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      replay = true;
    }
    c.header('location', `/v1/service-requests/${requestNumber}`);
    // A replay answers with the request as it stands now (its search attributes), not as at intake.
    const stored = replay ? (await handleOf(requestNumber).describe()).typedSearchAttributes : undefined;
    const accepted = {
      requestNumber,
      status: stored?.get(SA.RequestStatus) ?? 'in-progress',
      statusUrl: `/v1/service-requests/${requestNumber}`,
      dueAt: stored ? (stored.get(SA.SlaDueAt)?.toISOString() ?? null) : dueAt,
      officeId,
    };
    return replay ? c.json(accepted, 200) : c.json(accepted, 201);
  };

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
  ): Promise<{ intake: TServiceRequestIntake; pending: TJudgedDocument[] }> => {
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
    await checkTypeAndForm(intake, 'eform');
    await assertConsumerAccess(c, deps.db, intake.consumerNumber);
    // Every part is judged before any is stored; they are stored with the request (see submit).
    const pending: TJudgedDocument[] = [];
    const uploaded = [];
    for (const { name, file } of files) {
      const kind = ZDocumentKind.safeParse(name.slice('documents.'.length));
      if (!kind.success)
        throw new HttpProblem(400, 'unknown document kind', {
          errors: [{ field: name, message: `kinds: ${ZDocumentKind.options.join(', ')}` }],
        });
      const judged = await documentIntake.judge(
        {
          consumerNumber: intake.consumerNumber,
          kind: kind.data,
          file,
          ...extra.data,
          ...(kind.data === 'identity' ? {} : { idType: undefined, idNumber: undefined }),
        },
        (field) => (field === 'file' || field === 'kind' ? name : field),
      );
      // the same file in two parts (documents.identity and documents.address) is one document
      const same = pending.find((p) => p.row.id === judged.row.id);
      if (same) same.row.kinds = [...new Set([...same.row.kinds, kind.data])];
      else pending.push(judged);
      uploaded.push({ documentId: judged.row.id, kind: kind.data, fileName: judged.row.fileName });
    }
    return { intake: { ...intake, documents: [...intake.documents, ...uploaded] }, pending };
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
    if (type.startsWith('multipart/form-data')) {
      const { intake, pending } = await readMultipart(c);
      return submit(c, intake, key.data, pending);
    }
    if (!/^application\/json\b/.test(type))
      throw new HttpProblem(415, 'send the eForm as application/json, or multipart/form-data with documents');
    const json: unknown = await c.req.json().catch(() => {
      throw new HttpProblem(400, 'the body is not valid JSON', {
        errors: [{ field: '(body)', message: 'not valid JSON' }],
      });
    });
    return submit(c, parseIntake(json), key.data);
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
      const { handle, running } = await authorise(c, requestNumber);
      const state = running ? await handle.query(statusQuery) : await handle.result();
      return c.json(state, 200);
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
      const [row] = await deps.db
        .select()
        .from(receipts)
        .where(eq(receipts.requestNumber, requestNumber))
        .orderBy(desc(receipts.revision))
        .limit(1);
      if (!row)
        throw new HttpProblem(404, `request ${requestNumber} has no receipt yet; it is issued on completion`);
      const pdf = openBytes(deps.config.payloadCodec, row.keyId, row.ciphertext, row.id);
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${requestNumber}-receipt-${row.revision}.pdf"`,
        'x-content-sha256': row.sha256,
      });
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
  const action = <S extends z.ZodObject>(
    path: string,
    summary: string,
    roles: readonly ('consumer' | 'agent' | 'executive' | 'supervisor' | 'admin')[],
    schema: S,
    update: UpdateDefinition<TServiceRequestState, [z.infer<S> & { actor: TActor }]>,
    options: {
      /** a staff decision: signed by the executive (see POST /v1/signing-keys) */
      decision?: boolean;
      prepare?: (c: Context<AppEnv>, requestNumber: string, body: z.infer<S>) => Promise<void>;
    } = {},
  ) => {
    const bodySchema = options.decision
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
        ) => T extends 'param' ? { requestNumber: string } : z.infer<S>;
        const { requestNumber } = valid('param');
        const { signature: _signature, ...body } = valid('json') as z.infer<S> & { signature?: unknown };
        await options.prepare?.(c, requestNumber, body as z.infer<S>);
        const signed =
          options.decision && c.get('principal').kind === 'staff'
            ? // the signature covers the body as sent, before trimming or defaults
              await verifySignature(c, requestNumber, path, await c.req.json<Record<string, unknown>>())
            : undefined;
        const state = await runUpdate(c, requestNumber, update, body as z.infer<S>, signed);
        return c.json(state, 200);
      },
    );
  };

  action(
    'decide-document',
    'Accept or reject a document (reason required to reject)',
    BACK_OFFICE,
    ZDecideDocument,
    decideDocumentUpdate,
    { decision: true },
  );
  action(
    'request-documents',
    'Ask the consumer for more documents (pauses the TAT clock)',
    BACK_OFFICE,
    ZRequestDocuments,
    requestDocumentsUpdate,
    { decision: true },
  );
  action(
    'approve-step',
    'Complete the current step (the consumer completes consumer steps)',
    ['consumer', ...BACK_OFFICE],
    ZApproveStep,
    approveStepUpdate,
    { decision: true },
  );
  action('reject', 'Reject the request with a reason', BACK_OFFICE, ZRejectRequest, rejectRequestUpdate, {
    decision: true,
  });
  action(
    'report-delay',
    'Record why the request is late and when it will be done',
    BACK_OFFICE,
    ZReportDelay,
    reportDelayUpdate,
    { decision: true },
  );
  action(
    'reassign',
    'Reassign the request (supervisor)',
    ['supervisor', 'admin'],
    ZReassign,
    reassignUpdate,
    {
      decision: true,
    },
  );
  action(
    'withdraw',
    'Withdraw the request (consumer, or an agent for a caller)',
    ['consumer', 'agent'],
    ZWithdraw,
    withdrawUpdate,
  );
  action(
    'documents',
    'Add documents already uploaded with POST /v1/documents (answers a request for documents)',
    ['consumer', 'agent'],
    z.object({ documents: ZServiceRequestIntake.shape.documents.unwrap().min(1) }),
    addDocumentsUpdate,
    {
      prepare: async (c, requestNumber, body) => {
        // Access before the documents are looked at (authorise answers 404 for not yours).
        const { consumerNumber } = await authorise(c, requestNumber);
        const { errors } = await checkDocuments(body.documents, consumerNumber);
        if (errors.length) throw new HttpProblem(400, 'documents missing or invalid', { errors });
      },
    },
  );

  return app;
}
