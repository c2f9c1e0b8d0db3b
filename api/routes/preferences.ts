import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { consumers } from '../../db/schema';
import { ZConsumerNumber } from '../../domain/consumer';
import { LANGUAGES } from '../../domain/notice-templates';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const CHANNELS = ['sms', 'whatsapp', 'email', 'voice', 'post'] as const;
const ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'admin'] as const;

const ZPreferences = z
  .object({
    language: z.enum(LANGUAGES, { message: `unknown language; one of ${LANGUAGES.join(', ')}` }),
    preferredChannel: z.enum(CHANNELS, { message: `unknown channel; one of ${CHANNELS.join(', ')}` }),
    optOuts: z
      .array(z.enum(CHANNELS, { message: `unknown channel; one of ${CHANNELS.join(', ')}` }))
      .max(CHANNELS.length)
      .describe('channels for non-mandatory notices only: outages, disconnection and emergencies still come'),
  })
  .openapi('NoticePreferences');

/**
 * How a consumer wants to hear from the utility. Phone and e-mail change through the verified
 * contact-update service request, not here.
 */
export function createPreferenceRoutes(deps: AppDeps) {
  const app = createRouter();
  const read = async (consumerNumber: string) => {
    const [row] = await deps.db
      .select({
        language: consumers.language,
        preferredChannel: consumers.preferredChannel,
        optOuts: consumers.optOuts,
        email: consumers.email,
      })
      .from(consumers)
      .where(eq(consumers.consumerNumber, consumerNumber));
    if (!row) throw new HttpProblem(404, `no consumer ${consumerNumber}`);
    return row;
  };
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
      const { email: _email, ...prefs } = await read(consumerNumber);
      return c.json(prefs as z.infer<typeof ZPreferences>, 200);
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
      const current = await read(consumerNumber);
      const next = { ...current, ...change };
      if (next.preferredChannel === 'email' && !current.email)
        throw new HttpProblem(400, 'no e-mail address on record', {
          errors: [
            {
              field: 'preferredChannel',
              message: 'add an e-mail address first (contact-update service request)',
            },
          ],
        });
      if (next.optOuts.includes(next.preferredChannel))
        throw new HttpProblem(400, 'the preferred channel is opted out', {
          errors: [
            { field: 'optOuts', message: `cannot opt out of the preferred channel ${next.preferredChannel}` },
          ],
        });
      await deps.db
        .update(consumers)
        .set({
          language: next.language,
          preferredChannel: next.preferredChannel,
          optOuts: [...new Set(next.optOuts)],
          updatedAt: new Date(),
        })
        .where(eq(consumers.consumerNumber, consumerNumber));
      const { email: _email, ...prefs } = await read(consumerNumber);
      return c.json(prefs as z.infer<typeof ZPreferences>, 200);
    },
  );
  return app;
}
