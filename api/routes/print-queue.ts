import { z } from '@hono/zod-openapi';
import { and, asc, count, eq, inArray, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { consumers, printQueue } from '../../db/schema';
import { openBytes } from '../../lib/at-rest';
import { assertConsumerAccess, queueScope, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { pageOf, ZPageQuery } from '../pagination';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

/** Who prints and posts the letters of the last resort: the section's back office, and head office. */
const PRINT_ROLES = ['executive', 'supervisor', 'csc', 'ops', 'admin'] as const;

const ZLetter = z
  .object({
    id: z.string(),
    noticeKey: z.string().describe('the notice this letter is the last resort of'),
    consumerNumber: z.string(),
    officeId: z.string().describe("the consumer's section office"),
    queuedAt: z.string(),
    printedAt: z.string().nullable(),
    pdfUrl: z.string(),
  })
  .openapi('Letter');

const ZId = z.object({ id: z.string().min(1).max(200) });

/**
 * The print queue: letters a notice fell back to when no electronic channel got through. Staff of
 * the consumer's office list them, download each PDF, and mark it printed once it is posted.
 */
export function createPrintQueueRoutes(deps: AppDeps) {
  const app = createRouter();
  const shape = (row: {
    id: string;
    key: string;
    consumerNumber: string;
    officeId: string;
    queuedAt: Date;
    printedAt: Date | null;
  }) => ({
    id: row.id,
    noticeKey: row.key,
    consumerNumber: row.consumerNumber,
    officeId: row.officeId,
    queuedAt: row.queuedAt.toISOString(),
    printedAt: row.printedAt?.toISOString() ?? null,
    pdfUrl: `/v1/print-queue/${encodeURIComponent(row.id)}`,
  });
  const columns = {
    id: printQueue.id,
    key: printQueue.key,
    consumerNumber: printQueue.consumerNumber,
    officeId: consumers.sectionOfficeId,
    queuedAt: printQueue.queuedAt,
    printedAt: printQueue.printedAt,
  };
  /** One letter the caller may see: its office is checked like any consumer's data. */
  const letterOf = async (c: Parameters<typeof assertConsumerAccess>[0], id: string) => {
    const [row] = await deps.db
      .select({ ...columns, keyId: printQueue.keyId, pdf: printQueue.pdf })
      .from(printQueue)
      .innerJoin(consumers, eq(consumers.consumerNumber, printQueue.consumerNumber))
      .where(eq(printQueue.id, id));
    if (!row) throw new HttpProblem(404, `no letter ${id}`);
    await assertConsumerAccess(c, deps.db, row.consumerNumber);
    return row;
  };

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/print-queue',
      tags: ['notifications'],
      summary: 'Letters waiting to be printed and posted (oldest first), in your office and those under it',
      roles: PRINT_ROLES,
      request: {
        query: z.object({
          officeId: z.string().min(1).optional().describe('default: yours (ops and admin: every office)'),
          status: z.enum(['waiting', 'printed', 'all']).default('waiting'),
          ...ZPageQuery,
        }),
      },
      responses: {
        200: {
          description: 'one page of letters',
          content: {
            'application/json': {
              schema: pageOf(ZLetter),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const scope = await queueScope(c, deps.db, q.officeId);
      const filters: SQL[] = [];
      if (scope) filters.push(inArray(consumers.sectionOfficeId, scope.within));
      if (q.status === 'waiting') filters.push(isNull(printQueue.printedAt));
      if (q.status === 'printed') filters.push(isNotNull(printQueue.printedAt));
      const where = filters.length ? and(...filters) : undefined;
      const from = () =>
        deps.db
          .select(columns)
          .from(printQueue)
          .innerJoin(consumers, eq(consumers.consumerNumber, printQueue.consumerNumber))
          .where(where);
      const rows = await from()
        .orderBy(asc(printQueue.queuedAt), asc(printQueue.id))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize);
      const [total] = await deps.db
        .select({ n: count() })
        .from(printQueue)
        .innerJoin(consumers, eq(consumers.consumerNumber, printQueue.consumerNumber))
        .where(where);
      return c.json({ items: rows.map(shape), page: q.page, pageSize: q.pageSize, total: total!.n }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/print-queue/{id}',
      tags: ['notifications'],
      summary: 'The letter as a PDF, ready to print',
      roles: PRINT_ROLES,
      request: { params: ZId },
      responses: {
        200: {
          description: 'the letter',
          content: { 'application/pdf': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await letterOf(c, id);
      const pdf = openBytes(deps.config.payloadCodec, row.keyId, row.pdf, row.id);
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="letter-${row.consumerNumber}-${row.id.slice(-8)}.pdf"`,
      });
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/print-queue/{id}/printed',
      tags: ['notifications'],
      summary: 'Mark the letter printed and posted (again: answers the first time it was marked)',
      roles: PRINT_ROLES,
      request: { params: ZId },
      responses: {
        200: { description: 'the letter', content: { 'application/json': { schema: ZLetter } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await letterOf(c, id);
      if (!row.printedAt) {
        const [updated] = await deps.db
          .update(printQueue)
          .set({ printedAt: new Date() })
          .where(and(eq(printQueue.id, id), isNull(printQueue.printedAt)))
          .returning({ printedAt: printQueue.printedAt });
        row.printedAt =
          updated?.printedAt ??
          (
            await deps.db.select({ p: printQueue.printedAt }).from(printQueue).where(eq(printQueue.id, id))
          )[0]!.p;
      }
      return c.json(shape(row), 200);
    },
  );
  return app;
}
