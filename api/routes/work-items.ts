import { z } from '@hono/zod-openapi';
import { listWorkItems, WORK_ITEM_ROLES } from '../../db/work-items';
import { REQUEST_STATUSES } from '../../domain/service-request';
import { queueScope, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { ZCursor, ZNext } from '../pagination';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZWorkItem = z
  .object({
    requestNumber: z.string(),
    typeCode: z.string(),
    consumerNumber: z.string(),
    officeId: z.string(),
    status: z.string(),
    currentStep: z.string().nullable(),
    dueAt: z.string().nullable(),
    escalationLevel: z.number().int(),
    escalationOfficeId: z.string().nullable(),
    warned: z.boolean().describe('the TAT warning has gone to the executive'),
    breached: z.boolean().describe('the turnaround time has passed'),
    actBy: z
      .string()
      .nullable()
      .describe(
        "the deadline that matters now: once escalated, the current level's own; else the TAT due date",
      ),
    submittedAt: z.string(),
  })
  .openapi('WorkItem');

/** An office's work queue: its requests and its sub-offices', plus those escalated to it; soonest due first. */
export function createWorkItemRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/work-items',
      tags: ['service requests'],
      summary: 'Work queue of an office (defaults to yours), with due dates and escalation levels',
      roles: WORK_ITEM_ROLES,
      request: {
        query: z.object({
          officeId: z.string().optional(),
          status: z.enum([...REQUEST_STATUSES, 'open', 'all']).default('open'),
          type: z.string().optional(),
          escalated: z.enum(['true', 'false']).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
          after: ZCursor,
        }),
      },
      responses: {
        200: {
          description: 'one page of work items',
          content: {
            'application/json': {
              schema: z.object({
                items: z.array(ZWorkItem),
                page: z.number(),
                pageSize: z.number(),
                total: z.number(),
                next: ZNext,
              }),
            },
          },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await queueScope(c, deps.db, q.officeId);
      const { items, total, next } = await listWorkItems(deps.db, scope, {
        status: q.status,
        type: q.type,
        escalated: q.escalated === undefined ? undefined : q.escalated === 'true',
        page: q.page,
        pageSize: q.pageSize,
        after: q.after,
      });
      return c.json({ items, page: q.page, pageSize: q.pageSize, total, next }, 200);
    },
  );
  return app;
}
