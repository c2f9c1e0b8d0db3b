/**
 * Paths whose segment after the prefix is a credential: the Temporal UI's codec path secret and
 * signed feedback links. Logs and problem `instance`s show the path with that segment replaced.
 * The prefixes match however the path is spelt on the way in (any case, doubled slashes,
 * percent-encoding), and anything shaped like a JWT is hidden wherever it sits.
 */
const CREDENTIAL_PATHS = [/(\/+codec\/+ui\/+)[^/]+/gi, /(\/+v1\/+feedback\/+)[^/]+/gi];
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g;
// Any long opaque run (a random secret is 43 base64url characters) wherever it sits, so a path
// that misses the prefixes by a character still never shows a credential.
const OPAQUE = /[A-Za-z0-9_-]{32,}/g;

export const REDACTED = '[redacted]';

const decoded = (path: string) => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** `/codec/ui/<secret>/decode` → `/codec/ui/[redacted]/decode`; other paths unchanged. */
export function redactPath(path: string): string {
  let out = decoded(path);
  for (const pattern of CREDENTIAL_PATHS) out = out.replace(pattern, `$1${REDACTED}`);
  return out.replace(JWT, REDACTED).replace(OPAQUE, REDACTED);
}
