import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import {
  acknowledgeUpdate,
  assignCrewUpdate,
  confirmUpdate,
  resolveUpdate,
  type TComplaintState,
  type ZAcknowledge,
  type ZAssignCrew,
  type ZConfirm,
  type ZResolve,
} from '../domain/complaint';
import { DomainProblem, FailureType } from '../domain/failures';
import type { TPrincipal, TRole } from '../domain/roles';
import { actorOf, assertRole } from './access';
import { authoriseComplaint } from './complaints';
import type { UseCaseDeps } from './deps';

const FIELD_STAFF = ['executive', 'supervisor', 'admin'] as const;

/** Every action on a running complaint and who may take it. */
export const COMPLAINT_ACTIONS = {
  'assign-crew': { roles: FIELD_STAFF, update: assignCrewUpdate },
  resolve: { roles: FIELD_STAFF, update: resolveUpdate },
  confirm: { roles: ['consumer', 'agent'], update: confirmUpdate },
  acknowledge: { roles: ['executive', 'supervisor', 'dispatcher', 'admin'], update: acknowledgeUpdate },
} as const satisfies Record<string, { roles: readonly TRole[]; update: unknown }>;

export type TComplaintActionName = keyof typeof COMPLAINT_ACTIONS;

/** One action on a complaint: its name and body (as parsed by the action's schema). */
export type TComplaintAction =
  | { action: 'assign-crew'; body: z.infer<typeof ZAssignCrew> }
  | { action: 'resolve'; body: z.infer<typeof ZResolve> }
  | { action: 'confirm'; body: z.infer<typeof ZConfirm> }
  | { action: 'acknowledge'; body: z.infer<typeof ZAcknowledge> };

/**
 * Act on a complaint: send a crew, record the resolution, confirm it (or reopen it), or take
 * charge of an emergency. Sent to the workflow as an Update, whose validator re-checks role,
 * office and state; answers the complaint as it now stands.
 */
export async function actOnComplaint(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  { requestNumber, action, body }: { requestNumber: string } & TComplaintAction,
): Promise<TComplaintState> {
  const spec = COMPLAINT_ACTIONS[action];
  assertRole(principal, spec.roles);
  const { handle, running } = await authoriseComplaint(deps, principal, requestNumber);
  if (!running) throw new DomainProblem(FailureType.Conflict, `complaint ${requestNumber} is closed`);
  const update = spec.update as UpdateDefinition<TComplaintState, [object]>;
  return handle.executeUpdate(update, { args: [{ ...body, actor: actorOf(principal) }] });
}
