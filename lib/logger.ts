import { pino, type Logger } from 'pino';
import type { Config } from '../config';

export type { Logger };

/** JSON logs; pretty-printed in development. PII never goes into log fields. */
export function createLogger(config: Pick<Config, 'log'>, name = 'seva'): Logger {
  return pino({
    name,
    level: config.log.level,
    redact: { paths: ['req.headers.authorization', '*.authorization', '*.token'], censor: '[redacted]' },
    transport: config.log.pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        }
      : undefined,
  });
}
