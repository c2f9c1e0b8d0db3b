import { randomUUID } from 'node:crypto';
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import {
  closeRepairAction,
  listRepairActions,
  openRepairAction,
  retakeRepairAction,
  type TRepairActionRow,
} from '../db/repair-actions';
import { DomainProblem, FailureType, type TFieldError } from '../domain/failures';
import type { TPrincipal, TRole } from '../domain/roles';
import { SA } from '../domain/search-attributes';
import { assertRole } from './access';
import type { UseCaseDeps } from './deps';

/**
 * Repairing a stuck request or complaint (#17): what its workflow waits on (pending activities
 * and their last failure, a failing workflow task, timers), and the operator's actions on it —
 * retry an activity now, reset to the last good workflow task after a bad deploy, cancel,
 * terminate — one at a time or for a bulk selection. Every action is recorded in
 * `repair_actions` (who, role, office, what, why, dry run, outcome).
 */

export const REPAIR_ROLES = ['ops', 'admin'] as const satisfies readonly TRole[];
export const REPAIR_ACTIONS = ['retry', 'reset', 'cancel', 'terminate'] as const;
export type TRepairAction = (typeof REPAIR_ACTIONS)[number];
export const REASON_MAX = 500;
export const BULK_LIMIT_MAX = 500;
/** Workflows a bulk selection may name (workflows/index.ts). */
export const BULK_WORKFLOW_TYPES = [
  'serviceRequestWorkflow',
  'complaintWorkflow',
  'noticeWorkflow',
  'outageCampaignWorkflow',
  'bulkPaymentWorkflow',
  'housekeepingWorkflow',
] as const;
export type TBulkWorkflowType = (typeof BULK_WORKFLOW_TYPES)[number];

/** The workflows a Request Number names; its workflow id is the number itself. */
const REQUEST_WORKFLOWS: Record<string, string> = {
  serviceRequestWorkflow: 'service request',
  complaintWorkflow: 'complaint',
};

const { EventType, PendingActivityState, WorkflowTaskFailedCause, PendingWorkflowTaskState } =
  proto.temporal.api.enums.v1;

export type TPendingActivity = {
  activityId: string;
  type: string;
  /** scheduled (waiting for a worker or in backoff), started, cancel-requested, paused, pause-requested */
  state: string;
  paused: boolean;
  attempt: number;
  /** null: no limit */
  maximumAttempts: number | null;
  lastFailure: { message: string; type: string | null } | null;
  lastStartedAt: string | null;
  /** when the next attempt starts (in backoff); null while one runs */
  nextAttemptAt: string | null;
  lastWorker: string | null;
};

export type TWorkflowTaskFailure = { eventId: number; at: string; cause: string; message: string };

export type TRepairView = {
  requestNumber: string;
  workflowType: string;
  runId: string;
  /** Temporal's execution status, lower case: running, completed, failed, canceled, terminated, … */
  status: string;
  startedAt: string;
  closedAt: string | null;
  historyLength: number;
  /** Seva's custom search attributes (never PII: domain/search-attributes.ts) */
  searchAttributes: Record<string, string | number | null>;
  pendingActivities: TPendingActivity[];
  /** a workflow task waiting or running; attempt > 1 means it has been failing */
  pendingWorkflowTask: { state: string; attempt: number; scheduledAt: string | null } | null;
  /** the last WorkflowTaskFailed event of this run */
  lastWorkflowTaskFailure: TWorkflowTaskFailure | null;
  /** the first failing workflow task since the last good one: what `reset` goes back to */
  resetPoint: TWorkflowTaskFailure | null;
  timers: { timerId: string; firesAt: string }[];
};

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const enumName = (
  values: Record<string, string | number>,
  value: number | null | undefined,
  prefix: string,
) =>
  String(values[value ?? 0] ?? 'UNSPECIFIED')
    .replace(prefix, '')
    .toLowerCase()
    .replaceAll('_', '-');

/** The identity Temporal records beside each action (shown in the history and the UI). */
const identityOf = (principal: TPrincipal) => `seva-repair/${principal.subject}`;

function staffOf(principal: TPrincipal) {
  assertRole(principal, REPAIR_ROLES);
  if (principal.kind !== 'staff') throw new DomainProblem(FailureType.Forbidden, 'staff only');
  return principal;
}

function checkReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  const errors: TFieldError[] = [];
  if (!text) errors.push({ field: 'reason', message: 'required: say why (it is recorded)' });
  else if (text.length > REASON_MAX)
    errors.push({ field: 'reason', message: `at most ${REASON_MAX} characters` });
  if (errors.length) throw new DomainProblem(FailureType.InvalidInput, 'a reason is required', { errors });
  return text;
}

const notFound = () =>
  new DomainProblem(FailureType.NotFound, 'no service request or complaint with this number');

async function describeRequest(deps: Pick<UseCaseDeps, 'temporal'>, requestNumber: string) {
  const handle = deps.temporal.workflow.getHandle(requestNumber);
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) throw notFound();
    throw error;
  });
  if (!REQUEST_WORKFLOWS[description.type]) throw notFound();
  return { handle, description };
}

type THistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

function taskFailure(event: THistoryEvent): TWorkflowTaskFailure {
  const attrs = event.workflowTaskFailedEventAttributes;
  return {
    eventId: Number(event.eventId),
    at: iso(optionalTsToMs(event.eventTime)) ?? '',
    cause: enumName(WorkflowTaskFailedCause, attrs?.cause, 'WORKFLOW_TASK_FAILED_CAUSE_'),
    message: (attrs?.failure?.message ?? '').slice(0, 2000),
  };
}

/** What the history says: the workflow task failures, the reset point and the pending timers. */
export function readHistory(events: THistoryEvent[]) {
  let lastFailure: THistoryEvent | undefined;
  let firstSinceGood: THistoryEvent | undefined;
  const timers = new Map<string, number>();
  for (const event of events) {
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        firstSinceGood = undefined;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        lastFailure = event;
        firstSinceGood ??= event;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const a = event.timerStartedEventAttributes;
        const firesAt = (optionalTsToMs(event.eventTime) ?? 0) + (optionalTsToMs(a?.startToFireTimeout) ?? 0);
        if (a?.timerId) timers.set(a.timerId, firesAt);
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        timers.delete(event.timerFiredEventAttributes?.timerId ?? '');
        break;
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(event.timerCanceledEventAttributes?.timerId ?? '');
        break;
    }
  }
  return {
    lastWorkflowTaskFailure: lastFailure ? taskFailure(lastFailure) : null,
    resetPoint: firstSinceGood ? taskFailure(firstSinceGood) : null,
    timers: [...timers].map(([timerId, ms]) => ({ timerId, firesAt: new Date(ms).toISOString() })),
  };
}

function pendingActivities(description: WorkflowExecutionDescription): TPendingActivity[] {
  return (description.raw.pendingActivities ?? []).map((a) => ({
    activityId: a.activityId ?? '',
    type: a.activityType?.name ?? '',
    state: enumName(PendingActivityState, a.state, 'PENDING_ACTIVITY_STATE_'),
    paused: Boolean(a.paused),
    attempt: a.attempt ?? 1,
    maximumAttempts: a.maximumAttempts ? a.maximumAttempts : null,
    lastFailure: a.lastFailure
      ? {
          message: (a.lastFailure.message ?? '').slice(0, 2000),
          type: a.lastFailure.applicationFailureInfo?.type ?? null,
        }
      : null,
    lastStartedAt: iso(optionalTsToMs(a.lastStartedTime)),
    nextAttemptAt: iso(optionalTsToMs(a.nextAttemptScheduleTime)),
    lastWorker: a.lastWorkerIdentity || null,
  }));
}

function searchAttributesOf(description: WorkflowExecutionDescription) {
  const out: Record<string, string | number | null> = {};
  for (const key of Object.values(SA)) {
    const value: unknown = description.typedSearchAttributes.get(key);
    out[key.name] =
      value instanceof Date ? value.toISOString() : ((value as string | number | undefined) ?? null);
  }
  return out;
}

async function viewOf(
  handle: ReturnType<UseCaseDeps['temporal']['workflow']['getHandle']>,
  description: WorkflowExecutionDescription,
  requestNumber: string,
): Promise<TRepairView> {
  const history = await handle.fetchHistory();
  // A closed run keeps its last pending activities in Temporal's record, but nothing of it runs any more.
  const running = description.status.name === 'RUNNING';
  const wft = running ? description.raw.pendingWorkflowTask : undefined;
  const fromHistory = readHistory(history.events ?? []);
  return {
    requestNumber,
    workflowType: description.type,
    runId: description.runId,
    status: description.status.name.toLowerCase().replaceAll('_', '-'),
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    historyLength: description.historyLength,
    searchAttributes: searchAttributesOf(description),
    pendingActivities: running ? pendingActivities(description) : [],
    pendingWorkflowTask: wft
      ? {
          state: enumName(PendingWorkflowTaskState, wft.state, 'PENDING_WORKFLOW_TASK_STATE_'),
          attempt: wft.attempt ?? 1,
          scheduledAt: iso(optionalTsToMs(wft.scheduledTime)),
        }
      : null,
    ...fromHistory,
    ...(running ? {} : { resetPoint: null, timers: [] }),
  };
}

/** One request or complaint as its workflow stands, for an operator deciding what to do. */
export async function inspectRequest(
  deps: Pick<UseCaseDeps, 'temporal'>,
  principal: TPrincipal,
  input: { requestNumber: string },
): Promise<TRepairView> {
  staffOf(principal);
  const { handle, description } = await describeRequest(deps, input.requestNumber);
  return viewOf(handle, description, input.requestNumber);
}

export type TRepairRecord = {
  id: string;
  actor: { subject: string; role: string; officeId: string };
  action: TRepairAction;
  scope: 'one' | 'bulk';
  target: string;
  reason: string;
  dryRun: boolean;
  outcome: 'running' | 'done' | 'failed';
  result: Record<string, unknown>;
  batchJobId: string | null;
  at: string;
};

const record = (row: TRepairActionRow): TRepairRecord => ({
  id: row.id,
  actor: { subject: row.actorSubject, role: row.actorRole, officeId: row.actorOfficeId },
  action: row.action,
  scope: row.scope,
  target: row.target,
  reason: row.reason,
  dryRun: row.dryRun,
  outcome: row.outcome,
  result: row.result,
  batchJobId: row.batchJobId,
  at: row.createdAt.toISOString(),
});

/** Temporal's refusals as the caller's problem (the state changed, or the server is busy). */
function refusal(error: unknown): unknown {
  if (!isGrpcServiceError(error)) return error;
  const message = error.details || error.message;
  const code = Number(error.code);
  // 5 NOT_FOUND, 6 ALREADY_EXISTS, 9 FAILED_PRECONDITION, 3 INVALID_ARGUMENT
  if ([3, 5, 6, 9].includes(code)) return new DomainProblem(FailureType.Conflict, message);
  // 8 RESOURCE_EXHAUSTED: e.g. the namespace's concurrent batch operations
  if (code === 8) return new DomainProblem(FailureType.Unavailable, message);
  return error;
}

/** A row left `running` this long by a process that died is taken up again by a retry. */
const ABANDONED_AFTER_MS = 2 * 60_000;

/**
 * Runs one recorded action: the row first, then the action, then what came of it — done, or
 * failed with its message. A retry with an idempotency key already used returns that row's
 * outcome when it is done (acting once); one that failed, or was abandoned while running, is
 * acted on again under the same row (its id is the request id Temporal deduplicates on).
 */
async function recorded(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: Extract<TPrincipal, { kind: 'staff' }>,
  row: { action: TRepairAction; scope: 'one' | 'bulk'; target: string; reason: string; dryRun: boolean },
  requestKey: string | undefined,
  act: (id: string) => Promise<{ result: Record<string, unknown>; batchJobId?: string }>,
): Promise<{ record: TRepairRecord; replayed: boolean }> {
  const opened = await openRepairAction(deps.db, {
    id: randomUUID(),
    idempotencyKey: requestKey ?? null,
    actorSubject: principal.subject,
    actorRole: principal.role,
    actorOfficeId: principal.officeId,
    ...row,
  });
  if (opened.replayed) {
    const earlier = opened.row;
    if (earlier.action !== row.action || earlier.target !== row.target || earlier.dryRun !== row.dryRun)
      throw new DomainProblem(
        FailureType.Unprocessable,
        'this Idempotency-Key was used for another action; use a new key',
        { errors: [{ field: 'header.idempotency-key', message: 'used for another action' }] },
      );
    if (earlier.outcome === 'done') return { record: record(earlier), replayed: true };
    const retaken = await retakeRepairAction(deps.db, earlier.id, new Date(Date.now() - ABANDONED_AFTER_MS));
    if (!retaken)
      throw new DomainProblem(
        FailureType.Conflict,
        'this action is still running: ask again in a minute for what came of it',
      );
  }
  const id = opened.row.id;
  try {
    const { result, batchJobId } = await act(id);
    return {
      record: record(await closeRepairAction(deps.db, id, 'done', result, batchJobId)),
      replayed: opened.replayed,
    };
  } catch (error) {
    const problem = refusal(error);
    await closeRepairAction(deps.db, id, 'failed', {
      error: problem instanceof Error ? problem.message : String(problem),
    });
    throw problem;
  }
}

/** The first failing workflow task since the last good one, from the current run's history. */
async function resetPointOf(handle: ReturnType<UseCaseDeps['temporal']['workflow']['getHandle']>) {
  const history = await handle.fetchHistory();
  return readHistory(history.events ?? []).resetPoint;
}

/**
 * One action on one request or complaint:
 * - `retry`: the pending activity (`activityId`, else every one that has failed) runs now, its
 *   attempts counted from 1 and a pause lifted (WorkflowService.ResetActivity);
 * - `reset`: back to the first failing workflow task since the last good one (after a bad deploy,
 *   once the good code is deployed): a new run replays the history up to there, and later signals
 *   and updates are reapplied (the default reapply type);
 * - `cancel`: asks the workflow to cancel (it may clean up); `terminate`: ends it at once.
 */
export async function repairRequest(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  input: {
    requestNumber: string;
    action: TRepairAction;
    reason?: string;
    activityId?: string;
    /** the caller's Idempotency-Key, scoped to the caller */
    requestKey?: string;
  },
) {
  const staff = staffOf(principal);
  const reason = checkReason(input.reason);
  const { handle, description } = await describeRequest(deps, input.requestNumber);
  const namespace = deps.config.temporal.namespace;
  const identity = identityOf(staff);
  const execution = { workflowId: input.requestNumber, runId: description.runId };
  return recorded(
    deps,
    staff,
    { action: input.action, scope: 'one', target: input.requestNumber, reason, dryRun: false },
    input.requestKey,
    async (id) => {
      if (description.status.name !== 'RUNNING')
        throw new DomainProblem(
          FailureType.Conflict,
          `the workflow is ${description.status.name.toLowerCase()}: nothing to repair`,
        );
      switch (input.action) {
        case 'retry': {
          const pending = pendingActivities(description);
          const chosen = input.activityId
            ? pending.filter((a) => a.activityId === input.activityId)
            : pending.filter((a) => a.lastFailure || a.paused || a.attempt > 1);
          if (chosen.length === 0)
            throw new DomainProblem(
              FailureType.Conflict,
              input.activityId
                ? `no pending activity ${input.activityId}`
                : 'no pending activity has failed: nothing to retry',
              input.activityId ? { errors: [{ field: 'activityId', message: 'not pending' }] } : {},
            );
          for (const a of chosen)
            await deps.temporal.workflowService.resetActivity({
              namespace,
              execution,
              identity,
              id: a.activityId,
              resetHeartbeat: false,
              keepPaused: false,
            });
          return {
            result: {
              activities: chosen.map((a) => ({ activityId: a.activityId, type: a.type, attempt: a.attempt })),
            },
          };
        }
        case 'reset': {
          const point = await resetPointOf(handle);
          if (!point)
            throw new DomainProblem(
              FailureType.Conflict,
              'no workflow task has failed since the last good one: nothing to reset to',
            );
          const { runId } = await deps.temporal.workflowService.resetWorkflowExecution({
            namespace,
            workflowExecution: execution,
            reason: `${reason} (${identity})`,
            // an int64 field: protobufjs encodes a JS number as well as a Long
            workflowTaskFinishEventId: point.eventId as never,
            requestId: id,
          });
          return { result: { fromRunId: description.runId, runId, eventId: point.eventId } };
        }
        case 'cancel':
          await deps.temporal.workflowService.requestCancelWorkflowExecution({
            namespace,
            workflowExecution: execution,
            identity,
            requestId: id,
            reason,
          });
          return { result: { runId: description.runId } };
        case 'terminate':
          await deps.temporal.workflowService.terminateWorkflowExecution({
            namespace,
            workflowExecution: execution,
            identity,
            reason,
          });
          return { result: { runId: description.runId } };
      }
    },
  );
}

// ---------- bulk ----------

/** What a bulk action selects. Each value is checked against its grammar; no query text is passed on. */
export type TBulkSelection = {
  workflowType: TBulkWorkflowType;
  officeId?: string;
  requestStatus?: string;
  requestType?: string;
  /** only workflows with a pending activity of this type that has failed (read from each one) */
  failingActivityType?: string;
  /** only workflows whose workflow task is failing (attempt > 1) */
  workflowTaskFailing?: boolean;
  startedAfter?: string;
  startedBefore?: string;
};

const GRAMMAR: Record<string, RegExp> = {
  officeId: /^[a-z0-9][a-z0-9-]{0,63}$/,
  requestStatus: /^[a-z][a-z-]{0,39}$/,
  requestType: /^[a-z0-9][a-z0-9-]{0,63}$/,
  failingActivityType: /^[A-Za-z][A-Za-z0-9]{0,99}$/,
};

/** The visibility query for a selection, or the fields that break its grammar. */
export function visibilityQuery(selection: TBulkSelection): string {
  const errors: TFieldError[] = [];
  if (!BULK_WORKFLOW_TYPES.includes(selection.workflowType))
    errors.push({ field: 'selection.workflowType', message: `one of ${BULK_WORKFLOW_TYPES.join(', ')}` });
  for (const [field, pattern] of Object.entries(GRAMMAR)) {
    const value = selection[field as keyof TBulkSelection];
    if (value !== undefined && (typeof value !== 'string' || !pattern.test(value)))
      errors.push({ field: `selection.${field}`, message: `must match ${pattern.source}` });
  }
  const instant = (field: 'startedAfter' | 'startedBefore') => {
    const value = selection[field];
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
      errors.push({ field: `selection.${field}`, message: 'an ISO 8601 date-time' });
      return undefined;
    }
    return new Date(ms).toISOString();
  };
  const after = instant('startedAfter');
  const before = instant('startedBefore');
  if (errors.length) throw new DomainProblem(FailureType.InvalidInput, 'invalid selection', { errors });
  const terms = [`WorkflowType = '${selection.workflowType}'`, `ExecutionStatus = 'Running'`];
  if (selection.officeId) terms.push(`${SA.OfficeId.name} = '${selection.officeId}'`);
  if (selection.requestStatus) terms.push(`${SA.RequestStatus.name} = '${selection.requestStatus}'`);
  if (selection.requestType) terms.push(`${SA.RequestType.name} = '${selection.requestType}'`);
  if (after) terms.push(`StartTime > '${after}'`);
  if (before) terms.push(`StartTime < '${before}'`);
  return terms.join(' AND ');
}

export type TBulkMatch = { workflowId: string; runId: string; workflowType: string; startedAt: string };

/** Matching workflows, at most `limit`; those a filter must read are described one by one. */
async function matchSelection(
  deps: Pick<UseCaseDeps, 'temporal'>,
  selection: TBulkSelection,
  query: string,
  limit: number,
): Promise<{ matches: TBulkMatch[]; truncated: boolean; scanned: number }> {
  const needsDescribe = Boolean(selection.failingActivityType || selection.workflowTaskFailing);
  const scanCap = needsDescribe ? Math.min(limit * 10, 5000) : limit + 1;
  const matches: TBulkMatch[] = [];
  let scanned = 0;
  let truncated = false;
  for await (const wf of deps.temporal.workflow.list({ query, pageSize: 100 })) {
    if (scanned >= scanCap) {
      truncated = true;
      break;
    }
    scanned += 1;
    if (needsDescribe) {
      const d = await deps.temporal.workflow
        .getHandle(wf.workflowId, wf.runId)
        .describe()
        .catch(() => undefined);
      if (!d || d.status.name !== 'RUNNING') continue;
      if (selection.failingActivityType) {
        const failing = pendingActivities(d).some(
          (a) => a.type === selection.failingActivityType && (a.lastFailure || a.attempt > 1),
        );
        if (!failing) continue;
      }
      if (selection.workflowTaskFailing && !((d.raw.pendingWorkflowTask?.attempt ?? 1) > 1)) continue;
    }
    if (matches.length >= limit) {
      truncated = true;
      break;
    }
    matches.push({
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowType: wf.type,
      startedAt: wf.startTime.toISOString(),
    });
  }
  return { matches, truncated, scanned };
}

/**
 * The same actions for every running workflow a selection matches, at most `limit`. `dryRun`
 * answers the matches and does nothing else (it is recorded too). Otherwise the matches go to one
 * Temporal batch operation (its progress: `readRepairBatch`), the server's own rate limits apply,
 * and the list acted on is the one answered: workflows started later are not touched.
 * A bulk reset goes back to each one's last workflow task, so it needs `workflowTaskFailing`.
 */
export async function bulkRepair(
  deps: Pick<UseCaseDeps, 'db' | 'temporal' | 'config'>,
  principal: TPrincipal,
  input: {
    action: TRepairAction;
    selection: TBulkSelection;
    reason?: string;
    dryRun: boolean;
    limit: number;
    requestKey?: string;
  },
) {
  const staff = staffOf(principal);
  const reason = checkReason(input.reason);
  const query = visibilityQuery(input.selection);
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > BULK_LIMIT_MAX)
    throw new DomainProblem(FailureType.InvalidInput, 'invalid limit', {
      errors: [{ field: 'limit', message: `1 to ${BULK_LIMIT_MAX}` }],
    });
  if (input.action === 'reset' && !input.selection.workflowTaskFailing)
    throw new DomainProblem(FailureType.InvalidInput, 'a bulk reset is for workflows whose task is failing', {
      errors: [{ field: 'selection.workflowTaskFailing', message: 'must be true for a reset' }],
    });
  const namespace = deps.config.temporal.namespace;
  const identity = identityOf(staff);
  const target = input.selection.failingActivityType
    ? `${query} [failing activity ${input.selection.failingActivityType}]`
    : input.selection.workflowTaskFailing
      ? `${query} [workflow task failing]`
      : query;
  let matched: Awaited<ReturnType<typeof matchSelection>> | undefined;
  const outcome = await recorded(
    deps,
    staff,
    { action: input.action, scope: 'bulk', target, reason, dryRun: input.dryRun },
    input.requestKey,
    async (id) => {
      matched = await matchSelection(deps, input.selection, query, input.limit);
      const summary = {
        query,
        matched: matched.matches.length,
        truncated: matched.truncated,
        workflowIds: matched.matches.map((m) => m.workflowId).slice(0, 100),
      };
      if (input.dryRun || matched.matches.length === 0) return { result: summary };
      const jobId = `seva-repair-${id}`;
      const executions = matched.matches.map((m) => ({ workflowId: m.workflowId, runId: m.runId }));
      const type = input.selection.failingActivityType;
      const started = deps.temporal.workflowService.startBatchOperation({
        namespace,
        jobId,
        reason: `${reason} (${identity})`,
        executions,
        ...(input.action === 'retry'
          ? {
              resetActivitiesOperation: {
                identity,
                ...(type ? { type } : { matchAll: true }),
                resetAttempts: true,
              },
            }
          : input.action === 'reset'
            ? { resetOperation: { identity, options: { lastWorkflowTask: {} } } }
            : input.action === 'cancel'
              ? { cancellationOperation: { identity } }
              : { terminationOperation: { identity } }),
      });
      // A retry of an action whose answer was lost: the job its first try started stands.
      await started.catch((error: unknown) => {
        if (!(isGrpcServiceError(error) && Number(error.code) === 6)) throw error;
      });
      return { result: { ...summary, jobId }, batchJobId: jobId };
    },
  );
  return { ...outcome, matches: matched?.matches ?? [] };
}

export type TRepairBatch = {
  jobId: string;
  /** running, completed, failed */
  state: string;
  total: number;
  completed: number;
  failed: number;
  startedAt: string | null;
  closedAt: string | null;
  reason: string;
};

/** A bulk action's progress, from Temporal's batch operation. */
export async function readRepairBatch(
  deps: Pick<UseCaseDeps, 'temporal' | 'config'>,
  principal: TPrincipal,
  input: { jobId: string },
): Promise<TRepairBatch> {
  staffOf(principal);
  if (!/^seva-repair-[0-9a-f-]{36}$/.test(input.jobId))
    throw new DomainProblem(FailureType.NotFound, 'no repair batch with this id');
  const b = await deps.temporal.workflowService
    .describeBatchOperation({ namespace: deps.config.temporal.namespace, jobId: input.jobId })
    .catch((error: unknown) => {
      if (isGrpcServiceError(error) && Number(error.code) === 5)
        throw new DomainProblem(FailureType.NotFound, 'no repair batch with this id');
      throw error;
    });
  return {
    jobId: input.jobId,
    state: enumName(proto.temporal.api.enums.v1.BatchOperationState, b.state, 'BATCH_OPERATION_STATE_'),
    total: Number(b.totalOperationCount ?? 0),
    completed: Number(b.completeOperationCount ?? 0),
    failed: Number(b.failureOperationCount ?? 0),
    startedAt: iso(optionalTsToMs(b.startTime)),
    closedAt: iso(optionalTsToMs(b.closeTime)),
    reason: b.reason ?? '',
  };
}

/** The action log, newest first; `target` narrows it to one Request Number (or bulk selection). */
export async function listRepairLog(
  deps: Pick<UseCaseDeps, 'db'>,
  principal: TPrincipal,
  input: { target?: string; before?: Date; limit?: number },
): Promise<TRepairRecord[]> {
  staffOf(principal);
  const rows = await listRepairActions(deps.db, { ...input, limit: Math.min(input.limit ?? 50, 200) });
  return rows.map(record);
}
