import { ConfigError } from '../../config';

/** The `main().catch` of a Seva process: a config error as its list of problems, anything else in one line; exit 1. */
export const failStart =
  (what: string) =>
  (error: unknown): never => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error(`${what} failed to start:`, error instanceof Error ? error.message : error);
    process.exit(1);
  };
