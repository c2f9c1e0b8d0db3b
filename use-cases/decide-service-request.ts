import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { findSigningKey } from '../db/signing-keys';
import { decisionMessage, ZDecisionSignature, type TSignedDecision } from '../domain/decision-signature';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal, TRole } from '../domain/roles';
import {
  addDocumentsUpdate,
  approveStepUpdate,
  decideDocumentUpdate,
  reassignUpdate,
  rejectRequestUpdate,
  reportDelayUpdate,
  requestDocumentsUpdate,
  withdrawUpdate,
  type TActor,
  type TServiceRequestIntake,
  type TServiceRequestState,
  type ZApproveStep,
  type ZDecideDocument,
  type ZReassign,
  type ZRejectRequest,
  type ZReportDelay,
  type ZRequestDocuments,
  type ZWithdraw,
} from '../domain/service-request';
import { publicKeyFromBase64url, verifyEd25519 } from '../lib/ed25519';
import { actorOf, assertRole } from './access';
import { clockOf, type UseCaseDeps } from './deps';
import { authoriseServiceRequest, checkDocuments } from './service-requests';

const BACK_OFFICE = ['executive', 'supervisor', 'admin'] as const;

/**
 * Every action on a running service request, who may take it, and whether it is a staff decision
 * (signed by the executive's own Ed25519 key, see POST /v1/signing-keys).
 */
export const SERVICE_REQUEST_ACTIONS = {
  'decide-document': { roles: BACK_OFFICE, signed: true, update: decideDocumentUpdate },
  'request-documents': { roles: BACK_OFFICE, signed: true, update: requestDocumentsUpdate },
  'approve-step': { roles: ['consumer', ...BACK_OFFICE], signed: true, update: approveStepUpdate },
  reject: { roles: BACK_OFFICE, signed: true, update: rejectRequestUpdate },
  'report-delay': { roles: BACK_OFFICE, signed: true, update: reportDelayUpdate },
  reassign: { roles: ['supervisor', 'admin'], signed: true, update: reassignUpdate },
  withdraw: { roles: ['consumer', 'agent'], signed: false, update: withdrawUpdate },
  documents: { roles: ['consumer', 'agent'], signed: false, update: addDocumentsUpdate },
} as const satisfies Record<string, { roles: readonly TRole[]; signed: boolean; update: unknown }>;

export type TServiceRequestActionName = keyof typeof SERVICE_REQUEST_ACTIONS;

/** One action: its name and its body (as parsed by the action's schema, without the signature). */
export type TServiceRequestAction =
  | { action: 'decide-document'; body: z.infer<typeof ZDecideDocument> }
  | { action: 'request-documents'; body: z.infer<typeof ZRequestDocuments> }
  | { action: 'approve-step'; body: z.infer<typeof ZApproveStep> }
  | { action: 'reject'; body: z.infer<typeof ZRejectRequest> }
  | { action: 'report-delay'; body: z.infer<typeof ZReportDelay> }
  | { action: 'reassign'; body: z.infer<typeof ZReassign> }
  | { action: 'withdraw'; body: z.infer<typeof ZWithdraw> }
  | { action: 'documents'; body: { documents: TServiceRequestIntake['documents'] } };

export type TServiceRequestDecision = TServiceRequestAction & {
  requestNumber: string;
  /**
   * The decision as the caller sent it, with its `signature` member: a staff decision's signature
   * is verified over this (it may differ from `body` by trimming and defaults). Absent: unsigned.
   */
  signedBody?: Record<string, unknown>;
};

type TDeps = Pick<UseCaseDeps, 'db' | 'temporal' | 'config' | 'now'>;

/**
 * Act on a service request: accept or reject a document, ask for documents, approve the current
 * step, reject, report a delay, reassign (staff, signed), withdraw or add documents (the
 * consumer, or an agent for a caller). Sent to the workflow as an Update, whose validator
 * re-checks role, office and state; answers the request as it now stands.
 */
export async function decideServiceRequest(
  deps: TDeps,
  principal: TPrincipal,
  decision: TServiceRequestDecision,
): Promise<TServiceRequestState> {
  const { requestNumber, action } = decision;
  const spec = SERVICE_REQUEST_ACTIONS[action];
  assertRole(principal, spec.roles);
  let authorised: Awaited<ReturnType<typeof authoriseServiceRequest>> | undefined;
  if (decision.action === 'documents') {
    // Access before the documents are looked at (authorise answers 404 for not yours).
    authorised = await authoriseServiceRequest(deps, principal, requestNumber);
    const { errors } = await checkDocuments(deps, decision.body.documents, authorised.consumerNumber);
    if (errors.length)
      throw new DomainProblem(FailureType.InvalidInput, 'documents missing or invalid', { errors });
  }
  const signature =
    spec.signed && principal.kind === 'staff'
      ? await verifySignature(deps, principal, requestNumber, action, decision.signedBody ?? {})
      : undefined;
  const { handle, running } = authorised ?? (await authoriseServiceRequest(deps, principal, requestNumber));
  const closed = () => new DomainProblem(FailureType.Conflict, `request ${requestNumber} is closed`);
  if (!running) throw closed();
  const actor: TActor = { ...actorOf(principal), ...(signature ? { signature } : {}) };
  const update = spec.update as UpdateDefinition<TServiceRequestState, [object]>;
  try {
    return await handle.executeUpdate(update, { args: [{ ...decision.body, actor }] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw closed();
    throw error;
  }
}

/**
 * A staff decision must carry a fresh Ed25519 signature over its canonical message, made with a
 * key registered to the caller and not revoked. Checked before anything reaches the workflow.
 */
async function verifySignature(
  deps: TDeps,
  principal: TPrincipal,
  rn: string,
  action: string,
  body: Record<string, unknown>,
): Promise<TSignedDecision> {
  const now = clockOf(deps);
  const bad = (field: string, message: string, extensions?: Record<string, unknown>): never => {
    throw new DomainProblem(FailureType.InvalidInput, 'the decision is not properly signed', {
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
}
