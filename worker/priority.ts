import { getPriority, setPriority } from 'node:os';

/**
 * A worker lowers its own CPU priority (WORKER_NICE) before it starts any thread of its own, so
 * that on a machine it shares with the API — `npm start`, the production profile on one host —
 * the door answers first and the workflows take what CPU is left. Linux keeps a nice value per
 * thread and a new thread inherits its creator's: the SDK's Rust threads, the workflow threads
 * and libuv's pool, all made later by this one, run at the same value (V8's own helper threads,
 * made as Node starts, keep theirs). On a machine of its own a nice worker loses nothing: the
 * value weighs only when two processes want the same core. Never raises a priority (that needs
 * privileges); answers the value the thread runs at.
 */
export function lowerWorkerPriority(nice: number, log: { warn: (message: string) => void }): number {
  const now = getPriority();
  if (nice <= now) return now;
  try {
    setPriority(nice);
    return nice;
  } catch (error) {
    log.warn(`could not lower the worker's CPU priority to nice ${nice}: ${(error as Error).message}`);
    return now;
  }
}
