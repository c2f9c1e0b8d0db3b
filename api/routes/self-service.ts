import { z } from '@hono/zod-openapi';
import { requestsOfConsumer } from '../../db/consumer-requests';
import { ZConsumerNumber } from '../../domain/consumer';
import { ACCOUNT_ROLES, lookUpAccount } from '../../use-cases/look-up-account';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZSummary = z
  .object({
    consumerNumber: z.string(),
    name: z.string(),
    category: z.string(),
    sanctionedLoadKw: z.number(),
    contact: z
      .object({ phone: z.string(), email: z.string().nullable(), address: z.string() })
      .describe('the contact details and supply address on file (a completed change shows here)'),
    supply: z
      .object({
        sectionOfficeId: z.string(),
        transformerId: z.string(),
        transformer: z.string(),
        feederId: z.string(),
        feeder: z.string(),
      })
      .describe('the transformer and feeder the supply comes from (what outages are registered on)'),
    latestBill: z
      .object({
        period: z.string(),
        unitsKwh: z.number(),
        amount: z.number(),
        dueDate: z.string(),
        paid: z.boolean(),
      })
      .nullable(),
    arrears: z.object({ amount: z.number(), bills: z.number().int() }),
    consumption: z.array(z.object({ period: z.string(), unitsKwh: z.number() })),
    lastPayment: z.object({ period: z.string(), amount: z.number() }).nullable(),
  })
  .openapi('AccountSummary');

/** Self-service look-ups by consumer number: the majority of contacts need nothing more. */
export function createSelfServiceRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/account',
      tags: ['self-service'],
      summary: 'Latest bill, arrears, recent consumption and last payment',
      roles: ACCOUNT_ROLES,
      request: {
        params: z.object({ consumerNumber: ZConsumerNumber }),
        query: z.object({ months: z.coerce.number().int().min(1).max(24).default(6) }),
      },
      responses: {
        200: { description: 'the account', content: { 'application/json': { schema: ZSummary } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { months } = c.req.valid('query');
      return c.json(await lookUpAccount(deps, c.get('principal'), { consumerNumber, months }), 200);
    },
  );

  const ZRequestItem = z
    .object({
      kind: z.enum(['complaint', 'service-request']),
      requestNumber: z.string(),
      typeCode: z.string(),
      name: z.string(),
      status: z.string(),
      dueAt: z.string().nullable(),
      submittedAt: z.string().nullable(),
      closedAt: z.string().nullable(),
    })
    .openapi('ConsumerRequest');
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/requests',
      tags: ['self-service'],
      summary:
        "The consumer's complaints and service requests, newest first (what the portal, WhatsApp and the IVR list)",
      roles: ['consumer', 'agent', 'executive', 'supervisor', 'csc', 'ops', 'admin'],
      request: {
        params: z.object({ consumerNumber: ZConsumerNumber }),
        query: z.object({
          status: z.enum(['open', 'all']).default('all'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
      },
      responses: {
        200: {
          description: 'complaints and requests',
          content: { 'application/json': { schema: z.object({ items: z.array(ZRequestItem) }) } },
        },
        ...problemResponses(400, 403, 404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { status, limit } = c.req.valid('query');
      await assertConsumerAccess(c, deps.db, consumerNumber);
      const items = await requestsOfConsumer(deps.db, consumerNumber, { openOnly: status === 'open', limit });
      return c.json({ items }, 200);
    },
  );
  return app;
}
