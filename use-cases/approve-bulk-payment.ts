import { readBulkPayment } from '../db/bulk-payments';
import { approveBulkPaymentUpdate, BULK_APPROVER_ROLES } from '../domain/bulk-payments';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal } from '../domain/roles';
import { actorOf, assertOfficeAccess, assertRole } from './access';
import type { UseCaseDeps } from './deps';

export { BULK_APPROVER_ROLES };

/**
 * A CSC supervisor (or an admin) of the batch's office approves its posting: an Update whose
 * validator re-checks the role and refuses the uploader (four eyes). The update id is the
 * approver's, so a retried approval is the same Update; a second approval changes nothing.
 */
export async function approveBulkPayment(
  deps: Pick<UseCaseDeps, 'db' | 'temporal'>,
  principal: TPrincipal,
  { id }: { id: string },
) {
  assertRole(principal, BULK_APPROVER_ROLES);
  const batch = await readBulkPayment(deps.db, id);
  if (!batch) throw new DomainProblem(FailureType.NotFound, `no bulk payment ${id}`);
  await assertOfficeAccess(deps.db, principal, batch.officeId);
  return deps.temporal.workflow.getHandle(batch.workflowId).executeUpdate(approveBulkPaymentUpdate, {
    args: [{ actor: actorOf(principal) }],
    updateId: `approve/${principal.subject}`,
  });
}
