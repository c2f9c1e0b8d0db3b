import { inspect } from 'node:util';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads until `ok` passes, and returns that value: workflows, notices and read models move
 * asynchronously. When `ms` runs out first it throws, naming the last value read — a wait whose
 * result nobody checks must still fail the test when what it waits for never comes.
 */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until)
      throw new Error(
        `waited ${ms / 1000} s in vain; the last value read: ${inspect(v, { depth: 4, breakLength: 120 }).slice(0, 2000)}`,
      );
    await sleep(200);
  }
}
