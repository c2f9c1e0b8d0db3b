import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  type ActivityInterceptorsFactory,
  bundleWorkflowCode,
  type NativeConnection,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Config } from '../config';
import { createActivities, type ActivityDeps } from '../activities';
import { createDataConverter } from '../lib/temporal';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Tracing } from '../lib/tracing';
import type { WorkerMetrics } from './metrics';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The OpenTelemetry workflow interceptors (RunWorkflow, StartActivity spans; context into activities). */
export const TRACING_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/**
 * Bundling takes seconds; tests and benchmarks bundle once and pass the bundle in. `traced`
 * (tracing configured): the bundle carries the OpenTelemetry workflow interceptors; without it
 * they cost a cached workflow nothing.
 */
export function bundleWorkflows(options: { traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    ...(options.traced ? { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
  });
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/**
 * The workflow-span sink copies the whole WorkflowInfo into each span's attributes, search
 * attributes (a consumer number) and memo included. OpenTelemetry attributes are primitives (or
 * arrays of them): the objects and the unset fields go; the ids, type, task queue and attempt stay.
 */
const isPrimitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isAttributeValue = (v: unknown) => isPrimitive(v) || (Array.isArray(v) && v.every(isPrimitive));

function workflowSpanFilter(processor: SpanProcessor): SpanProcessor {
  return {
    onStart: (span, parent) => processor.onStart(span, parent),
    onEnd: (span) => {
      const attributes = span.attributes as Record<string, unknown>;
      for (const [key, value] of Object.entries(attributes))
        if (!isAttributeValue(value)) delete attributes[key];
      processor.onEnd(span);
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}

export type CreateWorkerOptions = {
  /** `worker` (cache size, concurrency) is optional: without it the SDK's defaults apply */
  config: Pick<Config, 'temporal' | 'payloadCodec'> & Partial<Pick<Config, 'worker'>>;
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  /** how many workflows stay cached (the SDK's default follows the heap size) */
  maxCachedWorkflows?: number;
  /** counts and times every activity attempt (worker/metrics.ts) */
  metrics?: WorkerMetrics;
  /**
   * RunActivity spans and the sink that takes the workflows' spans; the bundle must then carry the
   * workflow interceptors (`bundleWorkflows({ traced: true })`) for RunWorkflow / StartActivity.
   */
  tracing?: Tracing;
};

/** Builds the worker: merged activity factories, the encrypting data converter, the workflow bundle. */
export async function createWorker({
  config,
  connection,
  deps,
  workflowBundle,
  maxCachedWorkflows,
  metrics,
  tracing,
}: CreateWorkerOptions): Promise<Worker> {
  // loaded only when tracing is on
  const otel = tracing ? await import('@temporalio/interceptors-opentelemetry') : undefined;
  const activityInterceptors: ActivityInterceptorsFactory[] = [
    ...(metrics ? [metrics.interceptor] : []),
    ...(tracing && otel
      ? [
          (ctx: Parameters<ActivityInterceptorsFactory>[0]) => ({
            inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
            outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ]
      : []),
  ];
  // the process's own knobs (V8 flags, glibc's arenas) are the launcher's, not the SDK's
  const { semiSpaceMb: _semiSpace, mallocArenaMax: _arenas, nice: _nice, ...sdkOptions } = config.worker ?? {};
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities(deps),
    dataConverter: createDataConverter(config),
    ...sdkOptions,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(maxCachedWorkflows ? { maxCachedWorkflows } : {}),
    ...(activityInterceptors.length > 0 ? { interceptors: { activity: activityInterceptors } } : {}),
    ...(tracing && otel
      ? {
          sinks: {
            exporter: otel.makeWorkflowExporter(workflowSpanFilter(tracing.spanProcessor), tracing.resource),
          },
        }
      : {}),
  });
}
