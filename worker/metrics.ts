import { createServer, type Server } from 'node:http';
import type { Context as ActivityContext } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { isLoopback, metricsTokenMatches } from '../lib/metrics';

export const ACTIVITY_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;

/** Activities run from milliseconds (a read-model upsert) to a minute (a notice chain's HTTP calls, a campaign batch). */
const ACTIVITY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * A worker's own series (`seva_activity_*` and the process's `seva_process_*` / `seva_nodejs_*`),
 * beside the Temporal SDK's `temporal_*` on their own port (worker/runtime.ts): Core serves those
 * from Rust, so the two cannot share one endpoint.
 */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'seva_' });
  const executions = new Counter({
    name: 'seva_activity_executions_total',
    help: 'Activity attempts this worker ran, by activity type and outcome (completed, failed: will be retried or has given up, cancelled)',
    labelNames: ['activity_type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'seva_activity_duration_seconds',
    help: 'How long an activity attempt ran on this worker, by activity type and outcome',
    labelNames: ['activity_type', 'outcome'] as const,
    buckets: ACTIVITY_BUCKETS,
    registers: [registry],
  });
  const outcomeOf = (error: unknown, ctx: ActivityContext) =>
    error instanceof CancelledFailure || ctx.cancellationSignal.aborted ? 'cancelled' : 'failed';

  /** The activity inbound interceptor: one count and one duration per attempt. */
  const interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = performance.now();
        const activityType = ctx.info.activityType;
        let outcome: (typeof ACTIVITY_OUTCOMES)[number] = 'completed';
        try {
          return await next(input);
        } catch (error) {
          outcome = outcomeOf(error, ctx);
          throw error;
        } finally {
          const labels = { activity_type: activityType, outcome };
          executions.inc(labels);
          duration.observe(labels, (performance.now() - started) / 1000);
        }
      },
    },
  });
  return { registry, interceptor };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** `host:port` → the port after it: where a worker serves its Seva series next to the SDK's. */
export function activityMetricsAddress(sdkAddress: string): { host: string; port: number } {
  const at = sdkAddress.lastIndexOf(':');
  return { host: sdkAddress.slice(0, at), port: Number(sdkAddress.slice(at + 1)) + 1 };
}

/**
 * GET /metrics of the worker's own registry on `host:port`, guarded like the API's: the bearer
 * `METRICS_TOKEN` when set, else loopback callers only. Anything else is 404.
 */
export async function serveWorkerMetrics(
  metrics: WorkerMetrics,
  address: { host: string; port: number },
  token: string | undefined,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
    if (token ? !metricsTokenMatches(token, req.headers.authorization) : !isLoopback(peer)) {
      res
        .writeHead(token ? 401 : 403, { 'content-type': 'text/plain' })
        .end(token ? 'send the METRICS_TOKEN as Authorization: Bearer <token>\n' : 'loopback only\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return server;
}
