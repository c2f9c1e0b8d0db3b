import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { documents, type TDocumentVerdict } from '../db/schema';
import { DOCUMENT_LIMITS, isPdf, judgeDocumentContent } from '../domain/document-content';
import { coded, ekycRefusalCode, type TCodedReason } from '../domain/upload-refusals';
import { checkIdNumber, ID_CHECK_WORDS, ID_TYPES, type TIdType } from '../domain/identity-numbers';
import type { TDocumentKind } from '../domain/catalogue';
import { sealBytes } from '../lib/at-rest';
import { ContentCheckFailed, createContentPool, type ContentPool } from '../lib/content-pool';
import { isZip, refuseZipDirectory } from '../lib/offline-ekyc';
import { DomainProblem, FailureType, type TFailureType } from '../domain/failures';
import type { UseCaseDeps } from './deps';

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
export type TDocumentFields = z.infer<typeof ZDocumentFields>;

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

/** What an offline e-KYC says, read from its signed part: shown to the uploader, sealed at rest. */
export type TEkycSummary = { name: string; address: string; pinCode: string };

/** A document judged and sealed, not yet stored. */
export type TJudgedDocument = {
  row: Omit<typeof documents.$inferInsert, 'uploadedBy' | 'uploadedAt' | 'kind' | 'kinds' | 'verdict'> & {
    kind: TDocumentKind;
    kinds: TDocumentKind[];
    mediaType: string;
    verdict: TDocumentVerdict;
  };
  ekyc?: TEkycSummary;
};

type TIntakeDeps = Pick<UseCaseDeps, 'db' | 'config' | 'contentPool' | 'ekycTrustAnchorsPem'>;
export type TDocumentIntake = ReturnType<typeof createDocumentIntake>;
const intakes = new WeakMap<TIntakeDeps, TDocumentIntake>();

/**
 * Judges an uploaded document by its content and stores it, content-addressed per consumer and
 * encrypted at rest. Shared by the upload use case and multipart submissions, which judge every
 * part before storing any. Parsing runs in the content worker pool, never on the calling thread.
 * The caller has checked the uploader may act for the consumer. One intake per `deps`, so a pool
 * made in the absence of `deps.contentPool` is made once.
 */
export function documentIntakeOf(deps: TIntakeDeps): TDocumentIntake {
  let intake = intakes.get(deps);
  if (!intake) intakes.set(deps, (intake = createDocumentIntake(deps)));
  return intake;
}

function createDocumentIntake(deps: TIntakeDeps) {
  let ownPool: ContentPool | undefined;
  const pool = () => deps.contentPool ?? (ownPool ??= createContentPool());

  /** A worker that ran out of time or memory is an answer about the file, not a server fault. */
  const offThread = async <T>(run: () => Promise<T>, at: FieldName): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ContentCheckFailed)) throw error;
      const type = error.reason === 'busy' ? FailureType.Unavailable : FailureType.Unprocessable;
      const code = error.reason === 'busy' ? 'check-busy' : 'check-too-heavy';
      throw new DomainProblem(type, error.message, {
        errors: [{ field: at('file'), message: error.message, code }],
      });
    }
  };

  const judgeFile = async (bytes: Uint8Array, at: FieldName) => {
    const pdf =
      isPdf(bytes) && bytes.length <= DOCUMENT_LIMITS.maxBytes
        ? await offThread(() => pool().pdfFacts(bytes), at)
        : undefined;
    const content = judgeDocumentContent(bytes, DOCUMENT_LIMITS, pdf);
    if (!content.ok) {
      throw new DomainProblem(FailureType.Unprocessable, content.reasons.join('; '), {
        errors: content.coded.map((reason) => ({ field: at('file'), ...reason })),
      });
    }
    const { sniffed } = content;
    return {
      mediaType: sniffed.mediaType,
      checks: {
        content: `${sniffed.mediaType}${sniffed.pages ? `, ${sniffed.pages} page(s)` : ''}${sniffed.width ? `, ${sniffed.width}×${sniffed.height}` : ''}`,
        ...(pdf
          ? {
              structure: `${pdf.objectStreams ? `${pdf.objectStreams} object stream(s)` : 'no object streams'}, ${pdf.incrementalUpdates} incremental update(s)`,
            }
          : {}),
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
    const refuse = (
      field: string,
      reason: TCodedReason,
      type: TFailureType = FailureType.Unprocessable,
    ): never => {
      throw new DomainProblem(type, reason.message, { errors: [{ field: at(field), ...reason }] });
    };
    if (!EKYC_KINDS.has(input.kind))
      refuse(
        'kind',
        coded(
          'ekyc-kind',
          'an offline e-KYC proves identity and address: upload it as kind identity or address',
        ),
      );
    if (!input.shareCode)
      refuse(
        'shareCode',
        coded(
          'ekyc-share-code-missing',
          'an offline e-KYC ZIP needs the share code set when it was downloaded',
        ),
        FailureType.InvalidInput,
      );
    const limitMiB = DOCUMENT_LIMITS.maxBytes / 1024 / 1024;
    if (bytes.length > DOCUMENT_LIMITS.maxBytes)
      refuse('file', coded('file-too-large', `the file is larger than ${limitMiB} MiB`, { limitMiB }));
    // Read from the End Of Central Directory record alone: cheap, and before anything walks the entries.
    const directory = refuseZipDirectory(bytes);
    if (directory) refuse('file', coded('ekyc-damaged', directory));
    const ekyc = await offThread(
      () =>
        pool().offlineEkyc(bytes, {
          shareCode: input.shareCode!,
          trustAnchorsPem: deps.ekycTrustAnchorsPem,
          mobile: input.mobile,
          email: input.email,
        }),
      at,
    );
    if (!ekyc.ok) {
      const fieldOf = (reason: string) =>
        /share code/.test(reason)
          ? 'shareCode'
          : /mobile/.test(reason)
            ? 'mobile'
            : /email/.test(reason)
              ? 'email'
              : 'file';
      throw new DomainProblem(FailureType.Unprocessable, ekyc.reasons.join('; '), {
        errors: ekyc.reasons.map((message) => ({
          field: at(fieldOf(message)),
          message,
          code: ekycRefusalCode(message),
        })),
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

  /** Every check, no writes: a multipart submission judges all its parts before storing one. */
  const judge = async (upload: TDocumentUpload, at: FieldName = (f) => f): Promise<TJudgedDocument> => {
    const { consumerNumber, kind, idType, idNumber, shareCode, mobile, email, file } = upload;
    const profile = deps.config.profile;
    if (idType && !profile.identityDocuments.some((d) => d.kind === idType)) {
      const kinds = profile.identityDocuments.map((d) => d.kind).join(', ');
      throw new DomainProblem(FailureType.InvalidInput, `${profile.shortName} accepts ${kinds}`, {
        errors: [{ field: at('idType'), message: `not an identity document here; one of: ${kinds}` }],
      });
    }
    const idCheck = idType && idNumber ? checkIdNumber(idType, idNumber) : undefined;
    if (idCheck && !idCheck.ok)
      throw new DomainProblem(FailureType.Unprocessable, idCheck.reason!, {
        errors: [{ field: at('idNumber'), message: idCheck.reason!, code: idCheck.code }],
      });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const documentId = createHash('sha256').update(`${consumerNumber}:${sha256}`).digest('hex');
    if (isZip(bytes) && !profile.ekyc.includes('uidai-offline'))
      throw new DomainProblem(FailureType.Unprocessable, `${profile.shortName} accepts no offline e-KYC files`, {
        errors: [{ field: at('file'), message: 'upload a PDF, JPEG or PNG of the document' }],
      });
    const judged = isZip(bytes)
      ? await judgeOfflineEkyc(bytes, { kind, shareCode, mobile, email }, at)
      : await judgeFile(bytes, at);
    const verdict = {
      ok: true,
      reasons: [],
      checks: {
        ...judged.checks,
        size: `${bytes.length} bytes`,
        ...(idCheck
          ? {
              idNumber: `${idType} ${idCheck.masked} (${ID_CHECK_WORDS[idType!]})`,
            }
          : {}),
      },
    };
    const extracted = judged.extracted
      ? sealBytes(
          deps.config.payloadCodec,
          Buffer.from(JSON.stringify(judged.extracted)),
          `${documentId}/extracted`,
        ).sealed
      : null;
    const ekyc: TEkycSummary | undefined = judged.extracted && {
      name: judged.extracted.name,
      address: judged.extracted.address,
      pinCode: judged.extracted.pinCode,
    };
    const fileName = (file.name || 'upload').replace(/[^\w.\- ]+/g, '_').slice(0, 200);
    const { keyId, sealed } = sealBytes(deps.config.payloadCodec, bytes, documentId);
    return {
      row: {
        id: documentId,
        sha256,
        consumerNumber,
        kind,
        kinds: [kind],
        fileName,
        mediaType: judged.mediaType,
        sizeBytes: bytes.length,
        keyId,
        ciphertext: sealed,
        extracted,
        verdict,
      },
      ekyc,
    };
  };

  /**
   * Stores a judged document. The same file again for the same consumer is the same document: a
   * new kind is added to the kinds it serves (one Aadhaar proves identity and address), and the
   * answer shows what is stored.
   */
  const save = async (db: Pick<Database, 'insert'>, uploadedBy: string, judged: TJudgedDocument) => {
    const { row, ekyc } = judged;
    const [stored] = await db
      .insert(documents)
      .values({ ...row, uploadedBy })
      .onConflictDoUpdate({
        target: documents.id,
        set: {
          kinds: sql`case when ${row.kind} = any(${documents.kinds}) then ${documents.kinds} else array_append(${documents.kinds}, ${row.kind}::text) end`,
        },
      })
      .returning({
        kinds: documents.kinds,
        fileName: documents.fileName,
        // a row inserted by this statement has no deleting transaction id
        created: sql<boolean>`(xmax = 0)`,
      });
    const document = {
      documentId: row.id,
      sha256: row.sha256,
      kind: row.kind,
      kinds: stored!.kinds as TDocumentKind[],
      fileName: stored!.fileName,
      mediaType: row.mediaType,
      sizeBytes: row.sizeBytes,
      verdict: row.verdict,
      ...(ekyc ? { ekyc } : {}),
    };
    return { created: stored!.created, document };
  };

  return {
    judge,
    save,
    async store(uploadedBy: string, upload: TDocumentUpload, at: FieldName = (f) => f) {
      return save(deps.db, uploadedBy, await judge(upload, at));
    },
  };
}
