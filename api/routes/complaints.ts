import { z } from '@hono/zod-openapi';
import { ZComplaintState } from '../../domain/state-schemas';
import { COMPLAINT_QUEUE_ROLES, listComplaintItems } from '../../db/work-items';
import {
  COMPLAINT_STATUSES,
  ZAcknowledge,
  ZAssignCrew,
  ZComplaintIntake,
  ZConfirm,
  ZResolve,
} from '../../domain/complaint';
import { PRIORITIES } from '../../domain/complaint-catalogue';
import { ZRequestNumber } from '../../domain/request-number';
import {
  actOnComplaint,
  COMPLAINT_ACTIONS,
  type TComplaintAction,
  type TComplaintActionName,
} from '../../use-cases/act-on-complaint';
import { readComplaint } from '../../use-cases/complaints';
import { COMPLAINT_INTAKE_ROLES, registerComplaint } from '../../use-cases/register-complaint';
import { queueScope, secureRoute } from '../auth';
import { scopeIdempotencyKey, ZIdempotencyKey } from '../idempotency';
import { createRouter } from '../create-router';
import { ZCursor, ZNext } from '../pagination';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const INTAKE_ROLES = COMPLAINT_INTAKE_ROLES;
// A fresh object from the domain shape: domain schemas may predate zod's OpenAPI extension.
const ZState = z.object(ZComplaintState.shape).openapi('ComplaintState');
const ZRegistered = z
  .object({
    requestNumber: z.string(),
    status: z.string(),
    statusUrl: z.string(),
    joined: z.boolean().describe('a repeat of an open complaint of the same type: this is its number'),
    reopened: z.boolean().describe('the report reopened a resolved complaint of the same type'),
    typeName: z.string(),
    dueAt: z.string().nullable().describe('turnaround deadline while field work is pending'),
    outage: z
      .object({ id: z.string(), area: z.string(), etr: z.string() })
      .nullable()
      .describe('a no-power complaint inside a known outage: answered with its restoration time'),
  })
  .openapi('ComplaintRegistered');
const ZQueueItem = z
  .object({
    requestNumber: z.string(),
    typeCode: z.string(),
    priority: z.string(),
    consumerNumber: z.string(),
    officeId: z.string(),
    status: z.string(),
    dueAt: z.string().nullable(),
    escalationLevel: z.number().int(),
    escalationOfficeId: z.string().nullable(),
    outageId: z.string().nullable(),
    crew: z.string().nullable(),
    reopenCount: z.number().int(),
    reports: z.number().int(),
    channel: z.string(),
    acknowledgedAt: z.string().nullable(),
    submittedAt: z.string(),
  })
  .openapi('ComplaintQueueItem');

/** Complaints registered by agents and consumers; the channel webhooks use the same intake. */
export function createComplaintRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/complaints',
      tags: ['complaints'],
      summary: 'Register a complaint (a repeat of an open one of the same type joins it)',
      roles: INTAKE_ROLES,
      request: {
        headers: z.object({ 'idempotency-key': ZIdempotencyKey }),
        body: { content: { 'application/json': { schema: ZComplaintIntake } }, required: true },
      },
      responses: {
        201: { description: 'registered', content: { 'application/json': { schema: ZRegistered } } },
        200: {
          description: 'joined the open complaint of the same type',
          content: { 'application/json': { schema: ZRegistered } },
        },
        ...problemResponses(400, 403, 404, 503),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const key = c.req.valid('header')['idempotency-key'];
      // A retried POST with the same key (after a timeout or a 503) comes to the same complaint.
      const result = await registerComplaint(deps, principal, {
        ...c.req.valid('json'),
        ...(key ? { intakeKey: `cr:${scopeIdempotencyKey(principal.subject, key)}` } : {}),
      });
      return c.json(
        { ...result, statusUrl: `/v1/complaints/${result.requestNumber}` },
        result.joined ? 200 : 201,
      );
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/complaints',
      tags: ['complaints'],
      summary:
        'Complaint queue of an office (defaults to yours) and its sub-offices, plus those escalated to it: emergencies first, then soonest due',
      roles: COMPLAINT_QUEUE_ROLES,
      request: {
        query: z.object({
          officeId: z.string().optional(),
          status: z.enum([...COMPLAINT_STATUSES, 'active', 'all']).default('active'),
          type: z.string().optional(),
          priority: z.enum(PRIORITIES).optional(),
          outageId: z.string().optional(),
          consumerNumber: z.string().optional(),
          escalated: z.enum(['true', 'false']).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
          after: ZCursor,
        }),
      },
      responses: {
        200: {
          description: 'one page of complaints',
          content: {
            'application/json': {
              schema: z.object({
                items: z.array(ZQueueItem),
                page: z.number(),
                pageSize: z.number(),
                total: z.number(),
                next: ZNext,
              }),
            },
          },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await queueScope(c, deps.db, q.officeId);
      const { items, total, next } = await listComplaintItems(deps.db, scope, {
        ...q,
        escalated: q.escalated === undefined ? undefined : q.escalated === 'true',
      });
      return c.json(
        {
          items: items.map(({ breached: _breached, ...item }) => item),
          page: q.page,
          pageSize: q.pageSize,
          total,
          next,
        },
        200,
      );
    },
  );

  const ZRn = z.object({ requestNumber: ZRequestNumber });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/complaints/{requestNumber}',
      tags: ['complaints'],
      summary: 'A complaint: status, crew, reports and timeline',
      roles: [...INTAKE_ROLES, 'dispatcher', 'ops'],
      request: { params: ZRn },
      responses: {
        200: { description: 'the complaint', content: { 'application/json': { schema: ZState } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      return c.json(await readComplaint(deps, c.get('principal'), requestNumber), 200);
    },
  );

  /** One route per action; who may take it comes from the use case. */
  const action = <A extends TComplaintActionName>(path: A, summary: string, schema: z.ZodObject) =>
    app.openapi(
      secureRoute({
        method: 'post',
        path: `/v1/complaints/{requestNumber}/${path}`,
        tags: ['complaints'],
        summary,
        roles: COMPLAINT_ACTIONS[path].roles,
        request: { params: ZRn, body: { content: { 'application/json': { schema } }, required: true } },
        responses: {
          200: {
            description: 'the complaint as it now stands',
            content: { 'application/json': { schema: ZState } },
          },
          ...problemResponses(400, 404, 409),
        },
      }),
      async (c) => {
        const valid = c.req.valid.bind(c.req) as unknown as <T extends 'param' | 'json'>(
          target: T,
        ) => T extends 'param' ? { requestNumber: string } : Record<string, unknown>;
        const { requestNumber } = valid('param');
        const state = await actOnComplaint(deps, c.get('principal'), {
          requestNumber,
          ...({ action: path, body: valid('json') } as TComplaintAction),
        });
        return c.json(state, 200);
      },
    );
  action('assign-crew', 'Send a crew', ZAssignCrew);
  action('resolve', 'Record the resolution; the consumer is asked to confirm', ZResolve);
  action('confirm', 'The consumer: fixed, or still not fixed (reopens it)', ZConfirm);
  action('acknowledge', 'Emergencies: a member of staff takes charge; the re-alerts stop', ZAcknowledge);
  return app;
}
