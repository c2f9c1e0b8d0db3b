import { z } from '@hono/zod-openapi';
import { ZConsumerNumber } from '../../domain/consumer';
import { POSTING_KINDS } from '../../db/schema';
import { ACCOUNT_ROLES } from '../../use-cases/look-up-account';
import { readLedger } from '../../use-cases/read-ledger';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { pageOf, ZPageQuery } from '../pagination';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZPosting = z
  .object({
    id: z.number().int(),
    kind: z.enum(POSTING_KINDS),
    amount: z
      .number()
      .describe('rupees, signed from the consumer’s side: a bill is positive, a payment or credit negative'),
    billId: z.string().nullable(),
    sourceRef: z.string().describe('where the posting came from: `bill`, `bulk-payment/<id>` …'),
    postedAt: z.string(),
    note: z.string().nullable(),
    reversesId: z.number().int().nullable().describe('a reversal: the posting it reverses'),
    balance: z.number().describe('the balance after this posting (positive: owed)'),
  })
  .openapi('LedgerPosting');

/** The account ledger: every bill, payment, credit and reversal, with the running balance. */
export function createLedgerRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/consumers/{consumerNumber}/ledger',
      tags: ['self-service'],
      summary: "The consumer's ledger postings, newest first, each with the balance after it",
      roles: ACCOUNT_ROLES,
      request: { params: z.object({ consumerNumber: ZConsumerNumber }), query: z.object(ZPageQuery) },
      responses: {
        200: {
          description: 'a page of postings; `balance` is the account’s balance now',
          content: {
            'application/json': { schema: pageOf(ZPosting, { balance: z.number() }).openapi('LedgerPage') },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { page, pageSize } = c.req.valid('query');
      const ledger = await readLedger(deps, c.get('principal'), { consumerNumber, page, pageSize });
      return c.json({ ...ledger, page, pageSize }, 200);
    },
  );
  return app;
}
