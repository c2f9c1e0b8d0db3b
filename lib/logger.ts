import { pino, type Logger } from 'pino';
import type { Config } from '../config';

export type { Logger };

/**
 * Errors as logs may hold them: a failed query's SQL without its bound parameters (drizzle puts
 * them in the message) and without PostgreSQL's `detail`, which quotes the row's values.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { query?: unknown; params?: unknown; code?: unknown; cause?: unknown };
  const isQuery = typeof e.query === 'string' && 'params' in e;
  const out: Record<string, unknown> = {
    type: e.name,
    message: isQuery ? 'database query failed (bound parameters withheld)' : e.message,
    stack: isQuery ? undefined : e.stack,
  };
  if (isQuery) out.query = (e.query as string).slice(0, 500);
  if (typeof e.code === 'string') out.code = e.code;
  if (e.cause !== undefined) out.cause = serializeError(e.cause);
  return out;
}

/** JSON logs; pretty-printed in development. PII never goes into log fields. */
export function createLogger(config: Pick<Config, 'log'>, name = 'seva'): Logger {
  return pino({
    name,
    level: config.log.level,
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: ['req.headers.authorization', '*.authorization', '*.token'], censor: '[redacted]' },
    transport: config.log.pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        }
      : undefined,
  });
}
