import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { findServiceType } from '../db/catalogue';
import { DESK_CHANNEL, recordIntakeContact } from '../db/inbound-contacts';
import { reserveRequestNumber } from '../db/request-numbers';
import { consumers, documents, offices, workflowInbox } from '../db/schema';
import { insertInboxRow, type TInboxStart } from '../db/workflow-inbox';
import { addBusinessTime, ALWAYS_OPEN, parseBusinessDuration } from '../domain/calendar';
import { buildFormSchema, ZDocumentKind, type TServiceType } from '../domain/catalogue';
import { canonicalJson } from '../domain/decision-signature';
import { DomainProblem, FailureType, fieldErrors } from '../domain/failures';
import { compareWithEkyc } from '../domain/kyc-match';
import { escalationOffices, profileCalendar } from '../domain/offices';
import type { TPrincipal } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TDocumentRef, TServiceRequestInput, TServiceRequestIntake } from '../domain/service-request';
import { openBytes } from '../lib/at-rest';
import { scopeIdempotencyKey } from '../lib/idempotency';
import { startInboxWorkflow, traceCarrier } from '../lib/workflow-relay';
import { assertConsumerAccess, assertRole } from './access';
import { clockOf, type UseCaseDeps } from './deps';
import { documentIntakeOf, type TDocumentFields, type TJudgedDocument } from './document-intake';
import { checkDocuments, serviceRequestHandle } from './service-requests';

export const SUBMIT_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'admin'] as const;

export type TSubmission = {
  /** the eForm (and documents uploaded before), as parsed by ZServiceRequestIntake */
  intake: TServiceRequestIntake;
  /** a retry with the same key returns the same request */
  idempotencyKey?: string;
  /**
   * Files sent with the eForm (a multipart submission): every one is judged before any is
   * stored, and they are stored in one transaction with the start of the workflow.
   */
  attached?: {
    /** what the eForm is called in field errors (`eform`: the multipart part holding it) */
    eformField: string;
    /** ID number, share code and contacts, for the files they concern */
    fields: TDocumentFields;
    /** `field` names the file in errors (`documents.address`); `kind` is what it was sent as */
    files: { field: string; kind: string; file: File }[];
  };
};

export type TSubmitted = {
  /** the Idempotency-Key was used before: this is that request, as it stands now */
  replay: boolean;
  accepted: {
    requestNumber: string;
    status: string;
    statusUrl: string;
    dueAt: string | null;
    officeId: string;
  };
};

type TDeps = Pick<
  UseCaseDeps,
  'db' | 'temporal' | 'config' | 'contentPool' | 'ekycTrustAnchorsPem' | 'now' | 'relay'
>;

/**
 * Submit an eForm: the type exists and the form fits it, the caller may act for the consumer, the
 * documents are this consumer's and cover the required kinds; then the Request Number is
 * allocated once (per Idempotency-Key) and the workflow starts with a snapshot of the type.
 */
export async function submitServiceRequest(
  deps: TDeps,
  principal: TPrincipal,
  submission: TSubmission,
): Promise<TSubmitted> {
  assertRole(principal, SUBMIT_ROLES);
  const { attached } = submission;
  if (!attached) return submit(deps, principal, submission.intake, submission.idempotencyKey);
  await checkTypeAndForm(deps, submission.intake, attached.eformField);
  await assertConsumerAccess(deps.db, principal, submission.intake.consumerNumber);
  const { uploaded, pending } = await judgeAttached(deps, submission.intake.consumerNumber, attached);
  const intake = { ...submission.intake, documents: [...submission.intake.documents, ...uploaded] };
  return submit(deps, principal, intake, submission.idempotencyKey, pending);
}

/** Every part is judged before any is stored; they are stored with the request (see submit). */
async function judgeAttached(
  deps: TDeps,
  consumerNumber: string,
  attached: NonNullable<TSubmission['attached']>,
) {
  const intake = documentIntakeOf(deps);
  const pending: TJudgedDocument[] = [];
  const uploaded = [];
  for (const { field, kind: sentAs, file } of attached.files) {
    const kind = ZDocumentKind.safeParse(sentAs);
    if (!kind.success)
      throw new DomainProblem(FailureType.InvalidInput, 'unknown document kind', {
        errors: [{ field, message: `kinds: ${ZDocumentKind.options.join(', ')}` }],
      });
    const judged = await intake.judge(
      {
        consumerNumber,
        kind: kind.data,
        file,
        ...attached.fields,
        ...(kind.data === 'identity' ? {} : { idType: undefined, idNumber: undefined }),
      },
      (name) => (name === 'file' || name === 'kind' ? field : name),
    );
    // the same file in two parts (documents.identity and documents.address) is one document
    const same = pending.find((p) => p.row.id === judged.row.id);
    if (same) same.row.kinds = [...new Set([...same.row.kinds, kind.data])];
    else pending.push(judged);
    uploaded.push({ documentId: judged.row.id, kind: kind.data, fileName: judged.row.fileName });
  }
  return { uploaded, pending };
}

/** The type exists and the eForm fits it; checked before anything is stored. */
async function checkTypeAndForm(deps: Pick<TDeps, 'db'>, body: TServiceRequestIntake, prefix = '') {
  const at = (field: string) => [prefix, field].filter(Boolean).join('.');
  const type = await findServiceType(deps.db, body.type);
  if (!type) {
    throw new DomainProblem(FailureType.InvalidInput, 'unknown service type', {
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
    throw new DomainProblem(FailureType.InvalidInput, `invalid eForm for ${type.code}`, {
      errors: fieldErrors(form.error.issues, at('form')),
    });
  return { type, form };
}

/**
 * One submission: validate, allocate the Request Number once, start the workflow. `pending`:
 * documents of a multipart submission, judged but not yet stored. They are stored in one
 * transaction with the start of the workflow, so a submission that fails leaves none behind.
 */
async function submit(
  deps: TDeps,
  principal: TPrincipal,
  raw: TServiceRequestIntake,
  key: string | undefined,
  pending: TJudgedDocument[] = [],
): Promise<TSubmitted> {
  // The same document cited twice (one Aadhaar for identity and address) is reviewed once.
  const body = {
    ...raw,
    documents: raw.documents.filter((d, i, all) => all.findIndex((o) => o.documentId === d.documentId) === i),
  };
  const { type, form } = await checkTypeAndForm(deps, body);
  const officeId = await assertConsumerAccess(deps.db, principal, body.consumerNumber);

  // Documents must be uploaded, belong to this consumer, and cover the required kinds.
  const {
    errors: docErrors,
    kinds,
    kindsOf,
  } = await checkDocuments(deps, body.documents, body.consumerNumber, pending);
  for (const required of type.documents.filter((d) => d.required)) {
    if (!kinds.has(required.kind)) {
      docErrors.push({
        field: 'documents',
        message: `${/^[aeiou]/.test(required.kind) ? 'an' : 'a'} ${required.kind} document is required for ${type.name}${required.note ? ` (${required.note})` : ''}`,
      });
    }
  }
  if (docErrors.length)
    throw new DomainProblem(FailureType.InvalidInput, 'documents missing or invalid', { errors: docErrors });

  const bodyHash = createHash('sha256')
    .update(canonicalJson({ ...body, form: form.data }))
    .digest('hex');
  // Without an Idempotency-Key, the same caller sending the same body again within minutes is
  // retrying (a timeout, a double click): the submission itself is the key then.
  const scopedKey = key
    ? `sr:${scopeIdempotencyKey(principal.subject, key)}`
    : `sr:repeat:${scopeIdempotencyKey(principal.subject, bodyHash)}`;
  const submittedAt = clockOf(deps)();
  const [office] = await deps.db.select().from(offices).where(eq(offices.id, officeId));
  const calendar =
    type.calendar === '24x7' ? ALWAYS_OPEN : (office!.calendar ?? profileCalendar(deps.config.profile));
  const documentsOf = (
    await attachKycMatches(deps, body.documents, type, form.data, body.consumerNumber, pending)
  ).map((d) => ({ ...d, kinds: kindsOf(d) }));
  const dueAt = addBusinessTime(submittedAt, parseBusinessDuration(type.tat), calendar).toISOString();
  const startOf = (requestNumber: string): TInboxStart => {
    const input: TServiceRequestInput = {
      requestNumber,
      type,
      consumerNumber: body.consumerNumber,
      officeId,
      officePath: office!.path,
      escalationOffices: escalationOffices(office!.path, type.escalation),
      calendar,
      form: form.data,
      documents: documentsOf,
      channel: body.channel,
      submittedBy: principal.subject,
      submittedAt: submittedAt.toISOString(),
    };
    return {
      workflowId: requestNumber,
      workflowType: 'serviceRequestWorkflow',
      taskQueue: deps.config.temporal.taskQueue,
      args: [input],
      trace: traceCarrier(),
      searchAttributes: {
        [SA.RequestNumber.name]: requestNumber,
        [SA.ConsumerNumber.name]: body.consumerNumber,
        [SA.RequestType.name]: type.code,
        [SA.RequestKind.name]: 'service',
        [SA.OfficeId.name]: officeId,
        [SA.RequestStatus.name]: 'in-progress',
        [SA.Channel.name]: body.channel,
        [SA.SlaDueAt.name]: dueAt,
        [SA.EscalationLevel.name]: 0,
      },
    };
  };
  // One short transaction: the number (reserved once per key), the documents of a multipart
  // submission, the workflow inbox row (lib/workflow-relay.ts starts it) and the inbound contact.
  // A submission that fails leaves nothing; a retry with the key comes back to this number.
  const leaseMs = deps.relay ? deps.config.intake.relay.leaseMs : 0;
  const decided = await deps.db.transaction(async (tx) => {
    const reservation = await reserveRequestNumber(tx, scopedKey, 'SR', submittedAt, {
      bodyHash,
      ...(key ? {} : { reuseAfterMs: deps.config.intake.repeatWindowMs }),
    });
    if (!reservation.reserved && reservation.bodyHash && reservation.bodyHash !== bodyHash)
      throw new DomainProblem(
        FailureType.Unprocessable,
        `this Idempotency-Key was used for a different submission (${reservation.requestNumber}); use a new key for a new request`,
      );
    const { requestNumber } = reservation;
    const start = startOf(requestNumber);
    // The inbound-contact KPIs: the desk counts its own; a replay counts the same row again.
    const contact = () =>
      body.channel === DESK_CHANNEL
        ? undefined
        : recordIntakeContact(tx, {
            channel: body.channel,
            submittedBy: principal.subject,
            consumerNumber: body.consumerNumber,
            kind: 'request',
            requestNumber,
            at: submittedAt,
          });
    let waiting: Record<string, unknown> | undefined;
    if (reservation.reserved) {
      if (pending.length > 0) {
        const intake = documentIntakeOf(deps);
        for (const judged of pending) await intake.save(tx, principal.subject, judged);
      }
      // Sent together (postgres.js pipelines them on the transaction's connection): one round trip.
      const answer = { status: 'in-progress', dueAt };
      const { namespace } = deps.config.temporal;
      await Promise.all([
        insertInboxRow(tx, deps.config.payloadCodec, namespace, { ...start, answer }, leaseMs),
        contact(),
      ]);
    } else {
      const [[row]] = await Promise.all([
        tx
          .select({ answer: workflowInbox.answer })
          .from(workflowInbox)
          .where(eq(workflowInbox.workflowId, requestNumber)),
        contact(),
      ]);
      waiting = row?.answer;
    }
    return { requestNumber, reserved: reservation.reserved, start, waiting };
  });
  const { requestNumber } = decided;
  const accepted = (status: string, due: string | null) => ({
    requestNumber,
    status,
    statusUrl: `/v1/service-requests/${requestNumber}`,
    dueAt: due,
    officeId,
  });
  if (decided.reserved) {
    deps.relay?.handOff(decided.start);
    return { replay: false, accepted: accepted('in-progress', dueAt) };
  }
  // A replay while the request waits in the inbox: what the first attempt answered.
  if (decided.waiting)
    return {
      replay: true,
      accepted: accepted(String(decided.waiting.status), (decided.waiting.dueAt as string | null) ?? null),
    };
  // A replay of a started request answers with it as it stands now (its search attributes); a
  // number reserved before the inbox existed and never started is started now (USE_EXISTING).
  await startInboxWorkflow(deps, decided.start);
  const stored = (await serviceRequestHandle(deps, requestNumber).describe()).typedSearchAttributes;
  return {
    replay: true,
    accepted: accepted(
      stored.get(SA.RequestStatus) ?? 'in-progress',
      stored.get(SA.SlaDueAt)?.toISOString() ?? null,
    ),
  };
}

/**
 * Offline e-KYC documents are compared with the eForm (fields marked `kyc` in the catalogue; the
 * name and address on the account where the form has none). The result rides with the document
 * into the workflow, for the executive deciding on it.
 */
async function attachKycMatches(
  deps: Pick<TDeps, 'db' | 'config'>,
  refs: TDocumentRef[],
  type: TServiceType,
  form: Record<string, unknown>,
  consumerNumber: string,
  pending: TJudgedDocument[] = [],
): Promise<TDocumentRef[]> {
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
}
