export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads until `ok` passes or `ms` runs out, and returns the last value read: workflows, notices
 * and read models move asynchronously, so a test asserts on what it finally saw.
 */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await sleep(200);
  }
}
