import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { documents } from '../../db/schema';
import { ZDocumentKind } from '../../domain/catalogue';
import { ZConsumerNumber } from '../../domain/consumer';
import { judgeDocumentContent } from '../../domain/document-content';
import { checkIdNumber, ID_TYPES } from '../../domain/identity-numbers';
import { sealBytes } from '../../lib/at-rest';
import { assertConsumerAccess, secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

export const DOCUMENT_ROLES = ['consumer', 'agent', 'executive', 'supervisor', 'admin'] as const;

const ZDocument = z
  .object({
    documentId: z.string().describe('content address (per consumer); pass it in a service request'),
    sha256: z.string().describe('SHA-256 of the file'),
    kind: ZDocumentKind,
    fileName: z.string(),
    mediaType: z.string(),
    sizeBytes: z.number().int(),
    verdict: z.object({
      ok: z.boolean(),
      reasons: z.array(z.string()),
      checks: z.record(z.string(), z.string()),
    }),
  })
  .openapi('Document');

const ZUploadFields = z.object({
  consumerNumber: ZConsumerNumber,
  kind: ZDocumentKind,
  idType: z.enum(ID_TYPES).optional(),
  idNumber: z.string().trim().max(20).optional(),
});

/** Upload first, then cite the documentId in a service request: content-addressed, encrypted at rest. */
export function createDocumentRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/documents',
      tags: ['documents'],
      summary: 'Upload a KYC or proof document (PDF, JPEG or PNG; judged by content)',
      roles: DOCUMENT_ROLES,
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({
                consumerNumber: ZConsumerNumber,
                kind: ZDocumentKind,
                idType: z.enum(ID_TYPES).optional().describe('for identity documents: the ID printed on it'),
                idNumber: z
                  .string()
                  .optional()
                  .describe('checked (Aadhaar by Verhoeff, PAN by pattern), stored masked only'),
                file: z.any().openapi({ type: 'string', format: 'binary' }),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'stored (new)', content: { 'application/json': { schema: ZDocument } } },
        200: {
          description: 'already stored (same content)',
          content: { 'application/json': { schema: ZDocument } },
        },
        ...problemResponses(400, 413, 415, 422),
      },
    }),
    async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
        throw new HttpProblem(415, 'send multipart/form-data with fields consumerNumber, kind and file');
      }
      const body = await c.req.parseBody().catch(() => {
        throw new HttpProblem(400, 'malformed multipart body');
      });
      const fields = ZUploadFields.safeParse({
        consumerNumber: body.consumerNumber,
        kind: body.kind,
        idType: body.idType || undefined,
        idNumber: body.idNumber || undefined,
      });
      const file = body.file;
      const errors = [...(fields.success ? [] : (fieldErrors(fields.error.issues) ?? []))];
      if (!(file instanceof File))
        errors.push({ field: 'file', message: 'attach the document as a file part named "file"' });
      if (!fields.success || !(file instanceof File))
        throw new HttpProblem(400, 'invalid upload', { errors });
      const { consumerNumber, kind, idType, idNumber } = fields.data;
      if (Boolean(idType) !== Boolean(idNumber)) {
        throw new HttpProblem(400, 'idType and idNumber go together', {
          errors: [{ field: idType ? 'idNumber' : 'idType', message: 'send idType and idNumber together' }],
        });
      }
      const idCheck = idType && idNumber ? checkIdNumber(idType, idNumber) : undefined;
      if (idCheck && !idCheck.ok)
        throw new HttpProblem(422, idCheck.reason, {
          errors: [{ field: 'idNumber', message: idCheck.reason! }],
        });
      await assertConsumerAccess(c, deps.db, consumerNumber);

      const bytes = new Uint8Array(await file.arrayBuffer());
      const content = judgeDocumentContent(bytes);
      if (!content.ok) {
        throw new HttpProblem(422, content.reasons.join('; '), {
          errors: content.reasons.map((message) => ({ field: 'file', message })),
        });
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const documentId = createHash('sha256').update(`${consumerNumber}:${sha256}`).digest('hex');
      const verdict = {
        ok: true,
        reasons: [],
        checks: {
          content: `${content.sniffed.mediaType}${content.sniffed.pages ? `, ${content.sniffed.pages} page(s)` : ''}${content.sniffed.width ? `, ${content.sniffed.width}×${content.sniffed.height}` : ''}`,
          size: `${bytes.length} bytes`,
          ...(idCheck
            ? {
                idNumber: `${idType} ${idCheck.masked} (${idType === 'aadhaar' ? 'Verhoeff check digit ok' : 'format ok'})`,
              }
            : {}),
        },
      };
      const fileName = (file.name || 'upload').replace(/[^\w.\- ]+/g, '_').slice(0, 200);
      const { keyId, sealed } = sealBytes(deps.config.payloadCodec, bytes, documentId);
      const inserted = await deps.db
        .insert(documents)
        .values({
          id: documentId,
          sha256,
          consumerNumber,
          kind,
          fileName,
          mediaType: content.sniffed.mediaType,
          sizeBytes: bytes.length,
          keyId,
          ciphertext: sealed,
          verdict,
          uploadedBy: c.get('principal').subject,
        })
        .onConflictDoNothing({ target: documents.id })
        .returning({ id: documents.id });
      const result = {
        documentId,
        sha256,
        kind,
        fileName,
        mediaType: content.sniffed.mediaType,
        sizeBytes: bytes.length,
        verdict,
      };
      return inserted.length ? c.json(result, 201) : c.json(result, 200);
    },
  );
  return app;
}
