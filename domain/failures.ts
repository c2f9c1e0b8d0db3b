/**
 * Business failure types. Workflows and activities throw
 * `ApplicationFailure.create({ type, nonRetryable: true })` with one of these; use cases throw a
 * `DomainProblem` carrying one. The API maps each type to one HTTP status in api/problem.ts.
 */
export const FailureType = {
  ConsumerNotFound: 'ConsumerNotFound',
  OfficeNotFound: 'OfficeNotFound',
  InvalidInput: 'InvalidInput',
  Forbidden: 'Forbidden',
  Conflict: 'Conflict',
  /** a request, complaint, document or receipt that does not exist, or that the caller may not see */
  NotFound: 'NotFound',
  /** the input is well-formed but cannot be accepted (a bad document, a reused idempotency key) */
  Unprocessable: 'Unprocessable',
  /** a capacity limit: try again later */
  Unavailable: 'Unavailable',
} as const;
export type TFailureType = (typeof FailureType)[keyof typeof FailureType];

/** One bad input, named by its dotted path (`form.pinCode`, `documents.0.kind`). */
/**
 * A field at fault. `code` and `values`, where given, name the reason for the pages to put in the
 * reader's words (an upload's: domain/upload-refusals.ts); the API passes them on beside `message`.
 */
export type TFieldError = { field: string; message: string; code?: string; values?: Record<string, number> };

/**
 * What a use case throws when it refuses: a failure type, a message for the caller, the fields at
 * fault (in order; a field may appear more than once) and any further members of the answer
 * (e.g. the `signedMessage` a signature should have covered). Knows nothing of HTTP.
 */
export class DomainProblem extends Error {
  constructor(
    readonly type: TFailureType,
    message: string,
    readonly details: { errors?: TFieldError[]; extensions?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainProblem';
  }

  /** Is this a refusal of the given type? */
  static is(error: unknown, type: TFailureType): error is DomainProblem {
    return error instanceof DomainProblem && error.type === type;
  }
}

/** Zod issues → field errors naming each field by its dotted path. */
export function fieldErrors(
  issues: readonly { path: PropertyKey[]; message: string }[],
  prefix = '',
): TFieldError[] {
  return issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)',
    // zod's wording for an absent field reads like a type error; say what the caller must do.
    message: /received undefined$/.test(i.message) ? 'required' : i.message,
  }));
}
