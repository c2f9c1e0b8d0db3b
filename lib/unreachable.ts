import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

/** gRPC codes that leave an outcome unknown: the server did not answer in time, or could not be reached. */
const GRPC_AMBIGUOUS = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);
/** PostgreSQL and socket failures that mean the database was not reachable (not a refusal by it). */
const PG_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
]);

/**
 * True when Temporal or PostgreSQL could not be reached or did not answer in time: the caller
 * cannot know whether the operation happened, so it must not undo anything, and the client is
 * told to try again (503 with Retry-After), which the intake's keys make safe.
 */
export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth += 1) {
    if (isGrpcDeadlineError(e)) return true;
    if (isGrpcServiceError(e) && GRPC_AMBIGUOUS.has(e.code)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && PG_UNREACHABLE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
