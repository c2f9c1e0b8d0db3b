import { createPingActivities, type PingActivityDeps } from './ping';
import { createServiceRequestActivities, type ServiceRequestActivityDeps } from './service-requests';

export type ActivityDeps = PingActivityDeps & ServiceRequestActivityDeps;

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
    ...createServiceRequestActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
