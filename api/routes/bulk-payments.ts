import { z } from '@hono/zod-openapi';
import { EXCEPTION_REASONS } from '../../domain/bulk-payments';
import { approveBulkPayment, BULK_APPROVER_ROLES } from '../../use-cases/approve-bulk-payment';
import {
  BULK_READ_ROLES,
  bulkPaymentReportCsv,
  bulkPaymentReportPdf,
  listBulkPaymentBatches,
  readBulkPaymentBatch,
} from '../../use-cases/bulk-payment-reports';
import { BULK_UPLOAD_ROLES, uploadBulkPayment } from '../../use-cases/upload-bulk-payment';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { pageOf, ZPageQuery } from '../pagination';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZMoneyCount = z.object({ lines: z.number().int(), amount: z.number() });
const ZReport = z
  .object({
    statement: z.object({
      ref: z.string(),
      format: z.enum(['mt940', 'camt.053']),
      match: z.enum(['matched', 'amount-differs', 'not-found']),
      by: z.string().optional().describe('reference, virtual-account or amount-and-date'),
      why: z.string().optional(),
      entryRef: z.string().optional(),
      entryAmount: z.number().optional(),
      valueDate: z.string().optional(),
    }),
    lines: z.number().int(),
    listTotal: z.number(),
    ready: ZMoneyCount,
    exceptions: ZMoneyCount.extend({ byReason: z.record(z.string(), z.number().int()) }),
    suspense: z.number().describe('money received that goes to suspense'),
    posted: ZMoneyCount.extend({ suspense: z.number() }).optional(),
  })
  .openapi('BulkPaymentReport');

const ZBatch = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    corporateId: z.string(),
    officeId: z.string(),
    statementRef: z.string(),
    listRef: z.string(),
    statementFormat: z.string(),
    status: z.enum(['reconciling', 'awaiting-approval', 'posting', 'posted']),
    uploadedBy: z.string(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    createdAt: z.string(),
    report: ZReport.nullable(),
  })
  .openapi('BulkPayment');

const ZLine = z
  .object({
    lineNo: z.number().int(),
    consumerNumber: z.string(),
    amount: z.number(),
    billReference: z.string().nullable(),
    status: z.enum(['pending', 'ready', 'exception', 'posted']),
    reason: z.enum(EXCEPTION_REASONS).nullable(),
    billId: z.string().nullable(),
    postingId: z
      .number()
      .int()
      .nullable()
      .describe('the payment posting, or for an exception its suspense posting'),
    reversal: z
      .object({
        postingId: z.number().int(),
        reason: z.string().nullable(),
        at: z.string(),
        by: z.string().nullable(),
      })
      .nullable()
      .describe('a posted line whose payment was reversed since: the reversal posting and why'),
  })
  .openapi('BulkPaymentLine');

const ZUploadFields = z.object({
  corporateId: z.string().min(1).max(64),
  reference: z.string().min(1).max(64).optional(),
  paymentDate: z.iso.date().optional(),
});
const ZId = z.object({ id: z.string().regex(/^BP-[0-9A-F]{20}$/, 'a bulk payment id (BP-…)') });

/** Corporate bulk payments: upload, reconcile, approve (four eyes), post once. */
export function createBulkPaymentRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/bulk-payments',
      tags: ['bulk-payments'],
      summary:
        "Upload a corporate's payer list (CSV or .xlsx) with the bank statement carrying its payment (MT940 or camt.053)",
      roles: BULK_UPLOAD_ROLES,
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: ZUploadFields.extend({
                payerList: z
                  .custom<File>((v) => v instanceof File)
                  .openapi({
                    type: 'string',
                    format: 'binary',
                    description: 'CSV or .xlsx (first sheet): consumer_number, amount, bill_reference',
                  }),
                statement: z
                  .custom<File>((v) => v instanceof File)
                  .openapi({
                    type: 'string',
                    format: 'binary',
                    description: 'SWIFT MT940 or ISO 20022 camt.053 XML',
                  }),
              }),
            },
          },
        },
      },
      responses: {
        201: {
          description: 'stored; reconciliation runs in its workflow',
          content: { 'application/json': { schema: ZBatch } },
        },
        200: {
          description: 'these files were uploaded before: that batch',
          content: { 'application/json': { schema: ZBatch } },
        },
        ...problemResponses(404, 409, 413, 415, 503),
      },
    }),
    async (c) => {
      if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? ''))
        throw new HttpProblem(415, 'send multipart/form-data with corporateId, payerList and statement');
      const body = await c.req.parseBody().catch(() => {
        throw new HttpProblem(400, 'malformed multipart body', {
          errors: [{ field: '(body)', message: 'malformed multipart body' }],
        });
      });
      const fields = ZUploadFields.safeParse({
        corporateId: body.corporateId,
        reference: body.reference || undefined,
        paymentDate: body.paymentDate || undefined,
      });
      const errors = fields.success ? [] : fieldErrors(fields.error.issues);
      const file = (name: string) => {
        const part = body[name];
        if (part instanceof File) return part;
        errors.push({
          field: name,
          message: `attach the ${name === 'payerList' ? 'payer list (CSV or .xlsx)' : 'bank statement'} as a file part named "${name}"`,
        });
        return undefined;
      };
      const payerList = file('payerList');
      const statement = file('statement');
      if (!fields.success || !payerList || !statement)
        throw new HttpProblem(400, 'invalid upload', { errors });
      const { created, batch } = await uploadBulkPayment(deps, c.get('principal'), {
        ...fields.data,
        payerList: new Uint8Array(await payerList.arrayBuffer()),
        statement: new Uint8Array(await statement.arrayBuffer()),
      });
      return c.json(batch, created ? 201 : 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/bulk-payments',
      tags: ['bulk-payments'],
      summary: 'Bulk payments of the caller’s office and its sub-offices, newest first',
      roles: BULK_READ_ROLES,
      request: { query: z.object({ officeId: z.string().optional(), ...ZPageQuery }) },
      responses: {
        200: {
          description: 'a page of batches',
          content: { 'application/json': { schema: pageOf(ZBatch) } },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { officeId, page, pageSize } = c.req.valid('query');
      const { items, total } = await listBulkPaymentBatches(deps, c.get('principal'), {
        officeId,
        page,
        pageSize,
      });
      return c.json({ items, page, pageSize, total }, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/bulk-payments/{id}',
      tags: ['bulk-payments'],
      summary: 'A bulk payment: its report and a page of its lines (`lines=exception` for the exceptions)',
      roles: BULK_READ_ROLES,
      request: {
        params: ZId,
        query: z.object({
          lines: z.enum(['all', 'ready', 'exception', 'posted', 'reversed']).default('all'),
          ...ZPageQuery,
        }),
      },
      responses: {
        200: {
          description: 'the batch and a page of its lines',
          content: {
            'application/json': {
              schema: ZBatch.extend({
                reversed: ZMoneyCount.describe('posted lines whose payment was reversed since'),
                lines: pageOf(ZLine),
              }),
            },
          },
        },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { lines: status, page, pageSize } = c.req.valid('query');
      const batch = await readBulkPaymentBatch(deps, c.get('principal'), {
        id,
        lines: status,
        page,
        pageSize,
      });
      return c.json(batch as never, 200);
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/bulk-payments/{id}/report.csv',
      tags: ['bulk-payments'],
      summary: 'The batch report as CSV: one row per line with its outcome, then the totals',
      roles: BULK_READ_ROLES,
      request: { params: ZId },
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { filename, csv } = await bulkPaymentReportCsv(deps, c.get('principal'), { id });
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${filename}"`,
      });
    },
  );

  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/bulk-payments/{id}/report.pdf',
      tags: ['bulk-payments'],
      summary:
        'The batch report as a signed PDF (lines, posted, exceptions with reasons, totals, suspense, reversals), in `lang`',
      roles: BULK_READ_ROLES,
      request: {
        params: ZId,
        query: z.object({ lang: z.enum(['en', 'ml', 'hi', 'vi', 'ru']).default('en') }),
      },
      responses: {
        200: {
          description: 'PDF with an embedded CMS signature (pdfsig, any PDF reader)',
          content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...problemResponses(404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { lang } = c.req.valid('query');
      const { filename, pdf, sha256 } = await bulkPaymentReportPdf(deps, c.get('principal'), {
        id,
        language: lang,
      });
      return c.body(new Uint8Array(pdf), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${filename}"`,
        etag: `"${sha256}"`,
      });
    },
  );

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/bulk-payments/{id}/approve',
      tags: ['bulk-payments'],
      summary:
        'Approve posting (a supervisor or admin who did not upload it); posting then runs in the workflow',
      roles: BULK_APPROVER_ROLES,
      request: { params: ZId },
      responses: {
        202: {
          description: 'approved: posting runs (again: the same answer)',
          content: {
            'application/json': {
              schema: z.object({
                id: z.string(),
                status: z.string(),
                approvedBy: z.string().nullable(),
                approvedAt: z.string().nullable(),
              }),
            },
          },
        },
        ...problemResponses(404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const state = await approveBulkPayment(deps, c.get('principal'), { id });
      return c.json(
        {
          id,
          status: state.status,
          approvedBy: state.approvedBy ?? null,
          approvedAt: state.approvedAt ?? null,
        },
        202,
      );
    },
  );
  return app;
}
