import { z } from '@hono/zod-openapi';
import { ZConsumerNumber } from '../../domain/consumer';
import { AREA_CLASSES } from '../../domain/compensation';
import { ACCOUNT_ROLES } from '../../use-cases/look-up-account';
import {
  COMPENSATION_SUMMARY_ROLES,
  compensationSummary,
  listCompensation,
} from '../../use-cases/compensation';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { pageOf, ZPageQuery } from '../pagination';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZRule = z
  .object({
    kind: z.enum(['per-day', 'per-hour', 'per-case']),
    amount: z.number().describe('per day, per hour or per case, rupees'),
    cap: z.number().optional().describe('the most one case is paid, rupees'),
    day: z
      .string()
      .optional()
      .describe('how much of the clock counts as one day of delay (`7h`: a working day)'),
  })
  .openapi('CompensationRule');

const ZCredit = z
  .object({
    requestNumber: z.string().describe('the service request or complaint that missed its standard'),
    source: z.enum(['service-request', 'complaint']),
    typeCode: z.string(),
    amount: z.number().describe('rupees credited to the account (the ledger posting carries it negative)'),
    areaClass: z.enum(AREA_CLASSES).describe('which timeline of the standard applied'),
    standardMs: z.number().int().describe('the standard’s timeline for the area class, ms of the clock'),
    elapsedMs: z
      .number()
      .int()
      .describe('how long the clock ran, paused time and delays the consumer caused left out'),
    lateMs: z.number().int(),
    periodsLate: z.number().int().describe('days (per-day), hours (per-hour) or 1 (per-case)'),
    rule: ZRule,
    capped: z.boolean(),
    citation: z.string().describe('the regulation that sets the standard'),
    example: z.boolean().describe('the figures are demo examples, not the regulator’s'),
    postingId: z.number().int().describe('the ledger posting'),
    creditedAt: z.string(),
  })
  .openapi('CompensationCredit');

const ZMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
  .optional();

/** Statutory compensation: what a consumer was credited and why; the totals by office and month. */
export function createCompensationRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/compensation',
      tags: ['self-service'],
      summary: 'Statutory compensation credited to the consumer, newest first, each with why',
      roles: ACCOUNT_ROLES,
      request: { params: z.object({ consumerNumber: ZConsumerNumber }), query: z.object(ZPageQuery) },
      responses: {
        200: {
          description: 'a page of credits; `amount` is the total ever credited',
          content: {
            'application/json': {
              schema: pageOf(ZCredit, { amount: z.number() }).openapi('CompensationPage'),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { page, pageSize } = c.req.valid('query');
      const credits = await listCompensation(deps, c.get('principal'), { consumerNumber, page, pageSize });
      return c.json({ ...credits, page, pageSize }, 200);
    },
  );
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/compensation/summary',
      tags: ['self-service'],
      summary: 'Statutory compensation credited, by office and month',
      roles: COMPENSATION_SUMMARY_ROLES,
      request: {
        query: z.object({
          from: ZMonth.openapi({ description: 'first month, YYYY-MM (default: eleven months before `to`)' }),
          to: ZMonth.openapi({ description: 'last month, YYYY-MM (default: this month)' }),
        }),
      },
      responses: {
        200: {
          description: 'one row per office and month with credits; the totals of the range',
          content: {
            'application/json': {
              schema: z
                .object({
                  from: z.string(),
                  to: z.string(),
                  items: z.array(
                    z.object({
                      officeId: z.string(),
                      officeName: z.string(),
                      month: z.string(),
                      credits: z.number().int(),
                      amount: z.number().describe('rupees'),
                      lateMs: z.number().describe('the delays summed, ms of the clocks'),
                    }),
                  ),
                  credits: z.number().int(),
                  amount: z.number(),
                })
                .openapi('CompensationSummary'),
            },
          },
        },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      return c.json(await compensationSummary(deps, c.get('principal'), { from, to }), 200);
    },
  );
  return app;
}
