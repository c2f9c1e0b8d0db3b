import { complaintStatusQuery, type TComplaintState } from '../domain/complaint';
import type { TPrincipal } from '../domain/roles';
import type { complaintWorkflow } from '../workflows/complaint';
import { startFromInbox } from '../lib/workflow-relay';
import { authoriseWorkflow } from './access';
import type { UseCaseDeps } from './deps';

/** The complaint's workflow, if the caller may see it (else `NotFound` / `Forbidden`). */
export const authoriseComplaint = (
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  rn: string,
) =>
  authoriseWorkflow(deps.db, principal, deps.temporal.workflow.getHandle<typeof complaintWorkflow>(rn), {
    workflowType: 'complaintWorkflow',
    noun: 'complaint',
    startPromised: () => startFromInbox(deps, rn),
  });

/** The complaint as it stands: live while its workflow runs, the final record once closed. */
export async function readComplaint(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  rn: string,
): Promise<TComplaintState> {
  const { handle, running } = await authoriseComplaint(deps, principal, rn);
  return running ? handle.query(complaintStatusQuery) : handle.result();
}
