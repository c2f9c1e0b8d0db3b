import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Temporal UI (development only) cannot send our Authorization header, so its codec URL
 * carries a secret in the path. It is random, made afresh at every `npm start`, known only to
 * that API process and that UI process, and good for `/codec/ui/<secret>/{encode,decode}` only:
 * it is not a JWT, so every other route refuses it as a bearer token.
 */
export function createCodecUiSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function matchesCodecUiSecret(expected: string, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
