/** The back-office console lives under /console, outside the bearer-token check: it has its own session. */
export const CONSOLE_PREFIX = '/console';

export const isConsolePath = (path: string) =>
  path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);
