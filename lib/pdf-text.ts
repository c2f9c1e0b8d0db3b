import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';

/**
 * Text in the consumer's script for the PDFs Seva prints (receipts, post letters). pdfkit shapes
 * with foliojs fontkit, whose Indic shaper forms Malayalam and Devanagari conjuncts (pdf-lib's
 * fontkit does not: pdf-lib#1409). One Noto family per script; everything that is neither
 * Malayalam nor Devanagari goes to Noto Sans, which covers Latin, Vietnamese and Cyrillic.
 */
export const FONT_PACKAGE = 'fonts-noto-core';
const FONT_FILES = {
  latin: { regular: 'NotoSans-Regular.ttf', bold: 'NotoSans-Bold.ttf' },
  malayalam: { regular: 'NotoSansMalayalam-Regular.ttf', bold: 'NotoSansMalayalam-Bold.ttf' },
  devanagari: { regular: 'NotoSansDevanagari-Regular.ttf', bold: 'NotoSansDevanagari-Bold.ttf' },
} as const;
type TScript = keyof typeof FONT_FILES;
type TWeight = 'regular' | 'bold';
export type TPdfFonts = Record<TScript, Record<TWeight, Buffer>>;

/** Reads the font files once; a missing file names the package that brings it. */
export function loadPdfFonts(dir: string): TPdfFonts {
  const missing = Object.values(FONT_FILES)
    .flatMap((w) => Object.values(w))
    .filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0)
    throw new Error(
      `PDF fonts missing in ${dir}: ${missing.join(', ')}. Install Debian's ${FONT_PACKAGE} ` +
        `(apt-get install -y ${FONT_PACKAGE}) or point PDF_FONT_DIR at a directory holding these Noto fonts.`,
    );
  const read = (w: { regular: string; bold: string }) => ({
    regular: readFileSync(join(dir, w.regular)),
    bold: readFileSync(join(dir, w.bold)),
  });
  return {
    latin: read(FONT_FILES.latin),
    malayalam: read(FONT_FILES.malayalam),
    devanagari: read(FONT_FILES.devanagari),
  };
}

const scriptOf = (ch: string): TScript | 'inherited' | 'common' =>
  /\p{Script=Malayalam}/u.test(ch)
    ? 'malayalam'
    : /[\p{Script=Devanagari}\u0964\u0965]/u.test(ch) // danda is Common, but only Devanagari fonts carry it
      ? 'devanagari'
      : /[\p{M}\u200c\u200d]/u.test(ch)
        ? 'inherited'
        : /[\p{L}\p{N}]/u.test(ch) && !/\p{Script=Common}/u.test(ch)
          ? 'latin'
          : 'common';

export type TRun = { script: TScript; text: string };

/**
 * Splits text into runs of one script. Joiners (ZWJ, ZWNJ) and combining marks stay with the run
 * they follow, so a conjunct or a chillu is never cut; digits and punctuation join the run before
 * them, or the first run when they lead (the Indic Noto fonts carry ASCII punctuation and digits).
 */
export function splitScriptRuns(text: string): TRun[] {
  const runs: TRun[] = [];
  let pending = ''; // leading neutral characters, waiting for the first script
  for (const ch of text.normalize('NFC')) {
    const script = scriptOf(ch);
    const last = runs.at(-1);
    if (script === 'inherited' || script === 'common') {
      if (last) last.text += ch;
      else pending += ch;
      continue;
    }
    if (last?.script === script) last.text += ch;
    else runs.push({ script, text: pending + ch });
    pending = '';
  }
  if (pending) runs.push({ script: 'latin', text: pending });
  return runs;
}

export const A4: [number, number] = [595.28, 841.89];

type TTextOptions = {
  size?: number;
  bold?: boolean;
  /** offset from the left margin */
  x?: number;
  /** width available from x; defaults to the rest of the line */
  width?: number;
  /** extra space after the paragraph */
  gap?: number;
  color?: string;
  /** each line against the right edge of its width (figures in a column) */
  align?: 'left' | 'right';
};

/**
 * A page-flowing writer: paragraphs wrap at spaces (or inside a word too long for the line, at
 * grapheme clusters), break onto new pages, and keep clear of a reserved box (the QR code). Each
 * line is drawn inside a /Span with /ActualText, so copy and pdftotext give the logical text back
 * even where shaping reorders glyphs (Devanagari ि before its consonant).
 */
export function createPdfWriter(
  fonts: TPdfFonts,
  options: { margin?: number; lang?: string; info?: PDFKit.DocumentInfo } = {},
) {
  const margin = options.margin ?? 50;
  const doc = new PDFDocument({
    size: A4,
    margin,
    lang: options.lang,
    info: options.info,
    pdfVersion: '1.7',
    bufferPages: false,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const [script, weights] of Object.entries(fonts))
    for (const [weight, bytes] of Object.entries(weights)) doc.registerFont(`${script}-${weight}`, bytes);

  const [pageWidth, pageHeight] = A4;
  let y = margin;
  let pageNumber = 1;
  let avoid: { page: number; left: number; bottom: number } | undefined;

  const use = (script: TScript, bold: boolean, size: number) =>
    doc.font(`${script}-${bold ? 'bold' : 'regular'}`).fontSize(size);
  const widthOf = (runs: TRun[], bold: boolean, size: number) =>
    runs.reduce((sum, run) => sum + use(run.script, bold, size).widthOfString(run.text), 0);
  const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

  /** Right edge free for a line whose top is at `top`. */
  const rightEdge = (top: number, lineHeight: number) =>
    avoid && avoid.page === pageNumber && top < avoid.bottom && top + lineHeight > margin
      ? avoid.left
      : pageWidth - margin;

  /** starts a new page unless `height` still fits on this one */
  function keep(height: number) {
    if (y + height <= pageHeight - margin) return;
    doc.addPage();
    pageNumber += 1;
    y = margin;
  }

  function text(s: string, o: TTextOptions = {}) {
    const size = o.size ?? 10;
    const bold = o.bold ?? false;
    const lineHeight = size * 1.45; // room for Malayalam and Devanagari marks above and below
    const left = margin + (o.x ?? 0);
    const words = s
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => ({ word: w, width: widthOf(splitScriptRuns(w), bold, size) }));
    const space = use('latin', bold, size).widthOfString(' ');
    const available = () => {
      const edge = rightEdge(y, lineHeight);
      return Math.max(20, (o.width !== undefined ? Math.min(left + o.width, edge) : edge) - left);
    };
    const flush = (line: string[]) => {
      keep(lineHeight);
      const shift =
        o.align === 'right'
          ? Math.max(0, available() - widthOf(splitScriptRuns(line.join(' ')), bold, size))
          : 0;
      drawLine(line, left + shift, y + size, bold, size, o.color);
      y += lineHeight;
    };
    let line: string[] = [];
    let lineWidth = 0;
    while (words.length > 0) {
      const { word, width } = words.shift()!;
      const room = available();
      const next = line.length ? lineWidth + space + width : width;
      if (next <= room) {
        line.push(word);
        lineWidth = next;
        continue;
      }
      if (line.length) {
        flush(line);
        line = [];
        lineWidth = 0;
        words.unshift({ word, width });
        continue;
      }
      // A single word wider than the line: cut it at grapheme clusters.
      let head = '';
      for (const { segment } of graphemes.segment(word)) {
        if (head && widthOf(splitScriptRuns(head + segment), bold, size) > room) break;
        head += segment;
      }
      flush([head]);
      const tail = word.slice(head.length);
      if (tail) words.unshift({ word: tail, width: widthOf(splitScriptRuns(tail), bold, size) });
    }
    if (line.length) flush(line);
    y += o.gap ?? 2;
  }

  // One /ActualText span per line: poppler and viewers read a line back as one piece of logical
  // text, so a word of two scripts (Kowdiar-ൽ) is not split and a reordered ि comes back in order.
  function drawLine(
    words: string[],
    x: number,
    baseline: number,
    bold: boolean,
    size: number,
    color = '#1a1a1a',
  ) {
    const line = words.join(' ');
    let cursor = x;
    doc.markContent('Span', { actual: line });
    for (const run of splitScriptRuns(line)) {
      use(run.script, bold, size).fillColor(color);
      doc.text(run.text, cursor, baseline, { lineBreak: false, baseline: 'alphabetic' });
      cursor += doc.widthOfString(run.text);
    }
    doc.endMarkedContent();
  }

  return {
    doc,
    margin,
    width: pageWidth - 2 * margin,
    get y() {
      return y;
    },
    set y(value: number) {
      y = value;
    },
    text,
    keep,
    /** keeps text on the current page clear of a box in the top-right corner */
    image(png: Buffer, box: { width: number; height: number }) {
      const left = pageWidth - margin - box.width;
      doc.image(png, left, margin, { width: box.width, height: box.height });
      avoid = { page: pageNumber, left: left - 10, bottom: margin + box.height + 6 };
    },
    async finish(): Promise<Buffer> {
      doc.end();
      return ended;
    },
  };
}
