/**
 * The content worker: runs in a worker thread of the content pool (lib/content-pool.ts), never on
 * the request thread. Parsing a hostile PDF or ZIP may take seconds or much memory; here it only
 * stalls this thread, which the pool kills at its time or memory limit.
 */
import { readOfflineEkyc } from './offline-ekyc';
import { readXlsxRows } from './payer-list-xlsx';
import { readPdfFacts } from './pdf-facts';
import type { TContentTask } from './content-pool';

export default async function runContentTask(task: TContentTask) {
  switch (task.kind) {
    case 'pdf':
      return readPdfFacts(task.bytes);
    case 'xlsx':
      return readXlsxRows(task.bytes);
    case 'ekyc':
      return readOfflineEkyc(task.bytes, task.options);
    case 'spin':
      // test only: a job that never finishes, or one that eats memory, to prove the limits hold
      if (task.memory) {
        const hoard: unknown[] = [];
        for (;;) hoard.push(new Array(1_000_000).fill({ at: hoard.length }));
      }
      for (;;);
  }
}
