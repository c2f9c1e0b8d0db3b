import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS, judgeDocumentContent } from '../domain/document-content';
import { createContentPool } from '../lib/content-pool';
import { readPdfFacts } from '../lib/pdf-facts';
import { inflationBomb } from '../scripts/lib/hostile-files';
import { makePdf } from '../scripts/lib/sample-files';
import {
  lyingPdf,
  pdfLibPdf,
  qpdf,
  qpdfOracle,
  respell,
  withIncrementalUpdate,
} from './helpers/pdf-fixtures';

const judge = async (pdf: Uint8Array) => judgeDocumentContent(pdf, DOCUMENT_LIMITS, await readPdfFacts(pdf));

/** Real PDF files, as phones, scanners and PDF tools write them; qpdf says what is true of each. */
describe('PDFs judged by a parser', () => {
  it('accepts every kind of valid PDF with the page count qpdf reads', async () => {
    const plain = await pdfLibPdf(3, { useObjectStreams: false });
    const valid: Record<string, Buffer> = {
      'pdf-lib default save (object streams)': await pdfLibPdf(3),
      'pdf-lib without object streams': plain,
      'qpdf --object-streams=generate': qpdf(plain, ['--object-streams=generate']),
      'qpdf --linearize': qpdf(plain, ['--linearize']),
      'linearised with object streams': qpdf(plain, ['--linearize', '--object-streams=generate']),
      'incremental update (one page dropped)': withIncrementalUpdate(plain, 2),
      'incremental update over object streams': withIncrementalUpdate(
        qpdf(plain, ['--object-streams=disable']),
        1,
      ),
      '/Type written /P#61ge': respell(plain, '/Type /Page\n', '/Type /P#61ge\n'),
    };
    for (const [name, pdf] of Object.entries(valid)) {
      const verdict = await judge(pdf);
      expect(verdict.ok, `${name}: ${verdict.reasons.join('; ')}`).toBe(true);
      expect(verdict.sniffed.pages, name).toBe(qpdfOracle(pdf).pages);
      expect(qpdfOracle(pdf).encrypted, name).toBe(false);
    }
    expect((await readPdfFacts(valid['qpdf --object-streams=generate']!)).objectStreams).toBeGreaterThan(0);
    expect((await readPdfFacts(valid['incremental update (one page dropped)']!)).incrementalUpdates).toBe(1);
  });

  it('refuses every encrypted PDF, however the /Encrypt key is spelt', async () => {
    const plain = await pdfLibPdf(2, { useObjectStreams: false });
    const aes256 = qpdf(plain, ['--encrypt', 'user', 'owner', '256', '--']);
    const encrypted: Record<string, Buffer> = {
      'AES-256, user and owner password': aes256,
      'owner password only (empty user password)': qpdf(plain, ['--encrypt', '', 'owner', '256', '--']),
      'RC4-128 over object streams': qpdf(plain, [
        '--allow-weak-crypto',
        '--object-streams=generate',
        '--encrypt',
        'u',
        'o',
        '128',
        '--',
      ]),
      'AES-128 with object streams': qpdf(plain, [
        '--object-streams=generate',
        '--encrypt',
        'u',
        'o',
        '128',
        '--use-aes=y',
        '--',
      ]),
      '/#45ncrypt': respell(aes256, '/Encrypt', '/#45ncrypt'),
      '/E#6ecrypt (lower-case hex)': respell(aes256, '/Encrypt', '/E#6ecrypt'),
    };
    for (const [name, pdf] of Object.entries(encrypted)) {
      if (!name.startsWith('/')) expect(qpdfOracle(pdf).encrypted, name).toBe(true);
      const verdict = await judge(pdf);
      expect(verdict.ok, name).toBe(false);
      expect(verdict.reasons, name).toContain(
        'the PDF is password-protected or encrypted; upload an unprotected copy',
      );
    }
  });

  it('refuses a PDF over the page limit, counting the page tree, not its /Count or spelling', async () => {
    const many = await pdfLibPdf(DOCUMENT_LIMITS.maxPdfPages + 1);
    expect((await judge(many)).reasons).toEqual([
      `the PDF has ${DOCUMENT_LIMITS.maxPdfPages + 1} pages; the limit is ${DOCUMENT_LIMITS.maxPdfPages}`,
    ]);
    const compressed = qpdf(await pdfLibPdf(40, { useObjectStreams: false }), ['--object-streams=generate']);
    expect((await judge(compressed)).sniffed.pages).toBe(40);
    const lying = lyingPdf(35);
    // (qpdf believes the /Count here and says 1; the 35 leaves are what a reader can be made to render)
    expect((await judge(lying)).reasons[0]).toMatch(/has 35 pages; the limit is 30/);
  });

  it('refuses damaged PDFs as unreadable', async () => {
    const broken = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    expect((await judge(broken)).reasons[0]).toMatch(/no readable pages/);
  });
});

describe('the content worker pool', () => {
  // 8 s: under the full suite's load a first job (the thread starting, pdf.js loading) took over 3 s.
  const pool = createContentPool({ threads: 1, timeoutMs: 8_000, maxHeapMb: 48 });
  afterAll(() => pool.close());

  it('reads PDFs in a worker thread', async () => {
    expect(await pool.pdfFacts(await pdfLibPdf(2))).toMatchObject({ pages: 2, encrypted: false });
  });

  it('stops a job past its time or its memory, and the next job still runs', async () => {
    await expect(pool.spin()).rejects.toMatchObject({ reason: 'timeout' });
    await expect(pool.spin(true)).rejects.toMatchObject({ reason: 'memory' });
    // A file of a few hundred KiB whose object stream unpacks to 600 MiB is stopped at the ceiling
    // (inflated buffers live outside the heap the worker's limit covers).
    expect(await pool.pdfFacts(inflationBomb(600))).toMatchObject({
      pages: 0,
      problem: expect.stringMatching(/unpacks to more than 32 MiB/),
    });
    expect(await pool.pdfFacts(await pdfLibPdf(1))).toMatchObject({ pages: 1 });
  }, 60_000);
});

describe('the sample PDF (npm run sample-pdf)', () => {
  it('is a well-formed file qpdf checks clean, with the pages it claims', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'seva-sample-')), 'sample.pdf');
    writeFileSync(file, makePdf(3));
    const check = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).not.toMatch(/damaged|WARNING/i);
    expect(qpdfOracle(makePdf(3)).pages).toBe(3);
  });
});
