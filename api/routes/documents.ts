import { z } from '@hono/zod-openapi';
import { ZDocumentKind } from '../../domain/catalogue';
import { ZConsumerNumber } from '../../domain/consumer';
import { ID_TYPES } from '../../domain/identity-numbers';
import { ZDocumentFields } from '../../use-cases/document-intake';
import { DOCUMENT_ROLES, readUploadFields, uploadDocument } from '../../use-cases/upload-document';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

const ZDocument = z
  .object({
    documentId: z.string().describe('content address (per consumer); pass it in a service request'),
    sha256: z.string().describe('SHA-256 of the file'),
    kind: ZDocumentKind.describe('the kind this upload was sent as'),
    kinds: z
      .array(ZDocumentKind)
      .describe('every kind this document serves: the same file uploaded again as another kind adds it'),
    fileName: z.string().describe('the name it was first stored under'),
    mediaType: z.string(),
    sizeBytes: z.number().int(),
    verdict: z.object({
      ok: z.boolean(),
      reasons: z.array(z.string()),
      checks: z.record(z.string(), z.string()),
    }),
    ekyc: z
      .object({ name: z.string(), address: z.string(), pinCode: z.string() })
      .optional()
      .describe('offline e-KYC: what its signed part says, for the consumer to check'),
  })
  .openapi('Document');

/** A form sends an unfilled field as an empty string: the same as leaving it out. */
const orEmpty = <T extends z.ZodType>(schema: T) => z.union([z.literal(''), schema]).optional();

/** Upload first, then cite the documentId in a service request: content-addressed, encrypted at rest. */
export function createDocumentRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    secureRoute({
      method: 'post',
      path: '/v1/documents',
      tags: ['documents'],
      summary:
        'Upload a KYC or proof document (PDF, JPEG, PNG, or an Aadhaar Paperless Offline e-KYC ZIP with its share code; judged by content)',
      roles: DOCUMENT_ROLES,
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({
                consumerNumber: ZConsumerNumber,
                kind: ZDocumentKind,
                idType: orEmpty(z.enum(ID_TYPES)).describe('for identity documents: the ID printed on it'),
                idNumber: orEmpty(ZDocumentFields.shape.idNumber.unwrap()).describe(
                  'checked (Aadhaar by Verhoeff, PAN by pattern), stored masked only',
                ),
                shareCode: orEmpty(ZDocumentFields.shape.shareCode.unwrap()).describe(
                  'for an Aadhaar Paperless Offline e-KYC ZIP: the share code that opens it',
                ),
                mobile: z
                  .string()
                  .optional()
                  .describe(
                    'e-KYC: checked against the signed mobile hash (10 digits; spaces and dashes ignored)',
                  ),
                email: orEmpty(ZDocumentFields.shape.email.unwrap()).describe(
                  'e-KYC: checked against the signed e-mail hash',
                ),
                file: z
                  .custom<File>((v) => v instanceof File, 'attach the document as a file part named "file"')
                  .openapi({ type: 'string', format: 'binary' }),
              }),
            },
          },
        },
      },
      responses: {
        201: { description: 'stored (new)', content: { 'application/json': { schema: ZDocument } } },
        200: {
          description: 'already stored (same content); a new kind is added to its kinds',
          content: { 'application/json': { schema: ZDocument } },
        },
        ...problemResponses(400, 404, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
        throw new HttpProblem(415, 'send multipart/form-data with fields consumerNumber, kind and file');
      }
      const body = await c.req.parseBody().catch(() => {
        throw new HttpProblem(400, 'malformed multipart body');
      });
      const fields = readUploadFields(body);
      const file = body.file;
      const errors = [...(fields.success ? [] : (fieldErrors(fields.error.issues) ?? []))];
      if (!(file instanceof File))
        errors.push({ field: 'file', message: 'attach the document as a file part named "file"' });
      if (!fields.success || !(file instanceof File))
        throw new HttpProblem(400, 'invalid upload', { errors });
      const { created, document } = await uploadDocument(deps, c.get('principal'), { ...fields.data, file });
      return created ? c.json(document, 201) : c.json(document, 200);
    },
  );
  return app;
}
