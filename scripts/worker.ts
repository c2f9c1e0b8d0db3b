/**
 * `npm run worker`: one Seva worker process — the workflows and activities of TEMPORAL_TASK_QUEUE
 * against TEMPORAL_ADDRESS and DATABASE_URL (defaults: what `npm start` runs). Start as many as
 * you like side by side: they share the task queue. Cache size and concurrency: WORKER_* config.
 */
import { loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { createLogger } from '../lib/logger';
import { installTracing } from '../lib/tracing';
import { connectClient, connectWorkerConnection, temporalAddress } from '../lib/temporal';
import { createActivityDeps } from '../worker/activity-deps';
import { bundleWorkflows, createWorker } from '../worker/create-worker';
import { activityMetricsAddress, createWorkerMetrics, serveWorkerMetrics } from '../worker/metrics';
import { installTemporalRuntime } from '../worker/runtime';
import { lowerWorkerPriority } from '../worker/priority';
import { ensureSchedules } from '../worker/schedules';
import { databaseUrlOf, stopOnSignals, tellSupervisorReady } from './lib/seva-process';
import { failStart } from './lib/fail-start';

async function main() {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  // before the SDK's threads exist, so that they inherit it
  lowerWorkerPriority(config.worker.nice, log);
  const metricsAddress = config.observability.workerMetricsAddress;
  // WORKER_METRICS_ADDRESS: the SDK's temporal_* series there, Seva's activity series on the next port
  installTemporalRuntime(log, { metricsAddress });
  const metrics = metricsAddress ? createWorkerMetrics() : undefined;
  const metricsServer = metrics
    ? await serveWorkerMetrics(
        metrics,
        activityMetricsAddress(metricsAddress!),
        config.observability.metricsToken,
      )
    : undefined;
  const tracing = await installTracing(config, 'seva-worker');
  const database = createDatabase(databaseUrlOf(config), { max: config.database.poolMax });
  const client = await connectClient(config, { traced: tracing !== undefined });
  const { deps } = await createActivityDeps(config, database.db, client);
  const connection = await connectWorkerConnection(config);
  const worker = await createWorker({
    config,
    connection,
    deps,
    workflowBundle: config.processes.workflowBundlePath
      ? { codePath: config.processes.workflowBundlePath }
      : await bundleWorkflows({ traced: tracing !== undefined }),
    metrics,
    tracing,
  });
  const run = worker.run();
  const close = async () => {
    await connection.close();
    await client.connection.close();
    await database.close();
    await tracing?.shutdown();
    await new Promise((r) => (metricsServer ? metricsServer.close(r) : r(undefined)));
  };
  stopOnSignals(log, async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run.catch(() => {});
    await close();
  });
  run.then(
    () => log.info('worker stopped'),
    async (error: unknown) => {
      // The supervisor (or the orchestrator) starts a new one.
      log.error({ err: error }, 'worker failed');
      await close().catch(() => {});
      process.exit(1);
    },
  );
  await ensureSchedules(client, config);
  log.info(
    {
      pid: process.pid,
      temporal: temporalAddress(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...config.worker,
      metrics: metricsAddress
        ? `http://${metricsAddress}/metrics (temporal_*), http://${activityMetricsAddress(metricsAddress).host}:${activityMetricsAddress(metricsAddress).port}/metrics (seva_*)`
        : 'off',
      tracing: config.observability.otlp?.endpoint ?? 'off',
    },
    'worker running',
  );
  tellSupervisorReady();
}

main().catch(failStart('worker'));
