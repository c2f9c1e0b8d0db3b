import { ZDocumentKind } from '../domain/catalogue';
import { ZConsumerNumber } from '../domain/consumer';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';
import { documentIntakeOf, ZDocumentFields, type TDocumentUpload } from './document-intake';

const ZUploadFields = ZDocumentFields.extend({ consumerNumber: ZConsumerNumber, kind: ZDocumentKind });

/**
 * The fields of an upload as a form sends them (POST /v1/documents, the portal's pages): an
 * unfilled field is an empty string, the same as leaving it out; spaces and dashes in a mobile
 * number are ignored.
 */
export const readUploadFields = (body: Record<string, unknown>) =>
  ZUploadFields.safeParse({
    consumerNumber: body.consumerNumber,
    kind: body.kind,
    idType: body.idType || undefined,
    idNumber: body.idNumber || undefined,
    shareCode: body.shareCode || undefined,
    mobile: typeof body.mobile === 'string' ? body.mobile.replace(/[\s-]/g, '') || undefined : undefined,
    email: body.email || undefined,
  });

export const DOCUMENT_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'admin'] as const;

/**
 * Upload a KYC or proof document for a consumer: judged by its content and stored once per
 * consumer and file (the same file again adds its kind). `created` is false when it was stored
 * before.
 */
export async function uploadDocument(
  deps: Pick<UseCaseDeps, 'db' | 'config' | 'contentPool' | 'ekycTrustAnchorsPem'>,
  principal: TPrincipal,
  upload: TDocumentUpload,
) {
  assertRole(principal, DOCUMENT_ROLES);
  const { consumerNumber, idType, idNumber } = upload;
  if (Boolean(idType) !== Boolean(idNumber)) {
    throw new DomainProblem(FailureType.InvalidInput, 'idType and idNumber go together', {
      errors: [
        {
          field: idType ? 'idNumber' : 'idType',
          message: 'send idType and idNumber together',
          code: 'id-incomplete',
        },
      ],
    });
  }
  await assertConsumerAccess(deps.db, principal, consumerNumber);
  return documentIntakeOf(deps).store(principal.subject, upload);
}
