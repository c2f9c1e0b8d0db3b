import { describe, expect, it } from 'vitest';
import { type Running, startProgram, supervise } from '../scripts/lib/supervisor';

/**
 * The supervisor of `npm start` and `npm run stack:production`. Parts here are small stand-ins
 * (a promise that ends when told) and, for startProgram, a real `sleep` process.
 */
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const backoff = { initialMs: 20, maxMs: 40, resetAfterMs: 60_000 };

function part() {
  let end: (how: string) => void = () => {};
  const stopped: number[] = [];
  let runs = 0;
  const run = (): Running => {
    const n = ++runs;
    const exited = new Promise<string>((resolve) => (end = resolve));
    return {
      pid: n,
      exited,
      stop: async () => {
        stopped.push(n);
        end('stopped');
      },
    };
  };
  return { run, crash: () => end('killed by SIGKILL'), stopped, runs: () => runs };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);

describe('supervise', () => {
  it('restarts a part that ends unasked, and stops the current run', async () => {
    const p = part();
    const s = await supervise({ name: 'x', log: quiet, backoff, start: async () => p.run() });
    p.crash();
    for (let i = 0; i < 100 && s.restarts() < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.restarts()).toBe(1);
    expect(s.pid()).toBe(2);
    await within(s.stop(), 1000);
    expect(p.stopped).toEqual([2]);
  });

  it('stops at once while it waits to restart', async () => {
    const p = part();
    const s = await supervise({
      name: 'x',
      log: quiet,
      backoff: { ...backoff, initialMs: 60_000 },
      start: async () => p.run(),
    });
    p.crash();
    await new Promise((r) => setTimeout(r, 20));
    await within(s.stop(), 1000);
    expect(p.runs()).toBe(1);
  });

  it('stops while a restart is coming up: the start is aborted, and a run that came up anyway is stopped', async () => {
    const p = part();
    let signalOfRestart: AbortSignal | undefined;
    let letItComeUp: () => void = () => {};
    let first = true;
    const s = await supervise({
      name: 'x',
      log: quiet,
      backoff,
      start: async (signal) => {
        if (first) {
          first = false;
          return p.run();
        }
        signalOfRestart = signal;
        // a start that ignores its signal and comes up late
        await new Promise<void>((resolve) => (letItComeUp = resolve));
        return p.run();
      },
    });
    p.crash();
    for (let i = 0; i < 100 && !signalOfRestart; i++) await new Promise((r) => setTimeout(r, 10));
    expect(signalOfRestart?.aborted).toBe(false);
    const stopping = s.stop();
    expect(signalOfRestart?.aborted).toBe(true);
    setTimeout(() => letItComeUp(), 50);
    await within(stopping, 1000);
    expect(p.stopped).toEqual([2]);
    expect(s.restarts()).toBe(0);
  });

  it('stops while a restart fails: no further attempt', async () => {
    const p = part();
    let attempts = 0;
    let failNow: (e: Error) => void = () => {};
    const s = await supervise({
      name: 'x',
      log: quiet,
      backoff,
      start: async () => {
        if (attempts++ === 0) return p.run();
        return new Promise<Running>((_, reject) => (failNow = reject));
      },
    });
    p.crash();
    for (let i = 0; i < 100 && attempts < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const stopping = s.stop();
    failNow(new Error('stopped before it was ready'));
    await within(stopping, 1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toBe(2);
  });
});

describe('startProgram', () => {
  it('stops a program that is not ready yet when its start is aborted', async () => {
    const abort = new AbortController();
    const starting = startProgram({
      name: 'sleeper',
      command: '/bin/sleep',
      args: ['600'],
      ready: async () => false,
      signal: abort.signal,
      onLog: () => {},
    });
    // the process exists before the start is aborted
    await new Promise((r) => setTimeout(r, 200));
    const { execSync } = await import('node:child_process');
    const pid = Number(execSync('pgrep -n -f "^/bin/sleep 600$" || true').toString().trim()) || undefined;
    expect(pid).toBeGreaterThan(0);
    abort.abort();
    await expect(within(starting, 5000)).rejects.toThrow(/stopped before it was ready/);
    const alive = (() => {
      try {
        process.kill(pid!, 0);
        return true;
      } catch {
        return false;
      }
    })();
    expect(alive).toBe(false);
  });
});

describe('the environment a supervised worker starts with', () => {
  it('caps glibc malloc arenas unless told otherwise', async () => {
    const { mallocArenaEnv } = await import('../scripts/lib/seva-children');
    expect(mallocArenaEnv(2, {})).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(mallocArenaEnv(0, {})).toEqual({}); // glibc's own
    expect(mallocArenaEnv(2, { MALLOC_ARENA_MAX: '4' })).toEqual({}); // set by hand: it stays
  });
});
