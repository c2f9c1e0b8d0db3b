import { coded, type TCodedReason } from './upload-refusals';
/**
 * Judges an uploaded file by its content, never its name: magic bytes, size, and page / pixel
 * limits; encrypted PDFs are refused because nobody could read them. Pure: bytes and, for a PDF,
 * the facts a real parser read from it (lib/pdf-facts.ts, run in the content worker pool) in,
 * verdict out.
 */
export const DOCUMENT_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxPdfPages: 30,
  maxPixels: 40_000_000,
  minPixels: 200 * 200,
};

/** What a PDF parser found; the page count walks the page tree, encryption is judged however names are spelt. */
export type TPdfFacts = {
  pages: number;
  encrypted: boolean;
  objectStreams: number;
  incrementalUpdates: number;
  /** why no page tree could be read, when it could not */
  problem?: string;
};

export type TSniffed = {
  mediaType: 'application/pdf' | 'image/jpeg' | 'image/png' | 'unknown';
  pages?: number;
  width?: number;
  height?: number;
  encrypted?: boolean;
  objectStreams?: number;
  incrementalUpdates?: number;
};

/** `reasons`: the English sentences; `coded`: the same, each with its code (domain/upload-refusals.ts). */
export type TContentVerdict = { ok: boolean; reasons: string[]; coded: TCodedReason[]; sniffed: TSniffed };

const startsWith = (b: Uint8Array, sig: number[]) => sig.every((v, i) => b[i] === v);

function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  // IHDR is the first chunk: width and height are big-endian uint32 at bytes 16 and 20.
  if (b.length < 24) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    }
    i += 2 + length;
  }
  return undefined;
}

export const isPdf = (bytes: Uint8Array) => startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]);

export function sniffDocument(bytes: Uint8Array, pdf?: TPdfFacts): TSniffed {
  if (isPdf(bytes)) {
    if (!pdf) return { mediaType: 'application/pdf' };
    const { problem: _problem, ...facts } = pdf;
    return { mediaType: 'application/pdf', ...facts };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', ...jpegSize(bytes) };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', ...pngSize(bytes) };
  return { mediaType: 'unknown' };
}

/** `pdf`: the parser's facts, required to accept a PDF (without them a PDF has no readable pages). */
export function judgeDocumentContent(
  bytes: Uint8Array,
  limits = DOCUMENT_LIMITS,
  pdf?: TPdfFacts,
): TContentVerdict {
  const found: TCodedReason[] = [];
  const reasons = { push: (r: TCodedReason) => found.push(r) };
  if (bytes.length === 0) {
    const empty = coded('file-empty', 'the file is empty');
    return { ok: false, reasons: [empty.message], coded: [empty], sniffed: { mediaType: 'unknown' } };
  }
  if (bytes.length > limits.maxBytes)
    reasons.push(
      coded('file-too-large', `the file is ${bytes.length} bytes; the limit is ${limits.maxBytes}`, {
        limitMiB: limits.maxBytes / 1024 / 1024,
      }),
    );
  const sniffed = sniffDocument(bytes, pdf);
  if (sniffed.mediaType === 'unknown') {
    reasons.push(coded('file-type', 'not a PDF, JPEG or PNG file (judged by its content, not its name)'));
  } else if (sniffed.mediaType === 'application/pdf') {
    if (sniffed.encrypted)
      reasons.push(
        coded('pdf-encrypted', 'the PDF is password-protected or encrypted; upload an unprotected copy'),
      );
    if (!sniffed.pages)
      reasons.push(
        coded('pdf-unreadable', `the PDF has no readable pages${pdf?.problem ? ` (${pdf.problem})` : ''}`),
      );
    else if (sniffed.pages > limits.maxPdfPages)
      reasons.push(
        coded(
          'pdf-too-many-pages',
          `the PDF has ${sniffed.pages} pages; the limit is ${limits.maxPdfPages}`,
          {
            pages: sniffed.pages,
            limit: limits.maxPdfPages,
          },
        ),
      );
  } else if (!sniffed.width || !sniffed.height) {
    reasons.push(coded('image-damaged', 'the image is damaged (no size found)'));
  } else {
    const pixels = sniffed.width * sniffed.height;
    if (pixels > limits.maxPixels)
      reasons.push(
        coded(
          'image-too-large',
          `the image is ${sniffed.width}×${sniffed.height}; the limit is ${limits.maxPixels} pixels`,
          { width: sniffed.width, height: sniffed.height },
        ),
      );
    if (pixels < limits.minPixels)
      reasons.push(
        coded('image-too-small', `the image is ${sniffed.width}×${sniffed.height}, too small to read`, {
          width: sniffed.width,
          height: sniffed.height,
        }),
      );
  }
  return { ok: found.length === 0, reasons: found.map((r) => r.message), coded: found, sniffed };
}
