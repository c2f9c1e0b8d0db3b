import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFParser, PDFRef, type PDFContext, type PDFObject } from 'pdf-lib';
import type { TPdfFacts } from '../domain/document-content';

export type { TPdfFacts };

/** More nodes than any real page tree of a 30-page limit needs; stops page-tree bombs. */
const MAX_TREE_NODES = 10_000;
const MAX_TREE_DEPTH = 64;

/** A PDF name as the spec defines it: `#xx` escapes in either case (pdf-lib decodes upper case only). */
const decodeName = (raw: string) =>
  raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * Every name token outside binary noise, decoded. Trailer dictionaries and cross-reference stream
 * dictionaries — where /Encrypt lives — are never compressed, so a scan of the raw bytes finds
 * the key however it is spelt, even when the parser cannot open the encrypted objects.
 */
function* namesIn(bytes: Uint8Array) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  // regular characters of a name: anything but whitespace and delimiters
  for (const m of text.matchAll(/\/([^\s/()<>[\]{}%\0]{1,127})/g)) yield decodeName(m[1]!);
}

const keyOf = (name: PDFName) => decodeName(name.asString().slice(1));

/** Object and cross-reference streams a page count may unpack; real ones are kilobytes. */
const MAX_STRUCTURE_STREAM_BYTES = 32 * 1024 * 1024;

/**
 * The structure streams the parser inflates (object streams, cross-reference streams), inflated
 * here first with a ceiling: inflated buffers live outside the JavaScript heap, so the worker's
 * heap limit alone would not stop a small file that unpacks to gigabytes.
 */
function oversizedStructureStream(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  for (const m of text.matchAll(/>>\s*stream(\r\n|\n|\r)/g)) {
    const dictStart = text.lastIndexOf('<<', m.index);
    const dict = text.slice(Math.max(0, dictStart, m.index - 4096), m.index);
    const names = [...dict.matchAll(/\/([^\s/()<>[\]{}%\0]{1,127})/g)].map((n) => decodeName(n[1]!));
    if (!names.includes('ObjStm') && !names.includes('XRef')) continue;
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    const data = buffer.subarray(start, end < 0 ? buffer.length : end);
    try {
      inflateSync(data, { maxOutputLength: MAX_STRUCTURE_STREAM_BYTES, finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        return `a compressed object stream unpacks to more than ${MAX_STRUCTURE_STREAM_BYTES / 1024 / 1024} MiB`;
      // not Flate, or damaged: the parser will say what it makes of it
    }
  }
  return undefined;
}

/** A dictionary entry by its decoded key, following references. */
function lookup(context: PDFContext, dict: PDFDict, key: string): PDFObject | undefined {
  for (const [name, value] of dict.entries()) {
    if (keyOf(name) === key) return value instanceof PDFRef ? context.lookup(value) : value;
  }
  return undefined;
}

/** Counts page leaves from the catalogue's /Pages, refusing cycles and absurd trees. */
function countPages(context: PDFContext): { pages: number; problem?: string } {
  const rootRef = context.trailerInfo.Root;
  const catalog = rootRef instanceof PDFRef ? context.lookup(rootRef) : rootRef;
  if (!(catalog instanceof PDFDict)) return { pages: 0, problem: 'no document catalogue' };
  const top = lookup(context, catalog, 'Pages');
  if (!(top instanceof PDFDict)) return { pages: 0, problem: 'no page tree' };
  const seen = new Set<PDFObject>();
  let pages = 0;
  const stack: { node: PDFDict; depth: number }[] = [{ node: top, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (seen.has(node)) return { pages, problem: 'the page tree loops' };
    seen.add(node);
    if (seen.size > MAX_TREE_NODES || depth > MAX_TREE_DEPTH)
      return { pages, problem: 'the page tree is too large' };
    const kids = lookup(context, node, 'Kids');
    const type = lookup(context, node, 'Type');
    const isNode = kids instanceof PDFArray && !(type instanceof PDFName && keyOf(type) === 'Page');
    if (!isNode) {
      pages++;
      continue;
    }
    for (let i = kids.size() - 1; i >= 0; i--) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) stack.push({ node: kid, depth: depth + 1 });
    }
  }
  return { pages };
}

/**
 * Parses a PDF with pdf-lib's parser (cross-reference streams, object streams, incremental
 * updates: later definitions of an object replace earlier ones) and reads the facts the upload
 * rules need. CPU- and memory-heavy on hostile input: run it in the content worker pool.
 */
export async function readPdfFacts(bytes: Uint8Array): Promise<TPdfFacts> {
  let encrypted = false;
  let objectStreams = 0;
  let sections = 0;
  for (const name of namesIn(bytes)) {
    if (name === 'Encrypt') encrypted = true;
    else if (name === 'ObjStm') objectStreams++;
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const _ of text.matchAll(/(?:^|[\r\n\s])startxref\s/g)) sections++;
  const incrementalUpdates = Math.max(0, sections - 1);
  const oversized = oversizedStructureStream(bytes);
  if (oversized) return { pages: 0, encrypted, objectStreams, incrementalUpdates, problem: oversized };
  let context: PDFContext;
  try {
    const parser = PDFParser.forBytesWithOptions(bytes, Infinity, false, true);
    context = await withQuietWarnings(() => parser.parseDocument());
  } catch (error) {
    return {
      pages: 0,
      encrypted,
      objectStreams,
      incrementalUpdates,
      problem: `the PDF cannot be parsed (${(error as Error).message.slice(0, 120)})`,
    };
  }
  if (context.trailerInfo.Encrypt) encrypted = true;
  const { pages, problem } = countPages(context);
  return { pages, encrypted, objectStreams, incrementalUpdates, ...(problem ? { problem } : {}) };
}

/** pdf-lib reports every damaged object on console.warn; the verdict says what matters. */
async function withQuietWarnings<T>(run: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await run();
  } finally {
    console.warn = warn;
  }
}
