import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, inArray, like, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { consumers, offices } from '../db/schema';
import { DomainProblem, FailureType } from '../domain/failures';
import { UNSCOPED_ROLES, type TPrincipal, type TRole } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TActor } from '../domain/service-request';

/**
 * Who may do what: the rules every caller (the JSON API, the pages) goes through, because the use
 * cases call them. They throw `DomainProblem`s.
 */

/** The caller's role is one of `roles`. */
export function assertRole(principal: TPrincipal, roles: readonly TRole[]): void {
  if (!roles.includes(principal.role))
    throw new DomainProblem(
      FailureType.Forbidden,
      `role "${principal.role}" may not call this; allowed: ${roles.join(', ')}`,
    );
}

/** The actor a workflow Update receives: who the caller is, as the workflow re-checks it. */
export const actorOf = (p: TPrincipal): TActor =>
  p.kind === 'consumer'
    ? { subject: p.subject, role: p.role, consumerNumbers: p.consumerNumbers }
    : { subject: p.subject, role: p.role, officeId: p.officeId };

/** Is `targetOfficeId` the staff member's office or one of its sub-offices? Uses the materialised path. */
export async function officeWithinScope(
  db: Database,
  staffOfficeId: string,
  targetOfficeId: string,
): Promise<boolean> {
  if (staffOfficeId === targetOfficeId) return true;
  const rows = await db
    .select({ id: offices.id, path: offices.path })
    .from(offices)
    .where(inArray(offices.id, [staffOfficeId, targetOfficeId]));
  const staff = rows.find((r) => r.id === staffOfficeId);
  const target = rows.find((r) => r.id === targetOfficeId);
  return Boolean(staff && target && target.path.startsWith(`${staff.path}/`));
}

/** Staff: the office scope rule. Unscoped roles (ops, admin) see every office. */
export async function assertOfficeAccess(
  db: Database,
  principal: TPrincipal,
  officeId: string,
): Promise<void> {
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  if (UNSCOPED_ROLES.has(principal.role)) return;
  if (!(await officeWithinScope(db, principal.officeId, officeId))) {
    throw new DomainProblem(
      FailureType.Forbidden,
      `office ${officeId} is outside your office ${principal.officeId}`,
    );
  }
}

/**
 * A consumer acts only on their own consumer numbers; staff only on consumers of their offices.
 * Returns the consumer's section office. Unknown numbers are 404 for staff, 403 for consumers
 * (a consumer cannot probe which numbers exist).
 */
export async function assertConsumerAccess(
  db: Database,
  principal: TPrincipal,
  consumerNumber: string,
): Promise<string> {
  if (principal.kind === 'consumer' && !principal.consumerNumbers.includes(consumerNumber)) {
    throw new DomainProblem(FailureType.Forbidden, 'this consumer number is not yours');
  }
  const [row] = await db
    .select({ sectionOfficeId: consumers.sectionOfficeId })
    .from(consumers)
    .where(eq(consumers.consumerNumber, consumerNumber));
  if (!row) throw new DomainProblem(FailureType.ConsumerNotFound, `no consumer ${consumerNumber}`);
  if (principal.kind === 'staff') await assertOfficeAccess(db, principal, row.sectionOfficeId);
  return row.sectionOfficeId;
}

/**
 * The office a work queue is asked for (the caller's own by default), checked against the caller's
 * scope; `within` selects the ids of that office and its sub-offices, for use in a query.
 * Undefined: an unscoped role (ops, admin) asked for no office, and sees them all.
 */
export async function queueScope(
  db: Database,
  principal: TPrincipal,
  requested: string | undefined,
): Promise<{ officeId: string; within: ReturnType<typeof officesWithin> } | undefined> {
  // Head-office roles see every office unless they ask for one.
  if (!requested && UNSCOPED_ROLES.has(principal.role)) return undefined;
  const officeId = requested ?? (principal.kind === 'staff' ? principal.officeId : undefined);
  if (!officeId)
    throw new DomainProblem(FailureType.InvalidInput, 'pass officeId', {
      errors: [{ field: 'query.officeId', message: 'required' }],
    });
  const [office] = await db.select().from(offices).where(eq(offices.id, officeId));
  if (!office) throw new DomainProblem(FailureType.OfficeNotFound, `no office ${officeId}`);
  await assertOfficeAccess(db, principal, officeId);
  return { officeId, within: officesWithin(db, office.path) };
}

const officesWithin = (db: Database, path: string) =>
  db
    .select({ id: offices.id })
    .from(offices)
    .where(or(eq(offices.path, path), like(offices.path, `${path}/%`)));

/**
 * A request's or complaint's workflow, if the caller may see it: who it belongs to comes from its
 * search attributes, then the caller's scope applies. Access is checked before anything else is
 * looked at, and a consumer gets one answer for "not yours" and "no such number" — the numbers of
 * other consumers cannot be told from missing ones. Staff are told it is another office's, so they
 * can send the caller there.
 */
export async function authoriseWorkflow<H extends WorkflowHandle>(
  db: Database,
  principal: TPrincipal,
  handle: H,
  expected: {
    workflowType: string;
    noun: string;
    /** starts the workflow if it is promised and not started yet (the workflow inbox) */
    startPromised?: () => Promise<boolean>;
  },
): Promise<{ handle: H; running: boolean; consumerNumber: string }> {
  const notVisible = () =>
    new DomainProblem(FailureType.NotFound, `no ${expected.noun} with this number that you may see`);
  const describe = (again: boolean): ReturnType<H['describe']> =>
    handle.describe().catch(async (error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Right after its report was answered the workflow may still wait in the inbox (or its relay
      // has just started it): start it from there, and look once more.
      if (!again && expected.startPromised) {
        await expected.startPromised();
        return describe(true);
      }
      throw notVisible();
    }) as ReturnType<H['describe']>;
  const description = await describe(false);
  const consumerNumber = description.typedSearchAttributes.get(SA.ConsumerNumber);
  if (description.type !== expected.workflowType || !consumerNumber) throw notVisible();
  await assertConsumerAccess(db, principal, consumerNumber).catch((error: unknown) => {
    const refused =
      DomainProblem.is(error, FailureType.Forbidden) || DomainProblem.is(error, FailureType.ConsumerNotFound);
    if (principal.kind === 'consumer' && refused) throw notVisible();
    throw error;
  });
  return { handle, running: description.status.name === 'RUNNING', consumerNumber };
}
