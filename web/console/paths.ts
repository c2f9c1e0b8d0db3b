/** The back-office console lives under /console, outside the bearer-token check: it has its own session. */
export const CONSOLE_PREFIX = '/console';

export const isConsolePath = (path: string) =>
  path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);

/** Console forms that carry files (multipart/form-data): a service request started at the agent desk, a manual campaign's uploaded list of consumer numbers (#14), a corporate's bulk payment. */
export const isConsoleUpload = (path: string) =>
  /^\/console\/desk\/consumers\/\d{13}\/request$/.test(path) ||
  path === '/console/campaigns/new' ||
  path === '/console/bulk-payments';
