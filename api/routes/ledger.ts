import { z } from '@hono/zod-openapi';
import { ZConsumerNumber } from '../../domain/consumer';
import { POSTING_KINDS } from '../../db/schema';
import { ACCOUNT_ROLES } from '../../use-cases/look-up-account';
import { readLedger } from '../../use-cases/read-ledger';
import { REVERSAL_ROLES, reversePosting } from '../../use-cases/reverse-posting';
import { ZIdempotencyKey } from '../idempotency';
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
    reversedById: z.number().int().nullable().describe('the reversal of this posting, when it was reversed'),
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

  const ZPostingMade = ZPosting.omit({ balance: true, reversedById: true }).extend({
    postedBy: z.string().nullable(),
  });
  const ZReversal = z
    .object({ reversal: ZPostingMade, original: ZPostingMade, balance: z.number() })
    .openapi('LedgerReversal');
  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/consumers/{consumerNumber}/ledger/reversals',
      tags: ['self-service'],
      summary:
        'Reverse a posting (a supervisor or admin of the office): a new `reversal` posting with the opposite amount; never twice',
      roles: REVERSAL_ROLES,
      request: {
        params: z.object({ consumerNumber: ZConsumerNumber }),
        headers: z.object({ 'idempotency-key': ZIdempotencyKey.unwrap() }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({
                postingId: z.number().int().positive(),
                reason: z
                  .string()
                  .trim()
                  .min(3)
                  .max(500)
                  .describe('why: shown in the ledger and the batch report'),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'reversed', content: { 'application/json': { schema: ZReversal } } },
        200: {
          description: 'the same Idempotency-Key again: the reversal it made',
          content: { 'application/json': { schema: ZReversal } },
        },
        ...problemResponses(404, 409, 422),
      },
    }),
    async (c) => {
      const { consumerNumber } = c.req.valid('param');
      const { postingId, reason } = c.req.valid('json');
      const { created, ...result } = await reversePosting(deps, c.get('principal'), {
        consumerNumber,
        postingId,
        reason,
        requestKey: c.req.valid('header')['idempotency-key'],
      });
      return c.json(result, created ? 201 : 200);
    },
  );
  return app;
}
