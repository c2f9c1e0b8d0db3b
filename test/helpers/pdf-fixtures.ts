import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';

/**
 * PDFs as phones, scanners and PDF tools write them, built at test time with pdf-lib and qpdf —
 * and qpdf as the oracle: what it says about pages and encryption is the truth the tests compare with.
 */
const dir = mkdtempSync(join(tmpdir(), 'seva-pdf-'));
let seq = 0;


export async function pdfLibPdf(pages: number, options: { useObjectStreams?: boolean } = {}) {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`page ${i + 1}`, { x: 50, y: 800 });
  return Buffer.from(await doc.save(options));
}

/** Runs qpdf on the bytes; the output file's bytes back. */
export function qpdf(input: Uint8Array, args: string[]): Buffer {
  const src = join(dir, `in-${++seq}.pdf`);
  const out = join(dir, `out-${seq}.pdf`);
  writeFileSync(src, input);
  const run = spawnSync('qpdf', [...args, src, out], { encoding: 'utf8' });
  // 3: succeeded with warnings
  if (run.status !== 0 && run.status !== 3) throw new Error(`qpdf ${args.join(' ')}: ${run.stderr}`);
  return readFileSync(out);
}

export function qpdfOracle(bytes: Uint8Array, password = '') {
  const file = join(dir, `oracle-${++seq}.pdf`);
  writeFileSync(file, bytes);
  const encrypted = spawnSync('qpdf', ['--is-encrypted', file]).status === 0;
  const npages = spawnSync('qpdf', [`--password=${password}`, '--show-npages', file], { encoding: 'utf8' });
  return { encrypted, pages: Number(npages.stdout.trim()) };
}

/** An incremental update appended by hand: a new page tree that keeps the first `keep` pages. */
export function withIncrementalUpdate(pdf: Buffer, keep: number): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number([...text.matchAll(/startxref\s+(\d+)/g)].at(-1)![1]);
  const size = Number(/\/Size (\d+)/.exec(text)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(text)![1];
  const tree = [...text.matchAll(/(\d+) 0 obj\s*<<([\s\S]*?)endobj/g)].find((m) =>
    /\/Type\s*\/Pages\b/.test(m[2]!),
  )!;
  const kids = /\/Kids\s*\[([^\]]*)\]/
    .exec(tree[2]!)![1]!
    .trim()
    .split(/\s+R\s*/)
    .filter(Boolean)
    .slice(0, keep);
  const body = `\n${tree[1]} 0 obj\n<< /Type /Pages /Kids [ ${kids.map((k) => `${k} R`).join(' ')} ] /Count ${keep} >>\nendobj\n`;
  const objAt = pdf.length + 1;
  const xrefAt = pdf.length + body.length;
  const update =
    `${body}xref\n0 1\n0000000000 65535 f \n${tree[1]} 1\n${String(objAt).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

/** Rewrites names in the bytes (the file stays valid: readers rebuild the cross-reference table). */
export const respell = (pdf: Buffer, from: string, to: string) =>
  Buffer.from(pdf.toString('latin1').replaceAll(from, to), 'latin1');

/** A hand-written PDF of `pages` pages whose page tree claims /Count 1, names spelt with #xx escapes. */
export function lyingPdf(pages: number): Buffer {
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ');
  const objects = [
    '1 0 obj << /T#79pe /Catalog /P#61ges 2 0 R >> endobj',
    `2 0 obj << /Type /P#61ges /K#69ds [${kids}] /Count 1 >> endobj`,
    ...Array.from(
      { length: pages },
      (_, i) => `${3 + i} 0 obj << /Type /P#61g#65 /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj`,
    ),
  ];
  return Buffer.from(`%PDF-1.7\n${objects.join('\n')}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}
