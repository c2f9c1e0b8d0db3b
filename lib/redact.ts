/**
 * Paths whose segment after the prefix is a credential: the Temporal UI's codec path secret and
 * signed feedback links. Logs and problem `instance`s show the path with that segment replaced.
 */
const CREDENTIAL_PATHS = [/^(\/codec\/ui\/)[^/]+/, /^(\/v1\/feedback\/)[^/]+/];

export const REDACTED = '[redacted]';

/** `/codec/ui/<secret>/decode` → `/codec/ui/[redacted]/decode`; other paths unchanged. */
export function redactPath(path: string): string {
  for (const pattern of CREDENTIAL_PATHS) {
    if (pattern.test(path)) return path.replace(pattern, `$1${REDACTED}`);
  }
  return path;
}
