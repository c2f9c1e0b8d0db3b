import { z } from '@hono/zod-openapi';
import { ZRequestNumber } from '../../domain/request-number';
import {
  BULK_LIMIT_MAX,
  BULK_WORKFLOW_TYPES,
  bulkRepair,
  inspectRequest,
  listRepairLog,
  readRepairBatch,
  REASON_MAX,
  REPAIR_ACTIONS,
  REPAIR_ROLES,
  repairRequest,
} from '../../use-cases/repair';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { scopeIdempotencyKey, ZIdempotencyKey } from '../idempotency';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZFailure = z.object({ message: z.string(), type: z.string().nullable() });
const ZTaskFailure = z.object({
  eventId: z.number().int(),
  at: z.string(),
  cause: z
    .string()
    .describe('WorkflowTaskFailedCause, e.g. workflow-worker-unhandled-failure, non-deterministic-error'),
  message: z.string(),
});

const ZRepairView = z
  .object({
    requestNumber: z.string(),
    workflowType: z.string(),
    runId: z.string(),
    status: z
      .string()
      .describe('running, completed, failed, cancelled, terminated, continued-as-new, timed-out'),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    historyLength: z.number().int(),
    searchAttributes: z
      .record(z.string(), z.union([z.string(), z.number(), z.null()]))
      .describe("Seva's custom search attributes (no PII)"),
    pendingActivities: z.array(
      z.object({
        activityId: z.string(),
        type: z.string(),
        state: z.string().describe('scheduled, started, cancel-requested, paused, pause-requested'),
        paused: z.boolean(),
        attempt: z.number().int(),
        maximumAttempts: z.number().int().nullable().describe('null: no limit'),
        lastFailure: ZFailure.nullable(),
        lastStartedAt: z.string().nullable(),
        nextAttemptAt: z.string().nullable().describe('in backoff: when the next attempt starts'),
        lastWorker: z.string().nullable(),
      }),
    ),
    pendingWorkflowTask: z
      .object({ state: z.string(), attempt: z.number().int(), scheduledAt: z.string().nullable() })
      .nullable()
      .describe('attempt > 1: the workflow task keeps failing'),
    lastWorkflowTaskFailure: ZTaskFailure.nullable(),
    resetPoint: ZTaskFailure.nullable().describe(
      'the first failing workflow task since the last good one: what reset goes back to',
    ),
    timers: z.array(z.object({ timerId: z.string(), firesAt: z.string() })),
  })
  .openapi('RepairView');

const ZRepairRecord = z
  .object({
    id: z.string(),
    actor: z.object({ subject: z.string(), role: z.string(), officeId: z.string() }),
    action: z.enum(REPAIR_ACTIONS),
    scope: z.enum(['one', 'bulk']),
    target: z.string().describe('the Request Number, or the visibility query of a bulk selection'),
    reason: z.string(),
    dryRun: z.boolean(),
    outcome: z.enum(['running', 'done', 'failed']),
    result: z.record(z.string(), z.unknown()),
    batchJobId: z.string().nullable(),
    at: z.string(),
  })
  .openapi('RepairAction');

const ZReason = z
  .string()
  .trim()
  .min(1, 'required: say why (it is recorded)')
  .max(REASON_MAX)
  .describe('why: recorded with the action, and passed to Temporal');

const ZSelection = z
  .object({
    workflowType: z.enum(BULK_WORKFLOW_TYPES),
    officeId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional(),
    requestStatus: z
      .string()
      .regex(/^[a-z][a-z-]{0,39}$/)
      .optional()
      .describe('the RequestStatus search attribute'),
    requestType: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional(),
    failingActivityType: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/)
      .optional()
      .describe('only workflows with a pending activity of this type that has failed'),
    workflowTaskFailing: z.boolean().optional().describe('only workflows whose workflow task keeps failing'),
    startedAfter: z.iso.datetime({ offset: true }).optional(),
    startedBefore: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .describe('running workflows only; each value is checked, no query text is taken');

/** Repairing stuck requests and complaints (#17): ops and admin only. */
export function createRepairRoutes(deps: AppDeps) {
  const app = createRouter();
  const rnParam = z.object({ requestNumber: ZRequestNumber });
  const keyHeader = z.object({ 'idempotency-key': ZIdempotencyKey });
  const scoped = (subject: string, key: string | undefined) =>
    key ? `repair:${scopeIdempotencyKey(subject, key)}` : undefined;

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/repair/requests/{requestNumber}',
      tags: ['repair'],
      summary:
        "A request's or complaint's workflow as it stands: pending activities and their last failure, a failing workflow task, timers, search attributes",
      roles: REPAIR_ROLES,
      request: { params: rnParam },
      responses: {
        200: { description: 'the workflow', content: { 'application/json': { schema: ZRepairView } } },
        ...problemResponses(404),
      },
    }),
    async (c) => c.json(await inspectRequest(deps, c.get('principal'), c.req.valid('param')), 200),
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/repair/requests/{requestNumber}/actions',
      tags: ['repair'],
      summary:
        'Retry a failing activity now, reset to the last good workflow task after a bad deploy, cancel or terminate; recorded with your reason',
      description:
        'retry: the pending activity (activityId, else each one that has failed) runs now with its attempts counted from 1 (ResetActivity). reset: a new run from the first failing workflow task since the last good one, later signals and updates reapplied. cancel asks the workflow to stop; terminate ends it at once. A retry with the same Idempotency-Key answers the recorded outcome.',
      roles: REPAIR_ROLES,
      request: {
        params: rnParam,
        headers: keyHeader,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                action: z.enum(REPAIR_ACTIONS),
                reason: ZReason,
                activityId: z.string().min(1).max(100).optional().describe('retry: this activity only'),
              }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'done (or the recorded outcome of this Idempotency-Key)',
          content: { 'application/json': { schema: ZRepairRecord } },
        },
        ...problemResponses(404, 409, 422, 503),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { record } = await repairRequest(deps, principal, {
        ...c.req.valid('param'),
        ...c.req.valid('json'),
        requestKey: scoped(principal.subject, c.req.valid('header')['idempotency-key']),
      });
      return c.json(record, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/repair/bulk',
      tags: ['repair'],
      summary:
        'The same action for every running workflow a selection matches (at most limit); dryRun answers the matches and acts on none',
      description:
        'The selection becomes a visibility query (WorkflowType, ExecutionStatus = Running, OfficeId, RequestStatus, RequestType, StartTime); failingActivityType and workflowTaskFailing are read from each match. The matches go to one Temporal batch operation: follow it with GET /v1/repair/batches/{jobId}.',
      roles: REPAIR_ROLES,
      request: {
        headers: keyHeader,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                action: z.enum(REPAIR_ACTIONS),
                selection: ZSelection,
                reason: ZReason,
                dryRun: z.boolean().default(false),
                limit: z.number().int().min(1).max(BULK_LIMIT_MAX).default(100),
              }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'the matches, and the batch job when not a dry run',
          content: {
            'application/json': {
              schema: z.object({
                action: ZRepairRecord,
                matches: z.array(
                  z.object({
                    workflowId: z.string(),
                    runId: z.string(),
                    workflowType: z.string(),
                    startedAt: z.string(),
                  }),
                ),
              }),
            },
          },
        },
        ...problemResponses(409, 422, 503),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { record, matches } = await bulkRepair(deps, principal, {
        ...c.req.valid('json'),
        requestKey: scoped(principal.subject, c.req.valid('header')['idempotency-key']),
      });
      return c.json({ action: record, matches }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/repair/batches/{jobId}',
      tags: ['repair'],
      summary: "A bulk action's progress: Temporal's batch operation",
      roles: REPAIR_ROLES,
      request: { params: z.object({ jobId: z.string().min(1).max(100) }) },
      responses: {
        200: {
          description: 'progress',
          content: {
            'application/json': {
              schema: z
                .object({
                  jobId: z.string(),
                  state: z.string().describe('running, completed, failed'),
                  total: z.number().int(),
                  completed: z.number().int(),
                  failed: z.number().int(),
                  startedAt: z.string().nullable(),
                  closedAt: z.string().nullable(),
                  reason: z.string(),
                })
                .openapi('RepairBatch'),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => c.json(await readRepairBatch(deps, c.get('principal'), c.req.valid('param')), 200),
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/repair/actions',
      tags: ['repair'],
      summary: 'The repair log, newest first: who did what to which request, why, and what came of it',
      roles: REPAIR_ROLES,
      request: {
        query: z.object({
          target: z.string().min(1).max(2000).optional().describe('a Request Number'),
          before: z.iso
            .datetime({ offset: true })
            .optional()
            .describe('page on: the `at` of the last entry seen'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: {
          description: 'entries',
          content: { 'application/json': { schema: z.object({ items: z.array(ZRepairRecord) }) } },
        },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const items = await listRepairLog(deps, c.get('principal'), {
        target: q.target
          ?.trim()
          .toUpperCase()
          .match(/^[SC]R-/)
          ? q.target.trim().toUpperCase()
          : q.target,
        before: q.before ? new Date(q.before) : undefined,
        limit: q.limit,
      });
      return c.json({ items }, 200);
    },
  );

  return app;
}
