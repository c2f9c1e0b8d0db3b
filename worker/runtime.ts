import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

/**
 * Route the SDK's logs into pino and leave signal handling to the process owner (start.ts), so
 * Ctrl-C drains the worker once, in order, instead of the SDK racing our own shutdown.
 * `metricsAddress` (host:port, `WORKER_METRICS_ADDRESS`): the SDK's own Prometheus endpoint
 * (`temporal_*` series at http://host:port/metrics: task slots, poll and schedule-to-start
 * latencies, sticky cache, activity and workflow outcomes), served by Core itself.
 * Call once per process, before any worker or native connection exists.
 */
export function installTemporalRuntime(logger: Logger, options: { metricsAddress?: string } = {}): void {
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'INFO' : 'WARN';
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
    ...(options.metricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: { bindAddress: options.metricsAddress, useSecondsForDurations: true },
            },
          },
        }
      : {}),
    logger: new DefaultLogger(level, ({ level: l, message, meta }) => {
      const method =
        l === 'TRACE'
          ? 'trace'
          : l === 'DEBUG'
            ? 'debug'
            : l === 'INFO'
              ? 'info'
              : l === 'WARN'
                ? 'warn'
                : 'error';
      sdk[method](meta ?? {}, message);
    }),
  });
}
