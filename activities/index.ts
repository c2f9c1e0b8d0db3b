import { createPingActivities, type PingActivityDeps } from './ping';

export type ActivityDeps = PingActivityDeps;

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
