/**
 * Knows whether a workflow's state differs from what its read model last saw. The main loop
 * waits on `changed()` and saves when `take()` says so, so every change to the state reaches
 * the read model — whichever handler made it, before or after an await — without a flag that
 * each mutation has to remember to set.
 */
export function trackState(state: unknown) {
  let seen = '';
  return {
    changed: (): boolean => JSON.stringify(state) !== seen,
    /** True once per distinct state: the caller saves it. */
    take: (): boolean => {
      const now = JSON.stringify(state);
      if (now === seen) return false;
      seen = now;
      return true;
    },
  };
}
