import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { documents } from '../../db/schema';
import { ZDocumentKind } from '../../domain/catalogue';
import { ZConsumerNumber } from '../../domain/consumer';
import { DOCUMENT_LIMITS, judgeDocumentContent } from '../../domain/document-content';
import { checkIdNumber, ID_TYPES } from '../../domain/identity-numbers';
import { sealBytes } from '../../lib/at-rest';
import { isZip, readOfflineEkyc } from '../../lib/offline-ekyc';
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
  shareCode: z
    .string()
    .regex(/^[A-Za-z0-9]{4}$/, 'the 4-character share code set when downloading the e-KYC')
    .optional(),
  mobile: z
    .string()
    .regex(/^(\+?91)?[6-9]\d{9}$/, 'a 10-digit Indian mobile number')
    .optional(),
  email: z.email().optional(),
});

const EKYC_KINDS = new Set(['identity', 'address']);

/** Upload first, then cite the documentId in a service request: content-addressed, encrypted at rest. */
export function createDocumentRoutes(deps: AppDeps) {
  const app = createRouter();

  const judgeFile = (bytes: Uint8Array) => {
    const content = judgeDocumentContent(bytes);
    if (!content.ok) {
      throw new HttpProblem(422, content.reasons.join('; '), {
        errors: content.reasons.map((message) => ({ field: 'file', message })),
      });
    }
    const { sniffed } = content;
    return {
      mediaType: sniffed.mediaType,
      checks: {
        content: `${sniffed.mediaType}${sniffed.pages ? `, ${sniffed.pages} page(s)` : ''}${sniffed.width ? `, ${sniffed.width}×${sniffed.height}` : ''}`,
      },
      extracted: undefined,
    };
  };

  /** An Aadhaar Paperless Offline e-KYC ZIP: opened with the share code, signature checked, data read from the signed part. */
  const judgeOfflineEkyc = async (
    bytes: Uint8Array,
    input: { kind: string; shareCode?: string; mobile?: string; email?: string },
  ) => {
    const refuse = (field: string, message: string, status: 400 | 422 = 422): never => {
      throw new HttpProblem(status, message, { errors: [{ field, message }] });
    };
    if (!EKYC_KINDS.has(input.kind))
      refuse('kind', 'an offline e-KYC proves identity and address: upload it as kind identity or address');
    if (!input.shareCode)
      refuse('shareCode', 'an offline e-KYC ZIP needs the share code set when it was downloaded', 400);
    if (bytes.length > DOCUMENT_LIMITS.maxBytes)
      refuse('file', `the file is larger than ${DOCUMENT_LIMITS.maxBytes / 1024 / 1024} MiB`);
    const ekyc = await readOfflineEkyc(bytes, {
      shareCode: input.shareCode!,
      trustAnchorsPem: deps.ekycTrustAnchorsPem,
      mobile: input.mobile,
      email: input.email,
    });
    if (!ekyc.ok) {
      const fieldOf = (reason: string) =>
        /share code/.test(reason)
          ? 'shareCode'
          : /mobile/.test(reason)
            ? 'mobile'
            : /email/.test(reason)
              ? 'email'
              : 'file';
      throw new HttpProblem(422, ekyc.reasons.join('; '), {
        errors: ekyc.reasons.map((message) => ({ field: fieldOf(message), message })),
      });
    }
    const data = ekyc.data!;
    return {
      mediaType: 'application/zip',
      checks: {
        ...ekyc.checks,
        content: 'Aadhaar Paperless Offline e-KYC',
        aadhaar: `XXXX-XXXX-${data.aadhaarLast4}`,
        photo: data.hasPhoto ? 'present' : 'absent',
      },
      extracted: {
        name: data.name,
        address: data.address,
        pinCode: data.pinCode,
        dob: data.dob,
        gender: data.gender,
      },
    };
  };

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
                idType: z.enum(ID_TYPES).optional().describe('for identity documents: the ID printed on it'),
                idNumber: z
                  .string()
                  .optional()
                  .describe('checked (Aadhaar by Verhoeff, PAN by pattern), stored masked only'),
                shareCode: z
                  .string()
                  .optional()
                  .describe('for an Aadhaar Paperless Offline e-KYC ZIP: the share code that opens it'),
                mobile: z.string().optional().describe('e-KYC: checked against the signed mobile hash'),
                email: z.string().optional().describe('e-KYC: checked against the signed e-mail hash'),
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
        shareCode: body.shareCode || undefined,
        mobile: typeof body.mobile === 'string' ? body.mobile.replace(/[\s-]/g, '') || undefined : undefined,
        email: body.email || undefined,
      });
      const file = body.file;
      const errors = [...(fields.success ? [] : (fieldErrors(fields.error.issues) ?? []))];
      if (!(file instanceof File))
        errors.push({ field: 'file', message: 'attach the document as a file part named "file"' });
      if (!fields.success || !(file instanceof File))
        throw new HttpProblem(400, 'invalid upload', { errors });
      const { consumerNumber, kind, idType, idNumber, shareCode, mobile, email } = fields.data;
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
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const documentId = createHash('sha256').update(`${consumerNumber}:${sha256}`).digest('hex');
      const judged = isZip(bytes)
        ? await judgeOfflineEkyc(bytes, { kind, shareCode, mobile, email })
        : judgeFile(bytes);
      const verdict = {
        ok: true,
        reasons: [],
        checks: {
          ...judged.checks,
          size: `${bytes.length} bytes`,
          ...(idCheck
            ? {
                idNumber: `${idType} ${idCheck.masked} (${idType === 'aadhaar' ? 'Verhoeff check digit ok' : 'format ok'})`,
              }
            : {}),
        },
      };
      const mediaType = judged.mediaType;
      const extracted = judged.extracted
        ? sealBytes(
            deps.config.payloadCodec,
            Buffer.from(JSON.stringify(judged.extracted)),
            `${documentId}/extracted`,
          ).sealed
        : null;
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
          mediaType,
          sizeBytes: bytes.length,
          keyId,
          ciphertext: sealed,
          extracted,
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
        mediaType,
        sizeBytes: bytes.length,
        verdict,
      };
      return inserted.length ? c.json(result, 201) : c.json(result, 200);
    },
  );
  return app;
}
