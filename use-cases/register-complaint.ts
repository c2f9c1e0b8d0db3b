import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import { findComplaintType } from '../db/catalogue';
import { currentOutageFor } from '../db/outages';
import { allocateRequestNumber, reserveRequestNumber } from '../db/request-numbers';
import { consumers, intakeKeys, offices, openComplaints, outageComplaints } from '../db/schema';
import { addBusinessTime, ALWAYS_OPEN, parseBusinessDuration } from '../domain/calendar';
import {
  complaintStatusQuery,
  reportAgainUpdate,
  type TComplaintInput,
  type TComplaintState,
  type TLinkedOutage,
} from '../domain/complaint';
import type { TChannel } from '../domain/consumer';
import { DomainProblem, FailureType } from '../domain/failures';
import { escalationOffices, profileCalendar } from '../domain/offices';
import type { TPrincipal } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TActor } from '../domain/service-request';
import type { complaintWorkflow } from '../workflows/complaint';
import { actorOf, assertConsumerAccess, assertRole } from './access';
import { isUnreachable } from '../lib/unreachable';
import { clockOf, withinDeadline, type UseCaseDeps } from './deps';

export const COMPLAINT_INTAKE_ROLES = [
  'consumer',
  'agent',
  'executive',
  'supervisor',
  'csc',
  'admin',
] as const;

/** A complaint as reported (ZComplaintIntake). */
export type TComplaintReport = {
  type: string;
  consumerNumber: string;
  /** where it was reported; defaults to web for consumers, agent for staff */
  channel?: TChannel;
  description: string;
  /**
   * The caller answers the report in writing to the consumer's own registered contact (a channel
   * reply by SMS, WhatsApp or e-mail) with the number, due time or ETR: the workflow then does not
   * send the same again as a notice, so the consumer hears it once.
   */
  answeredInWriting?: boolean;
  /**
   * The report's own identity (a provider's message id, a caller's Idempotency-Key): every retry of
   * it — after a timeout, a 503, a crash — comes to the same complaint, and joins an open one once.
   */
  intakeKey?: string;
};

type TComplaintRequest = {
  typeCode: string;
  consumerNumber: string;
  channel: TChannel;
  description: string;
  actor: TActor;
  answeredInWriting: boolean;
  intakeKey?: string;
};
type TDeps = Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>;

export type TComplaintOutcome = {
  requestNumber: string;
  joined: boolean;
  /** the report reopened a resolved complaint of the same type */
  reopened: boolean;
  status: string;
  typeName: string;
  /** the turnaround deadline, while field work is pending */
  dueAt: string | null;
  /** set when a no-power complaint is answered by a known outage */
  outage: { id: string; area: string; etr: string } | null;
};

const outcome = (
  rn: string,
  state: Pick<TComplaintState, 'status' | 'typeName' | 'dueAt' | 'outage'> & {
    timeline?: TComplaintState['timeline'];
  },
  joined: boolean,
): TComplaintOutcome => ({
  requestNumber: rn,
  joined,
  reopened: joined && state.timeline?.at(-1)?.event === 'reopened',
  status: state.status,
  typeName: state.typeName,
  dueAt: state.status === 'open' || state.status === 'assigned' ? state.dueAt : null,
  outage:
    state.outage && !state.outage.unlinkedAt && !state.outage.restoredAt
      ? { id: state.outage.id, area: state.outage.area, etr: state.outage.etr }
      : null,
});

/**
 * Register a complaint: the one intake path behind every channel (portal, agent, SMS, WhatsApp,
 * IVR, e-mail — a channel message acts as the consumer it names). Checks the caller may act for
 * the consumer, the type and the consumer, joins an open complaint of the same type, links a
 * no-power complaint to a current outage, and starts the workflow. Throws a DomainProblem naming
 * the field at fault (`Conflict`: the open complaint it would join has just closed; send it
 * again); on any failure nothing stays behind (no slot, no link, no workflow).
 */
export async function registerComplaint(
  deps: TDeps & Pick<UseCaseDeps, 'now'>,
  principal: TPrincipal,
  report: TComplaintReport,
): Promise<TComplaintOutcome> {
  assertRole(principal, COMPLAINT_INTAKE_ROLES);
  await assertConsumerAccess(deps.db, principal, report.consumerNumber);
  return intake(
    deps,
    {
      typeCode: report.type,
      consumerNumber: report.consumerNumber,
      channel: report.channel ?? (principal.kind === 'staff' ? 'agent' : 'web'),
      description: report.description,
      actor: actorOf(principal),
      answeredInWriting: report.answeredInWriting ?? false,
      intakeKey: report.intakeKey,
    },
    clockOf(deps)(),
  );
}

async function intake(
  deps: TDeps,
  request: TComplaintRequest,
  at: Date,
  attempt = 0,
): Promise<TComplaintOutcome> {
  const { db } = deps;
  const type = await findComplaintType(db, request.typeCode);
  if (!type)
    throw new DomainProblem(FailureType.InvalidInput, 'unknown complaint type', {
      errors: [
        {
          field: 'type',
          message: `unknown complaint type "${request.typeCode}"; see GET /v1/catalogue/complaint-types`,
        },
      ],
    });
  const [consumer] = await db
    .select({ officeId: consumers.sectionOfficeId, path: offices.path, calendar: offices.calendar })
    .from(consumers)
    .innerJoin(offices, eq(offices.id, consumers.sectionOfficeId))
    .where(eq(consumers.consumerNumber, request.consumerNumber));
  if (!consumer)
    throw new DomainProblem(FailureType.ConsumerNotFound, `no consumer ${request.consumerNumber}`, {
      errors: [{ field: 'consumerNumber', message: 'no such consumer number' }],
    });

  // This report came before (a retry): the number it was given, whether or not its workflow started.
  // One look: the number this report was given before (a retry), and who holds the slot.
  const [{ reserved, held } = { reserved: null, held: null }] = await db.execute<{
    reserved: string | null;
    held: string | null;
  }>(sql`select
      (select ${intakeKeys.requestNumber} from ${intakeKeys} where ${intakeKeys.key} = ${request.intakeKey ?? ''}) as reserved,
      (select ${openComplaints.requestNumber} from ${openComplaints}
        where ${openComplaints.consumerNumber} = ${request.consumerNumber} and ${openComplaints.typeCode} = ${type.code}) as held`);
  const join = async () => {
    const outage = type.outageLinkable ? await currentOutageFor(db, request.consumerNumber, at) : undefined;
    const joined = await joinOpen(
      deps,
      request,
      type.code,
      outage && { id: outage.id, area: outage.area, etr: outage.etr.toISOString() },
    );
    if (joined) return joined;
    // The open complaint has just closed (and its slot is now free): this report starts a new one.
    if (attempt < 2) return intake(deps, request, at, attempt + 1);
    throw new DomainProblem(
      FailureType.Conflict,
      'the earlier complaint has just closed; send this one again',
    );
  };
  // A repeat of an open complaint joins it without using up a Request Number.
  if (held && held !== reserved) return join();

  const rn =
    held ??
    reserved ??
    (request.intakeKey
      ? (await reserveRequestNumber(db, request.intakeKey, 'CR', at, { known: false })).requestNumber
      : await allocateRequestNumber(db, 'CR', at));
  if (!held) {
    const [taken] = await db
      .insert(openComplaints)
      .values({ consumerNumber: request.consumerNumber, typeCode: type.code, requestNumber: rn })
      .onConflictDoNothing()
      .returning({ rn: openComplaints.requestNumber });
    // Another report of the same took the slot first: this one joins it.
    if (!taken) return join();
  }

  const release = async () => {
    await db.delete(outageComplaints).where(eq(outageComplaints.requestNumber, rn));
    await db.delete(openComplaints).where(eq(openComplaints.requestNumber, rn));
  };
  try {
    const outage = type.outageLinkable ? await currentOutageFor(db, request.consumerNumber, at) : undefined;
    // The link is written before the workflow starts, so a restoration from now on finds it.
    if (outage)
      await db
        .insert(outageComplaints)
        .values({ outageId: outage.id, requestNumber: rn, consumerNumber: request.consumerNumber })
        .onConflictDoNothing();
    const input: TComplaintInput = {
      requestNumber: rn,
      type,
      consumerNumber: request.consumerNumber,
      officeId: consumer.officeId,
      officePath: consumer.path,
      calendar: type.calendar === '24x7' ? ALWAYS_OPEN : (consumer.calendar ?? profileCalendar(deps.config.profile)),
      channel: request.channel,
      description: request.description,
      submittedBy: request.actor.subject,
      submittedAt: at.toISOString(),
      escalationOffices: escalationOffices(consumer.path, type.escalation),
      ...(request.answeredInWriting ? { answeredInWriting: true } : {}),
      emergency:
        type.priority === 'emergency'
          ? {
              deskOfficeId: consumer.path.split('/')[0]!,
              realertEveryMs: parseBusinessDuration(
                type.realertEvery ?? deps.config.complaints.emergencyRealertEvery,
              ),
            }
          : undefined,
      outage: outage ? { id: outage.id, area: outage.area, etr: outage.etr.toISOString() } : undefined,
    };
    // The workflow id is the number: starting again (a retry) finds the run that a lost answer started.
    await withinDeadline(deps, () =>
      deps.temporal.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
        workflowId: rn,
        taskQueue: deps.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: SA.RequestNumber, value: rn },
          { key: SA.ConsumerNumber, value: request.consumerNumber },
          { key: SA.RequestType, value: type.code },
          { key: SA.RequestKind, value: 'complaint' },
          { key: SA.OfficeId, value: consumer.officeId },
          { key: SA.RequestStatus, value: outage ? 'awaiting-restoration' : 'open' },
          { key: SA.Channel, value: request.channel },
        ],
      }),
    ).catch((error: unknown) => {
      // Started by the attempt whose answer was lost, and closed since: it exists, which is the point.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    });
    // A retry of this very report: answer with the complaint as it stands (its due time then, not now).
    if (held && held === reserved) {
      const state = await withinDeadline(deps, () =>
        deps.temporal.workflow.getHandle<typeof complaintWorkflow>(rn).query(complaintStatusQuery),
      ).catch(() => undefined);
      if (state) return outcome(rn, state, false);
    }
    return outcome(
      rn,
      {
        status: outage ? 'awaiting-restoration' : 'open',
        typeName: type.name,
        dueAt: addBusinessTime(at, parseBusinessDuration(type.tat), input.calendar).toISOString(),
        outage: input.outage,
      },
      false,
    );
  } catch (error) {
    // Temporal or the database did not answer: the workflow may have started. Nothing is undone;
    // the retry (same intake key) comes back to this number and finds or starts the run.
    if (!isUnreachable(error)) await release();
    throw error;
  }
}

/**
 * A second report of an open complaint of the same type: the consumer gets the existing RN.
 * Answers undefined when that complaint has closed meanwhile; its slot is then freed.
 */
async function joinOpen(
  deps: Pick<TDeps, 'db' | 'temporal' | 'config'>,
  request: TComplaintRequest,
  typeCode: string,
  outage: TLinkedOutage | undefined,
): Promise<TComplaintOutcome | undefined> {
  const [open] = await deps.db
    .select()
    .from(openComplaints)
    .where(
      and(eq(openComplaints.consumerNumber, request.consumerNumber), eq(openComplaints.typeCode, typeCode)),
    );
  if (!open) return undefined;
  // Written before the Update, so a restoration from now on finds it (the workflow may decline to link).
  if (outage)
    await deps.db
      .insert(outageComplaints)
      .values({
        outageId: outage.id,
        requestNumber: open.requestNumber,
        consumerNumber: request.consumerNumber,
      })
      .onConflictDoNothing();
  try {
    const state = await withinDeadline(deps, () =>
      deps.temporal.workflow
        .getHandle<typeof complaintWorkflow>(open.requestNumber)
        .executeUpdate(reportAgainUpdate, {
          // One report is one Update: a retry of it gets the first result back instead of a second report.
          ...(request.intakeKey ? { updateId: `report/${request.intakeKey}` } : {}),
          args: [
            {
              channel: request.channel,
              actor: request.actor,
              outage,
              ...(request.answeredInWriting ? { answeredInWriting: true } : {}),
            },
          ],
        }),
    );
    return outcome(open.requestNumber, state, true);
  } catch (error) {
    const closed =
      error instanceof WorkflowNotFoundError ||
      (error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === FailureType.Conflict);
    if (!closed) throw error;
    // Only this complaint's own slot is freed: the workflow releases the same row when it ends.
    await deps.db.delete(openComplaints).where(eq(openComplaints.requestNumber, open.requestNumber));
    return undefined;
  }
}
