import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

/**
 * Route the SDK's logs into pino and leave signal handling to the process owner (start.ts), so
 * Ctrl-C drains the worker once, in order, instead of the SDK racing our own shutdown.
 * Call once per process, before any worker or native connection exists.
 */
export function installTemporalRuntime(logger: Logger): void {
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'INFO' : 'WARN';
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
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
