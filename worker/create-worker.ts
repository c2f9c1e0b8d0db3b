import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { createDataConverter } from '../lib/temporal';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Bundling takes seconds; tests and benchmarks bundle once and pass the bundle in. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export type CreateWorkerOptions = {
  /** `worker` (cache size, concurrency) is optional: without it the SDK's defaults apply */
  config: Pick<Config, 'temporal' | 'payloadCodec'> & Partial<Pick<Config, 'worker'>>;
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  /** how many workflows stay cached (the SDK's default follows the heap size) */
  maxCachedWorkflows?: number;
};

/** Builds the worker: merged activity factories, the encrypting data converter, the workflow bundle. */
export function createWorker({
  config,
  connection,
  deps,
  workflowBundle,
  maxCachedWorkflows,
}: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(deps),
    dataConverter: createDataConverter(config),
    ...config.worker,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(maxCachedWorkflows ? { maxCachedWorkflows } : {}),
  });
}
