import { z } from '@hono/zod-openapi';
import { changePreferences, readPreferences } from '../../db/preferences';
import { ZConsumerNumber } from '../../domain/consumer';
import { ZPreferences as ZPreferenceFields } from '../../domain/preferences';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'admin'] as const;

const ZPreferences = z.object(ZPreferenceFields.shape).openapi('NoticePreferences');

/**
 * How a consumer wants to hear from the utility. The schema and the rules are in
 * domain/preferences.ts and db/preferences.ts, which the portal's preferences page calls too.
 */
export function createPreferenceRoutes(deps: AppDeps) {
  const app = createRouter();
  const params = z.object({ consumerNumber: ZConsumerNumber });

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/preferences',
      tags: ['notifications'],
      summary: "A consumer's notice language, preferred channel and opt-outs",
      roles: [...ROLES, 'ops'],
      request: { params },
      responses: {
        200: { description: 'preferences', content: { 'application/json': { schema: ZPreferences } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      await assertConsumerAccess(c, deps.db, consumerNumber);
      const found = await readPreferences(deps.db, consumerNumber);
      if (!found) throw new HttpProblem(404, `no consumer ${consumerNumber}`);
      return c.json(found.preferences, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'patch',
      path: '/v1/consumers/{consumerNumber}/preferences',
      tags: ['notifications'],
      summary: 'Change the notice language, preferred channel or opt-outs (the consumer, or staff for them)',
      roles: ROLES,
      request: {
        params,
        body: { content: { 'application/json': { schema: ZPreferences.partial() } }, required: true },
      },
      responses: {
        200: { description: 'stored', content: { 'application/json': { schema: ZPreferences } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const change = c.req.valid('json');
      await assertConsumerAccess(c, deps.db, consumerNumber);
      const result = await changePreferences(deps.db, consumerNumber, change);
      if (result.ok) return c.json(result.preferences, 200);
      if (result.notFound) throw new HttpProblem(404, `no consumer ${consumerNumber}`);
      throw new HttpProblem(400, result.detail, {
        errors: result.errors.map(({ field, message }) => ({ field, message })),
      });
    },
  );
  return app;
}
