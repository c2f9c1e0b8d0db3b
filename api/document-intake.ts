import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { documents } from '../db/schema';
import { DOCUMENT_LIMITS, judgeDocumentContent } from '../domain/document-content';
import { checkIdNumber, ID_TYPES, type TIdType } from '../domain/identity-numbers';
import type { TDocumentKind } from '../domain/catalogue';
import { sealBytes } from '../lib/at-rest';
import { isZip, readOfflineEkyc } from '../lib/offline-ekyc';
import { HttpProblem } from './problem';
import type { AppDeps } from './types';

const EKYC_KINDS = new Set(['identity', 'address']);

/** The optional fields that travel with a document: an ID number on it, or an e-KYC's share code and contacts. */
export const ZDocumentFields = z.object({
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

/** Names a bad input in an error: `file` on POST /v1/documents, `documents.address` on a multipart submission. */
export type FieldName = (field: string) => string;

export type TDocumentUpload = {
  consumerNumber: string;
  kind: TDocumentKind;
  file: File;
  idType?: TIdType;
  idNumber?: string;
  shareCode?: string;
  mobile?: string;
  email?: string;
};

/**
 * Judges an uploaded document by its content and stores it, content-addressed per consumer and
 * encrypted at rest. Shared by the upload endpoint and multipart submissions. The caller has
 * checked the uploader may act for the consumer.
 */
export function createDocumentIntake(deps: AppDeps) {
  const judgeFile = (bytes: Uint8Array, at: FieldName) => {
    const content = judgeDocumentContent(bytes);
    if (!content.ok) {
      throw new HttpProblem(422, content.reasons.join('; '), {
        errors: content.reasons.map((message) => ({ field: at('file'), message })),
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
    at: FieldName,
  ) => {
    const refuse = (field: string, message: string, status: 400 | 422 = 422): never => {
      throw new HttpProblem(status, message, { errors: [{ field: at(field), message }] });
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
        errors: ekyc.reasons.map((message) => ({ field: at(fieldOf(message)), message })),
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

  return {
    async store(uploadedBy: string, upload: TDocumentUpload, at: FieldName = (f) => f) {
      const { consumerNumber, kind, idType, idNumber, shareCode, mobile, email, file } = upload;
      const idCheck = idType && idNumber ? checkIdNumber(idType, idNumber) : undefined;
      if (idCheck && !idCheck.ok)
        throw new HttpProblem(422, idCheck.reason, {
          errors: [{ field: at('idNumber'), message: idCheck.reason! }],
        });
      const bytes = new Uint8Array(await file.arrayBuffer());
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const documentId = createHash('sha256').update(`${consumerNumber}:${sha256}`).digest('hex');
      const judged = isZip(bytes)
        ? await judgeOfflineEkyc(bytes, { kind, shareCode, mobile, email }, at)
        : judgeFile(bytes, at);
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
          uploadedBy,
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
      return { created: inserted.length > 0, document: result };
    },
  };
}
