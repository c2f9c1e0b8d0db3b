/**
 * Business failure types. Workflows and activities throw
 * `ApplicationFailure.create({ type, nonRetryable: true })` with one of these; the API maps
 * each to one HTTP status in api/problem.ts.
 */
export const FailureType = {
  ConsumerNotFound: 'ConsumerNotFound',
  OfficeNotFound: 'OfficeNotFound',
  InvalidInput: 'InvalidInput',
  Forbidden: 'Forbidden',
  Conflict: 'Conflict',
} as const;
export type TFailureType = (typeof FailureType)[keyof typeof FailureType];
