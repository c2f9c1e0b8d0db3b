import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { eq, sql } from 'drizzle-orm';
import { cachedComplaintType } from '../db/catalogue';
import type { Database } from '../db/client';
import { DESK_CHANNEL, recordIntakeContact } from '../db/inbound-contacts';
import { openComplaints, outageComplaints } from '../db/schema';
import { insertInboxRow, type TInboxStart } from '../db/workflow-inbox';
import type { TBusinessCalendar } from '../domain/calendar';
import { addBusinessTime, ALWAYS_OPEN, parseBusinessDuration } from '../domain/calendar';
import {
  complaintStatusQuery,
  reportAgainUpdate,
  type TChannelReply,
  type TComplaintInput,
  type TComplaintState,
  type TLinkedOutage,
} from '../domain/complaint';
import type { TChannel } from '../domain/consumer';
import type { TComplaintType } from '../domain/complaint-catalogue';
import { DomainProblem, FailureType } from '../domain/failures';
import { escalationOffices, profileCalendar } from '../domain/offices';
import type { TPrincipal } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import type { TActor } from '../domain/service-request';
import type { complaintWorkflow } from '../workflows/complaint';
import { actorOf, assertConsumerAccess, assertRole } from './access';
import { isUnreachable } from '../lib/unreachable';
import { startFromInbox, startInboxWorkflow, traceCarrier } from '../lib/workflow-relay';
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
  /**
   * A channel's written reply to the sender, made from the outcome: for a new complaint it goes
   * with the workflow, which sends it (retried until the provider takes it; the registration
   * notice goes instead if it never can), so the door waits for no gateway. A joined report's
   * reply is the caller's to send (`replyQueued` false).
   */
  reply?: (
    outcome: TComplaintOutcome,
    type: TComplaintType,
    account: TReporterAccount,
  ) => TChannelReply | undefined;
  /**
   * A channel report's sender (phone in E.164, e-mail address). When it is the account's own
   * contact, a written `reply` tells the consumer (`answeredInWriting` unless given).
   */
  sender?: { phone?: string; email?: string };
};

/** What the intake learnt of the account: its language, and whether the sender is its own contact. */
export type TReporterAccount = { language: string; own: boolean };

type TComplaintRequest = {
  typeCode: string;
  consumerNumber: string;
  channel: TChannel;
  description: string;
  actor: TActor;
  /** undefined: when a written reply goes to the account's own contact */
  answeredInWriting?: boolean;
  intakeKey?: string;
  reply?: TComplaintReport['reply'];
  sender?: TComplaintReport['sender'];
};
type TDeps = Pick<UseCaseDeps, 'db' | 'temporal' | 'config' | 'relay'>;

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
  /** the channel reply (TComplaintReport.reply) went with the workflow, which sends it */
  replyQueued?: boolean;
  /** this very report came before (the same intake key): the complaint as it stands */
  repeated?: boolean;
  account?: TReporterAccount;
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
  deps: TDeps & Pick<UseCaseDeps, 'now' | 'metrics'>,
  principal: TPrincipal,
  report: TComplaintReport,
): Promise<TComplaintOutcome> {
  const channel = report.channel ?? (principal.kind === 'staff' ? 'agent' : 'web');
  try {
    const outcome = await register(deps, principal, { ...report, channel });
    deps.metrics?.intake(channel, outcome.repeated ? 'retry' : outcome.joined ? 'join' : 'new');
    return outcome;
  } catch (error) {
    // refused: the caller's mistake or a rule (a DomainProblem); unavailable: Temporal or the
    // database did not answer in time (503, retried safely); failed: anything else
    deps.metrics?.intake(
      channel,
      error instanceof DomainProblem ? 'refused' : isUnreachable(error) ? 'unavailable' : 'failed',
    );
    throw error;
  }
}

async function register(
  deps: TDeps & Pick<UseCaseDeps, 'now'>,
  principal: TPrincipal,
  report: TComplaintReport & { channel: TChannel },
): Promise<TComplaintOutcome> {
  assertRole(principal, COMPLAINT_INTAKE_ROLES);
  // Staff are checked against the consumer's office here; a consumer's own numbers are in the
  // principal, and the intake's one call finds out whether the number exists.
  if (principal.kind === 'staff') await assertConsumerAccess(deps.db, principal, report.consumerNumber);
  else if (!principal.consumerNumbers.includes(report.consumerNumber))
    throw new DomainProblem(FailureType.Forbidden, 'this consumer number is not yours');
  const { channel } = report;
  const at = clockOf(deps)();
  return intake(
    deps,
    {
      typeCode: report.type,
      consumerNumber: report.consumerNumber,
      channel,
      description: report.description,
      actor: actorOf(principal),
      answeredInWriting: report.answeredInWriting ?? (report.reply ? undefined : false),
      intakeKey: report.intakeKey,
      reply: report.reply,
      sender: report.sender,
    },
    at,
    // The inbound-contact KPIs, in the intake's transaction: the desk counts its own; a retried
    // report counts the same row again (a no-op); a joined report is no new contact.
    channel === DESK_CHANNEL
      ? undefined
      : (tx, requestNumber) =>
          recordIntakeContact(tx, {
            channel,
            submittedBy: principal.subject,
            consumerNumber: report.consumerNumber,
            kind: 'complaint',
            requestNumber,
            at,
          }),
  );
}

type TIntakeRow = {
  outcome: 'new' | 'retry' | 'join' | 'no-consumer' | 'no-type' | 'stale-type';
  consumer_language: string | null;
  own_contact: boolean | null;
  request_number: string | null;
  office_id: string | null;
  office_path: string | null;
  calendar: TBusinessCalendar | null;
  outage_id: string | null;
  outage_area: string | null;
  outage_etr: string | Date | null;
  /** the answer kept with the inbox row, while the workflow waits there to be started */
  inbox_answer: TInboxAnswer | null;
};

/** What the door answered a new report, kept with its inbox row for a retry of it (no PII). */
type TInboxAnswer = Pick<TComplaintOutcome, 'status' | 'typeName' | 'dueAt' | 'outage' | 'replyQueued'>;

/** A statement runner: the pool, or the intake's transaction. */
type TExecutor = Pick<Database, 'execute' | 'insert'>;

/**
 * The door's one round trip (db/migrations/0019_complaint_intake.sql): the consumer, the type's
 * version, the number this report's key stands for, the open-complaint slot and the outage link,
 * in one short transaction. A type the catalogue has changed since this process read it is read
 * again, and the call made again.
 */
async function admit(
  tx: TExecutor,
  request: TComplaintRequest,
  at: Date,
  cached: Awaited<ReturnType<typeof cachedComplaintType>>,
  lastRound: boolean,
) {
  // With the answer of an inbox row still waiting for its start (a retry is answered from it).
  const [row] = await tx.execute<TIntakeRow>(sql`select i.*, w.answer as inbox_answer
      from seva_complaint_intake(
        ${request.intakeKey ?? null}, ${request.consumerNumber}, ${request.typeCode},
        ${cached?.version ?? -1}, ${cached?.type.outageLinkable ?? false}, ${at.toISOString()}::timestamptz,
        ${request.sender?.phone ?? null}, ${request.sender?.email ?? null}) i
      left join workflow_inbox w on w.workflow_id = i.request_number and i.outcome = 'retry'`);
  // The catalogue has moved on: read again outside the transaction, and come back.
  if (row!.outcome === 'stale-type' && !lastRound) return undefined;
  if (row!.outcome === 'no-type' || row!.outcome === 'stale-type' || !cached) {
    if (row!.outcome !== 'no-consumer')
      throw new DomainProblem(FailureType.InvalidInput, 'unknown complaint type', {
        errors: [
          {
            field: 'type',
            message: `unknown complaint type "${request.typeCode}"; see GET /v1/catalogue/complaint-types`,
          },
        ],
      });
  }
  if (row!.outcome === 'no-consumer')
    throw new DomainProblem(FailureType.ConsumerNotFound, `no consumer ${request.consumerNumber}`);
  const outage: TLinkedOutage | undefined = row!.outage_id
    ? { id: row!.outage_id, area: row!.outage_area!, etr: new Date(row!.outage_etr!).toISOString() }
    : undefined;
  const account = { language: row!.consumer_language ?? 'en', own: row!.own_contact ?? false };
  return { row: row!, type: cached!.type, outage, account };
}

type TRecord = (tx: TExecutor, requestNumber: string) => Promise<unknown>;

/**
 * The report in one short transaction: the intake's call (number, slot, outage link) and, for a
 * new complaint, its inbox row — the workflow's input and search attributes, sealed — and the
 * inbound contact. The sender is answered as soon as it commits; the relay (lib/workflow-relay.ts)
 * starts the workflow, id = the number. A retry of a report still in the inbox is answered from
 * its row; a join sends the Update to the open complaint (starting it from the inbox first).
 */
async function intake(
  deps: TDeps,
  request: TComplaintRequest,
  at: Date,
  record: TRecord | undefined,
  attempt = 0,
): Promise<TComplaintOutcome> {
  const { db } = deps;
  const { namespace } = deps.config.temporal;
  // Leased to this process's relay, which starts it from memory; without one, due at once for any.
  const leaseMs = deps.relay ? deps.config.intake.relay.leaseMs : 0;
  // Read before the transaction, never inside it: a transaction that waited for a second pool
  // connection would hold its own meanwhile, and a burst of them would hold the whole pool.
  let cached = await cachedComplaintType(db, request.typeCode);
  const decide = () =>
    db.transaction(async (tx) => {
      const admitted = await admit(tx, request, at, cached, round >= 2);
      if (!admitted) return undefined;
      const { row, account } = admitted;
      // A written reply to the account's own phone or e-mail tells the consumer (the IVR only speaks).
      const told = { ...request, answeredInWriting: request.answeredInWriting ?? account.own };
      if (row.outcome === 'join') return { ...admitted, request: told, prepared: undefined };
      const prepared = prepare(deps, told, admitted, at);
      const { requestNumber: _rn, joined: _joined, reopened: _reopened, ...kept } = prepared.answer;
      const answer: TInboxAnswer = { ...kept, replyQueued: prepared.replyQueued };
      // Sent together (postgres.js pipelines them on the transaction's connection): one round trip.
      await Promise.all([
        row.outcome === 'new'
          ? insertInboxRow(tx, deps.config.payloadCodec, namespace, { ...prepared.start, answer }, leaseMs)
          : undefined,
        record?.(tx, row.request_number!),
      ]);
      return { ...admitted, request: told, prepared };
    });
  let round = 0;
  let decided = await decide();
  for (; !decided; round++) {
    cached = await cachedComplaintType(db, request.typeCode, { fresh: true });
    decided = await decide();
  }
  const { row, outage, account, prepared } = decided;
  request = decided.request;
  const rn = row.request_number!;
  if (row.outcome === 'join') {
    const joined = await joinOpen(deps, request, rn, outage);
    if (joined) return { ...joined, account };
    // The open complaint has just closed (and its slot is now free): this report starts a new one.
    if (attempt < 2) return intake(deps, request, at, record, attempt + 1);
    throw new DomainProblem(
      FailureType.Conflict,
      'the earlier complaint has just closed; send this one again',
    );
  }
  const { answer, replyQueued, start } = prepared!;
  if (row.outcome === 'new') {
    deps.relay?.handOff(start);
    return { ...answer, replyQueued, account };
  }
  // A retry of this very report, still waiting in the inbox: what the first attempt answered.
  if (row.inbox_answer)
    return {
      requestNumber: rn,
      joined: false,
      reopened: false,
      ...row.inbox_answer,
      repeated: true,
      account,
    };
  return retryStarted(deps, rn, start, { ...answer, replyQueued, repeated: true, account });
}

/** The workflow's start and the answer to the sender, made from the intake's decision. */
function prepare(
  deps: TDeps,
  request: TComplaintRequest,
  { row, type, outage, account }: NonNullable<Awaited<ReturnType<typeof admit>>>,
  at: Date,
): { answer: TComplaintOutcome; replyQueued: boolean; start: TInboxStart } {
  const rn = row.request_number!;
  const calendar =
    type.calendar === '24x7' ? ALWAYS_OPEN : (row.calendar ?? profileCalendar(deps.config.profile));
  const path = row.office_path!;
  const answer = outcome(
    rn,
    {
      status: outage ? 'awaiting-restoration' : 'open',
      typeName: type.name,
      dueAt: addBusinessTime(at, parseBusinessDuration(type.tat), calendar).toISOString(),
      outage,
    },
    false,
  );
  const reply = request.reply?.({ ...answer, account }, type, account);
  const input: TComplaintInput = {
    requestNumber: rn,
    type,
    consumerNumber: request.consumerNumber,
    officeId: row.office_id!,
    officePath: path,
    calendar,
    channel: request.channel,
    description: request.description,
    submittedBy: request.actor.subject,
    submittedAt: at.toISOString(),
    escalationOffices: escalationOffices(path, type.escalation),
    ...(request.answeredInWriting ? { answeredInWriting: true } : {}),
    ...(reply ? { reply } : {}),
    emergency:
      type.priority === 'emergency'
        ? {
            deskOfficeId: path.split('/')[0]!,
            realertEveryMs: parseBusinessDuration(
              type.realertEvery ?? deps.config.complaints.emergencyRealertEvery,
            ),
          }
        : undefined,
    outage,
  };
  // The workflow id is the number: starting again (a retry) finds the run that a lost answer started.
  const start: TInboxStart = {
    workflowId: rn,
    workflowType: 'complaintWorkflow',
    taskQueue: deps.config.temporal.taskQueue,
    args: [input],
    trace: traceCarrier(),
    searchAttributes: {
      [SA.RequestNumber.name]: rn,
      [SA.ConsumerNumber.name]: request.consumerNumber,
      [SA.RequestType.name]: type.code,
      [SA.RequestKind.name]: 'complaint',
      [SA.OfficeId.name]: row.office_id!,
      [SA.RequestStatus.name]: outage ? 'awaiting-restoration' : 'open',
      [SA.Channel.name]: request.channel,
    },
  };
  return { answer, replyQueued: reply !== undefined, start };
}

/**
 * A retry of a report whose inbox row is gone: its workflow was started (answer with the complaint
 * as it stands, its due time then, not now) — or, for a number reserved before the inbox existed by
 * a process that died before its start, not yet: start it now.
 */
async function retryStarted(
  deps: TDeps,
  rn: string,
  start: TInboxStart,
  answer: TComplaintOutcome,
): Promise<TComplaintOutcome> {
  try {
    await startInboxWorkflow(deps, start);
  } catch (error) {
    // Temporal or the database did not answer: the workflow may have started. Nothing is undone;
    // the retry (same intake key) comes back to this number and finds or starts the run.
    if (!isUnreachable(error)) {
      await deps.db.delete(outageComplaints).where(eq(outageComplaints.requestNumber, rn));
      await deps.db.delete(openComplaints).where(eq(openComplaints.requestNumber, rn));
    }
    throw error;
  }
  const state = await withinDeadline(deps, () =>
    deps.temporal.workflow.getHandle<typeof complaintWorkflow>(rn).query(complaintStatusQuery),
  ).catch(() => undefined);
  if (!state) return answer;
  const { replyQueued, repeated, account } = answer;
  return { ...outcome(rn, state, false), replyQueued, repeated, account };
}

/**
 * A second report of an open complaint of the same type: the consumer gets the existing RN.
 * Answers undefined when that complaint has closed meanwhile; its slot is then freed.
 */
async function joinOpen(
  deps: Pick<TDeps, 'db' | 'temporal' | 'config'>,
  request: TComplaintRequest,
  requestNumber: string,
  outage: TLinkedOutage | undefined,
  fromInbox = false,
): Promise<TComplaintOutcome | undefined> {
  const open = { requestNumber };
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
    // Not found may be "not started yet": the complaint still waits in the inbox. Start it from
    // there (or the relay has just started it and deleted its row), then report to it once more.
    if (error instanceof WorkflowNotFoundError && !fromInbox) {
      await startFromInbox(deps, open.requestNumber);
      return joinOpen(deps, request, requestNumber, outage, true);
    }
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
