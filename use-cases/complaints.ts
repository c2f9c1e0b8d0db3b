import type { TPrincipal } from '../domain/roles';
import type { complaintWorkflow } from '../workflows/complaint';
import { authoriseWorkflow } from './access';
import type { UseCaseDeps } from './deps';

/** The complaint's workflow, if the caller may see it (else `NotFound` / `Forbidden`). */
export const authoriseComplaint = (
  deps: Pick<UseCaseDeps, 'db' | 'temporal'>,
  principal: TPrincipal,
  rn: string,
) =>
  authoriseWorkflow(deps.db, principal, deps.temporal.workflow.getHandle<typeof complaintWorkflow>(rn), {
    workflowType: 'complaintWorkflow',
    noun: 'complaint',
  });
