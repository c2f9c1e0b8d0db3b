/** Paths the portal answers, outside the bearer-token check: the portal has its own session. */
export const PORTAL_PATHS = [
  '/',
  '/sign-in',
  '/sign-in/code',
  '/sign-out',
  '/home',
  '/preferences',
  '/ledger',
  '/language',
];

/** Pages under these prefixes (apply, track a request, complaints): Hono patterns, and their tests. */
export const PORTAL_PAGE_PATTERNS = [
  { hono: '/apply', test: (p: string) => p === '/apply' },
  { hono: '/apply/*', test: (p: string) => p.startsWith('/apply/') },
  { hono: '/requests/*', test: (p: string) => p.startsWith('/requests/') },
  { hono: '/complaints/*', test: (p: string) => p.startsWith('/complaints/') },
  { hono: '/upload/*', test: (p: string) => p.startsWith('/upload/') },
];

/**
 * Portal forms that carry files (multipart/form-data): the eForm with its documents, one document
 * uploaded from a form (/upload/<kind>), documents the office asked for.
 */
export const isPortalUpload = (path: string) =>
  /^\/upload\/[a-z-]+$/.test(path) ||
  /^\/apply\/[a-z][a-z0-9-]*(\/documents\/[a-z-]+)?$/.test(path) ||
  /^\/requests\/[A-Z]{2}-[\d-]+\/documents$/.test(path);

export const isPortalPath = (path: string) =>
  PORTAL_PATHS.includes(path) ||
  path.startsWith('/assets/') ||
  PORTAL_PAGE_PATTERNS.some((p) => p.test(path));
