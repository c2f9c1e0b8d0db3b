import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ZPingInput, type TPingResult } from '../../domain/ping';
import { SA } from '../../domain/search-attributes';
import type { pingWorkflow } from '../../workflows/ping';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { scopeIdempotencyKey, ZIdempotencyKey } from '../idempotency';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const PING_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'ops', 'admin'] as const;
const RESULT_WAIT_MS = 10_000;

const ZPingResult = z
  .object({
    pingId: z.string(),
    consumerNumber: z.string(),
    consumerName: z.string(),
    phone: z.string(),
    officeId: z.string(),
    message: z.string(),
    echo: z.string(),
    recordedAt: z.string(),
  })
  .openapi('PingResult');
const ZPingPending = z.object({ pingId: z.string(), status: z.literal('running') }).openapi('PingPending');

export function createPingRoutes(deps: AppDeps) {
  const app = createRouter();

  const waitForResult = async (pingId: string): Promise<TPingResult | undefined> => {
    const handle = deps.temporal.workflow.getHandle<typeof pingWorkflow>(pingId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), RESULT_WAIT_MS);
    });
    try {
      return await Promise.race([handle.result(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/pings',
      tags: ['pings'],
      summary:
        'Run the ping workflow for a consumer (end-to-end check of API, Temporal, worker and database)',
      roles: PING_ROLES,
      request: {
        headers: z.object({ 'idempotency-key': ZIdempotencyKey }),
        body: { content: { 'application/json': { schema: ZPingInput } }, required: true },
      },
      responses: {
        201: { description: 'ping completed', content: { 'application/json': { schema: ZPingResult } } },
        202: {
          description: 'ping still running; GET it later',
          content: { 'application/json': { schema: ZPingPending } },
        },
        ...problemResponses(400, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const principal = c.get('principal');
      const officeId = await assertConsumerAccess(c, deps.db, input.consumerNumber);
      const key = c.req.valid('header')['idempotency-key'];
      // A retried request with the same Idempotency-Key maps to the same workflow id, so it runs once.
      const pingId = key
        ? `ping-${scopeIdempotencyKey(principal.subject, key).slice(0, 32)}`
        : `ping-${randomUUID()}`;
      try {
        await deps.temporal.workflow.start<typeof pingWorkflow>('pingWorkflow', {
          workflowId: pingId,
          taskQueue: deps.config.temporal.taskQueue,
          args: [{ ...input, requestedBy: principal.subject }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [
            { key: SA.ConsumerNumber, value: input.consumerNumber },
            { key: SA.RequestType, value: 'ping' },
            { key: SA.OfficeId, value: officeId },
            { key: SA.Channel, value: input.channel },
            { key: SA.RequestStatus, value: 'running' },
          ],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      c.header('location', `/v1/pings/${pingId}`);
      const result = await waitForResult(pingId);
      return result ? c.json(result, 201) : c.json({ pingId, status: 'running' as const }, 202);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/pings/{pingId}',
      tags: ['pings'],
      summary: 'Read a ping result',
      roles: PING_ROLES,
      request: { params: z.object({ pingId: z.string().regex(/^ping-[a-z0-9-]{8,64}$/, 'not a ping id') }) },
      responses: {
        200: { description: 'ping completed', content: { 'application/json': { schema: ZPingResult } } },
        202: { description: 'ping still running', content: { 'application/json': { schema: ZPingPending } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { pingId } = c.req.valid('param');
      const handle = deps.temporal.workflow.getHandle<typeof pingWorkflow>(pingId);
      const description = await handle.describe().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) throw new HttpProblem(404, `no ping ${pingId}`);
        throw error;
      });
      const consumerNumber = description.typedSearchAttributes.get(SA.ConsumerNumber);
      if (description.type !== 'pingWorkflow' || !consumerNumber)
        throw new HttpProblem(404, `no ping ${pingId}`);
      await assertConsumerAccess(c, deps.db, consumerNumber);
      if (description.status.name === 'RUNNING') return c.json({ pingId, status: 'running' as const }, 202);
      return c.json(await handle.result(), 200);
    },
  );
  return app;
}
