import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
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

/**
 * The active span's ids on a log line, joining logs to traces (the request id's line carries the
 * trace id too). Without tracing there is never an active span: an empty object.
 */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : {};
}

/** JSON logs; pretty-printed in development. PII never goes into log fields. */
export function createLogger(
  config: Pick<Config, 'log'>,
  name = 'seva',
  /** where the lines go (tests read them); default stdout */
  destination?: DestinationStream,
): Logger {
  const options = {
    name,
    level: config.log.level,
    serializers: { err: serializeError, error: serializeError },
    mixin: activeTraceIds,
    redact: { paths: ['req.headers.authorization', '*.authorization', '*.token'], censor: '[redacted]' },
    transport: config.log.pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        }
      : undefined,
  };
  return destination ? pino({ ...options, transport: undefined }, destination) : pino(options);
}
