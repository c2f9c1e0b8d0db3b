/**
 * Why an upload is refused, as a code the pages put in the reader's words
 * (messages/portal/<lang>.json, `refusal.<code>`) with its values; the JSON API keeps the English
 * sentence as each error's `message` and adds the code and values beside it.
 */
export const UPLOAD_REFUSALS = [
  'file-empty',
  'file-too-large',
  'file-type',
  'pdf-encrypted',
  'pdf-unreadable',
  'pdf-too-many-pages',
  'image-damaged',
  'image-too-large',
  'image-too-small',
  'aadhaar-format',
  'aadhaar-check-digit',
  'pan-format',
  'id-incomplete',
  'ekyc-kind',
  'ekyc-share-code-missing',
  'ekyc-share-code-wrong',
  'ekyc-damaged',
  'ekyc-not-genuine',
  'ekyc-not-configured',
  'ekyc-mobile-mismatch',
  'ekyc-email-mismatch',
  'check-busy',
  'check-too-heavy',
] as const;
export type TUploadRefusal = (typeof UPLOAD_REFUSALS)[number];

/** A reason with its code: what the API says in English, and what the pages say in words. */
export type TCodedReason = { code: TUploadRefusal; message: string; values?: Record<string, number> };

export const coded = (
  code: TUploadRefusal,
  message: string,
  values?: Record<string, number>,
): TCodedReason => (values ? { code, message, values } : { code, message });

/**
 * The code of an offline e-KYC reason (lib/offline-ekyc.ts words them; they come back from the
 * content worker as text). A consumer needs to know what to do, not which XML check failed: a
 * damaged ZIP, a wrong share code, a file that is not genuine, data that does not match.
 */
export function ekycRefusalCode(reason: string): TUploadRefusal {
  if (/share code does not open/.test(reason)) return 'ekyc-share-code-wrong';
  if (/not protected by a share code/.test(reason)) return 'ekyc-not-genuine';
  if (/mobile given is not/.test(reason)) return 'ekyc-mobile-mismatch';
  if (/email given is not/.test(reason)) return 'ekyc-email-mismatch';
  if (/no trusted e-KYC certificate/.test(reason)) return 'ekyc-not-configured';
  if (/ZIP|XML inside|one XML file|e-KYC XML file/.test(reason)) return 'ekyc-damaged';
  return 'ekyc-not-genuine';
}
