import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * poppler-utils (installed by .ci/run) as independent readers of the PDFs Seva makes: what a
 * reader extracts, which fonts are embedded, whether the signature holds.
 */
function run(tool: 'pdftotext' | 'pdffonts' | 'pdfsig', pdf: Buffer, args: string[] = []) {
  const path = join(mkdtempSync(join(tmpdir(), 'seva-pdf-')), 'file.pdf');
  writeFileSync(path, pdf);
  const result = spawnSync(tool, [...args, path, ...(tool === 'pdftotext' ? ['-'] : [])], {
    encoding: 'utf8',
  });
  if (result.error)
    throw new Error(`${tool} is missing: apt-get install -y poppler-utils (${result.error.message})`);
  return result.stdout;
}

/** The text in reading order, whitespace (line breaks from wrapping included) folded to one space. */
export const pdfText = (pdf: Buffer) => run('pdftotext', pdf, ['-raw', '-enc', 'UTF-8']).replace(/\s+/g, ' ');
/** pdffonts' rows: name (subset tag stripped), type and whether the font is embedded. */
export const pdfFonts = (pdf: Buffer) =>
  run('pdffonts', pdf)
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((row) => {
      const cols = row.trim().split(/\s+/);
      return { name: cols[0]!.replace(/^[A-Z]{6}\+/, ''), embedded: cols.at(-5) === 'yes' };
    });
export const pdfsig = (pdf: Buffer) => run('pdfsig', pdf);
