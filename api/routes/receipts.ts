import { createRoute, z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { receipts } from '../../db/schema';
import { ZRequestNumber } from '../../domain/request-number';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const MAX_RECEIPT_BYTES = 5 * 1024 * 1024;

const ZVerdict = z
  .object({
    valid: z.boolean(),
    reasons: z.array(z.string()).describe('why it is not valid (empty when valid)'),
    requestNumber: z.string().optional(),
    revision: z.number().int().optional(),
    signer: z
      .object({
        subject: z.string(),
        issuer: z.string(),
        serialNumber: z.string(),
        fingerprintSha256: z.string(),
      })
      .optional(),
    signedAt: z.string().optional(),
    sha256: z.string(),
    issued: z
      .boolean()
      .describe('this exact file is the receipt Seva issued for that request (SHA-256 on record)'),
  })
  .openapi('ReceiptVerdict');

/**
 * Public receipt checks: anyone holding a receipt can verify it (upload), and the QR code on a
 * receipt leads to what is on record for its request. Neither shows personal data.
 */
export function createReceiptRoutes(deps: AppDeps) {
  const app = createRouter();
  const onRecord = (requestNumber: string) =>
    deps.db
      .select({
        revision: receipts.revision,
        service: receipts.service,
        sha256: receipts.sha256,
        issuedAt: receipts.issuedAt,
        signer: receipts.signerSubject,
      })
      .from(receipts)
      .where(eq(receipts.requestNumber, requestNumber))
      .orderBy(asc(receipts.revision));

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/receipts/verify',
      tags: ['receipts'],
      'x-roles': ['public'],
      summary: 'Verify a receipt PDF: valid or not, who signed it, for which request (no login needed)',
      description:
        "Send the PDF as the body (`content-type: application/pdf`) or as a multipart part named `file`. The signature must cover the whole file and chain to the utility's trusted root.",
      request: {
        body: {
          content: {
            // Declared as PDF only: declaring multipart too would make the validator refuse raw PDFs.
            'application/pdf': { schema: z.any().openapi({ type: 'string', format: 'binary' }) },
          },
          required: false,
        },
      },
      responses: {
        200: { description: 'the verdict', content: { 'application/json': { schema: ZVerdict } } },
        ...problemResponses(400, 413, 415),
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      let pdf: Buffer;
      if (type.startsWith('application/pdf')) {
        pdf = Buffer.from(await c.req.arrayBuffer());
      } else if (type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody().catch(() => {
          throw new HttpProblem(400, 'unreadable multipart body');
        });
        if (!(body.file instanceof File))
          throw new HttpProblem(400, 'no file', {
            errors: [{ field: 'file', message: 'attach the receipt as a file part named "file"' }],
          });
        pdf = Buffer.from(await body.file.arrayBuffer());
      } else {
        throw new HttpProblem(415, 'send the PDF as application/pdf or multipart/form-data (part "file")');
      }
      if (pdf.length === 0)
        throw new HttpProblem(400, 'empty file', {
          errors: [{ field: 'file', message: 'the file is empty' }],
        });
      if (pdf.length > MAX_RECEIPT_BYTES)
        throw new HttpProblem(413, `a receipt is at most ${MAX_RECEIPT_BYTES / 1024 / 1024} MiB`);
      const verdict = await deps.verifyReceipt(pdf);
      const issued =
        verdict.requestNumber !== undefined &&
        (await onRecord(verdict.requestNumber)).some((r) => r.sha256 === verdict.sha256);
      return c.json({ ...verdict, issued }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/receipts/{requestNumber}',
      tags: ['receipts'],
      'x-roles': ['public'],
      summary: "What is on record for a request's receipts (the QR code on a receipt leads here)",
      request: { params: z.object({ requestNumber: ZRequestNumber }) },
      responses: {
        200: {
          description: 'receipts issued for the request, oldest first',
          content: {
            'application/json': {
              schema: z.object({
                requestNumber: z.string(),
                receipts: z.array(
                  z.object({
                    revision: z.number().int(),
                    service: z.string(),
                    sha256: z.string(),
                    issuedAt: z.string(),
                    signer: z.string(),
                  }),
                ),
                verifyWith: z.string(),
              }),
            },
          },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { requestNumber } = c.req.valid('param');
      const rows = await onRecord(requestNumber);
      if (rows.length === 0) throw new HttpProblem(404, `no receipt has been issued for ${requestNumber}`);
      return c.json(
        {
          requestNumber,
          receipts: rows.map((r) => ({ ...r, issuedAt: r.issuedAt.toISOString() })),
          verifyWith: 'POST /v1/receipts/verify with the PDF',
        },
        200,
      );
    },
  );
  return app;
}
