import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * A worker lowers its own CPU priority (WORKER_NICE) as it starts, so that on a machine it shares
 * with the API — `npm start`, the production profile on one host — the door answers first and the
 * workflows take what CPU is left. Linux keeps a nice value per thread and a new thread inherits
 * its creator's: every thread the process has by then (V8's helpers, libuv's pool, the loader's)
 * is lowered one by one, and those made later (the SDK's Rust threads, the workflow threads)
 * inherit it from the main thread. On a machine of its own a nice worker loses nothing: the value
 * weighs only when two processes want the same core. Never raises a priority (that needs
 * privileges); answers the value the main thread runs at.
 */
export function lowerWorkerPriority(nice: number, log: { warn: (message: string) => void }): number {
  const now = getPriority();
  if (nice <= now) return now;
  let threads: number[] = [];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process as a whole
  }
  try {
    setPriority(nice);
    for (const tid of threads)
      try {
        if (getPriority(tid) < nice) setPriority(tid, nice);
      } catch {
        // a thread that has ended meanwhile
      }
    return nice;
  } catch (error) {
    log.warn(`could not lower the worker's CPU priority to nice ${nice}: ${(error as Error).message}`);
    return now;
  }
}
