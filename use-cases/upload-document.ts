import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { assertConsumerAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';
import { documentIntakeOf, type TDocumentUpload } from './document-intake';

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
      errors: [{ field: idType ? 'idNumber' : 'idType', message: 'send idType and idNumber together' }],
    });
  }
  await assertConsumerAccess(deps.db, principal, consumerNumber);
  return documentIntakeOf(deps).store(principal.subject, upload);
}
