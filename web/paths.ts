/** Paths the portal answers, outside the bearer-token check: the portal has its own session. */
export const PORTAL_PATHS = [
  '/',
  '/sign-in',
  '/sign-in/code',
  '/sign-out',
  '/home',
  '/preferences',
  '/language',
];

export const isPortalPath = (path: string) => PORTAL_PATHS.includes(path) || path.startsWith('/assets/');
