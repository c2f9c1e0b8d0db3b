import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TEkycVerdict } from './offline-ekyc';
import type { TPdfFacts } from './pdf-facts';
import type { TSheetRows } from './payer-list-xlsx';

export type TContentTask =
  | { kind: 'pdf'; bytes: Uint8Array }
  | { kind: 'xlsx'; bytes: Uint8Array }
  | {
      kind: 'ekyc';
      bytes: Uint8Array;
      options: { shareCode: string; trustAnchorsPem: string; mobile?: string; email?: string };
    }
  /** test only: a job that never ends (or eats memory) */
  | { kind: 'spin'; memory?: boolean };

/** Why a job gave no answer: it ran past its time, or past the memory a worker may use. */
export class ContentCheckFailed extends Error {
  constructor(
    readonly reason: 'timeout' | 'memory' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

export type TContentPoolOptions = {
  /** per job; the worker running it is terminated after this long */
  timeoutMs?: number;
  /** heap of each worker thread */
  maxHeapMb?: number;
  threads?: number;
  /** jobs waiting beyond this are refused (busy) rather than queued without bound */
  maxQueue?: number;
};

export type ContentPool = ReturnType<typeof createContentPool>;

/**
 * Parsing and signature checks of uploads (PDF structure, ZIP opening, XML-DSig, spreadsheets) run in worker
 * threads with a memory limit and a timeout per job, so one hostile upload never stalls the API.
 * Workers load TypeScript through tsx, under `npm start` and under vitest alike.
 */
export function createContentPool(options: TContentPoolOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = new Piscina({
    filename: new URL('./content-worker.ts', import.meta.url).href,
    execArgv: ['--import', 'tsx'],
    minThreads: 0,
    maxThreads: options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    maxQueue: options.maxQueue ?? 64,
    idleTimeout: 30_000,
    resourceLimits: {
      maxOldGenerationSizeMb: options.maxHeapMb ?? 256,
      maxYoungGenerationSizeMb: 32,
      stackSizeMb: 4,
    },
  });

  const run = async <T>(task: TContentTask): Promise<T> => {
    try {
      return (await pool.run(task, { signal: AbortSignal.timeout(timeoutMs) })) as T;
    } catch (error) {
      const e = error as Error & { code?: string; cause?: unknown };
      if (e.name === 'AbortError' || e.name === 'TimeoutError')
        throw new ContentCheckFailed('timeout', `checking the file took longer than ${timeoutMs / 1000} s`);
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(e.message))
        throw new ContentCheckFailed('memory', 'checking the file needs more memory than allowed');
      if (/queue is at limit/i.test(e.message))
        throw new ContentCheckFailed('busy', 'too many files are being checked; try again shortly');
      throw error;
    }
  };

  return {
    pdfFacts: (bytes: Uint8Array) => run<TPdfFacts>({ kind: 'pdf', bytes }),
    /** the first sheet of an .xlsx file as rows of text, or why it is refused */
    xlsxRows: (bytes: Uint8Array) => run<TSheetRows>({ kind: 'xlsx', bytes }),
    offlineEkyc: (bytes: Uint8Array, opts: Extract<TContentTask, { kind: 'ekyc' }>['options']) =>
      run<TEkycVerdict>({ kind: 'ekyc', bytes, options: opts }),
    /** test only */
    spin: (memory = false) => run<never>({ kind: 'spin', memory }),
    close: () => pool.close({ force: true }),
  };
}
