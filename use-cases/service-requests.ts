import { inArray } from 'drizzle-orm';
import { documents } from '../db/schema';
import type { TDocumentKind } from '../domain/catalogue';
import type { TFieldError } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { statusQuery, type TServiceRequestState } from '../domain/service-request';
import type { serviceRequestWorkflow } from '../workflows/service-request';
import { startFromInbox } from '../lib/workflow-relay';
import { authoriseWorkflow } from './access';
import type { UseCaseDeps } from './deps';
import type { TJudgedDocument } from './document-intake';

/** Shared by the service-request use cases. */

export const serviceRequestHandle = (deps: Pick<UseCaseDeps, 'temporal'>, rn: string) =>
  deps.temporal.workflow.getHandle<typeof serviceRequestWorkflow>(rn);

/** The request's workflow, if the caller may see it (else `NotFound` / `Forbidden`). */
export const authoriseServiceRequest = (
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  rn: string,
) =>
  authoriseWorkflow(deps.db, principal, serviceRequestHandle(deps, rn), {
    workflowType: 'serviceRequestWorkflow',
    noun: 'service request',
    // right after its submission was answered it may still wait in the workflow inbox
    startPromised: () => startFromInbox(deps, rn),
  });

/** The request as it stands: live while its workflow runs, the final record once closed. */
export async function readServiceRequest(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  rn: string,
): Promise<TServiceRequestState> {
  const { handle, running } = await authoriseServiceRequest(deps, principal, rn);
  return running ? handle.query(statusQuery) : handle.result();
}

/**
 * Each cited document is stored, this consumer's, and was uploaded as the kind cited; `pending`
 * are the parts of a multipart submission, judged but stored only with the request. Also
 * returns every kind the cited documents serve: one Aadhaar covers identity and address.
 */
export async function checkDocuments(
  deps: Pick<UseCaseDeps, 'db'>,
  refs: { documentId: string; kind: string }[],
  consumerNumber: string,
  pending: TJudgedDocument[] = [],
) {
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
  const errors = refs.flatMap((d, i): TFieldError[] => {
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
}
