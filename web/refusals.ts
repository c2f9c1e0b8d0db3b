import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainProblem, FailureType, type TFailureType, type TFieldError } from '../domain/failures';
import { portalMessages } from './messages';

/** A refusal the pages show: the failure type, the message and the fields at fault. */
export type TRefusal = { type: TFailureType; message: string; errors: TFieldError[] };

const TYPES = new Set<string>(Object.values(FailureType));

/**
 * A use case's refusal (DomainProblem) or a workflow's (an Update's validator or handler failing
 * with a failure type of domain/failures.ts) — the same two the JSON API maps to problem+json.
 * Anything else is not a refusal.
 */
export function refusalOf(error: unknown): TRefusal | undefined {
  if (error instanceof DomainProblem)
    return { type: error.type, message: error.message, errors: error.details.errors ?? [] };
  if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && cause.type && TYPES.has(cause.type))
      return { type: cause.type as TFailureType, message: cause.message, errors: [] };
  }
  return undefined;
}

/** "Not yours" and "no such number" are one answer to a consumer, as in the API: not found. */
export const isNotFound = (r: TRefusal) =>
  r.type === FailureType.NotFound ||
  r.type === FailureType.Forbidden ||
  r.type === FailureType.ConsumerNotFound;

/**
 * A field's reason in the reader's words: from its code (`refusal.<code>` of the portal's
 * messages, e.g. an upload's, domain/upload-refusals.ts) where it has one; else as the API words it.
 */
export const reasonWords = (
  t: (key: string, values?: Record<string, string | number>) => string,
  error: TFieldError,
) => (error.code && portalMessages.has('en', `refusal.${error.code}`) ? t(`refusal.${error.code}`, error.values) : error.message);
