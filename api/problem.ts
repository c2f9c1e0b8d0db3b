import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { FailureType, type DomainProblem, type TFailureType } from '../domain/failures';
import { redactPath } from '../lib/redact';

/** RFC 9457 problem details; every error the API returns has this shape. */
export const ZProblem = z
  .object({
    type: z.string().openapi({ example: 'urn:seva:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'One entry per bad field (400 only)' }),
    reasons: z
      .array(
        z.object({
          field: z.string(),
          code: z.string().openapi({ example: 'pdf-encrypted' }),
          values: z.record(z.string(), z.number()).optional(),
        }),
      )
      .optional()
      .openapi({
        description:
          "An upload's refused reasons again, each with its code (file-type, pdf-encrypted, ekyc-share-code-wrong, …) and the values it counts, for a client that words them in its reader's language",
      }),
  })
  .openapi('Problem');
export type TProblem = z.infer<typeof ZProblem>;

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['validation', 'Your request has invalid fields'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'You may not do this'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict with the current state'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable', 'Request understood but cannot be processed'],
  429: ['rate-limited', 'Too many requests'],
  500: ['internal', 'Internal error'],
  503: ['unavailable', 'Service unavailable'],
  504: ['timeout', 'Upstream timed out'],
};

export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail?: string,
    readonly extra: {
      errors?: TProblem['errors'];
      headers?: Record<string, string>;
      /** RFC 9457 extension members, e.g. readiness checks */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? TITLES[status]?.[1] ?? 'error');
    this.name = 'HttpProblem';
  }
}

export function problemBody(
  status: number,
  detail: string | undefined,
  c: Context,
  errors?: TProblem['errors'],
): TProblem {
  const [slug, title] = TITLES[status] ?? ['error', 'Error'];
  return {
    type: `urn:seva:problem:${slug}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    instance: redactPath(c.req.path),
    requestId: c.get('requestId' as never) as string | undefined,
    ...(errors ? { errors } : {}),
  };
}

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  detail?: string,
  extra: HttpProblem['extra'] = {},
): Response {
  return c.body(
    JSON.stringify({ ...problemBody(status, detail, c, extra.errors), ...extra.extensions }),
    status,
    {
      'content-type': 'application/problem+json',
      ...extra.headers,
    },
  );
}

/**
 * Business failure type → HTTP status; the one table the API uses to translate the failures of
 * use cases and workflows.
 */
export const FAILURE_STATUS: Record<TFailureType, ContentfulStatusCode> = {
  [FailureType.ConsumerNotFound]: 404,
  [FailureType.OfficeNotFound]: 404,
  [FailureType.InvalidInput]: 400,
  [FailureType.Forbidden]: 403,
  [FailureType.Conflict]: 409,
  [FailureType.NotFound]: 404,
  [FailureType.Unprocessable]: 422,
  [FailureType.Unavailable]: 503,
};

/**
 * A use case's refusal as problem+json: its type's status, its message as `detail`, its fields as
 * `errors[]` (field and message, as always). Reasons with a code (an upload's,
 * domain/upload-refusals.ts) are listed again in the extension member `reasons`: field, code and
 * the values the reason counts, for a client that words them itself.
 */
export function domainProblemResponse(c: Context, problem: DomainProblem): Response {
  const { errors, extensions } = problem.details;
  const coded = (errors ?? []).filter((e) => e.code);
  return problemResponse(c, FAILURE_STATUS[problem.type], problem.message, {
    errors: errors?.map(({ field, message }) => ({ field, message })),
    extensions: coded.length
      ? {
          ...extensions,
          reasons: coded.map(({ field, code, values }) => ({ field, code, ...(values ? { values } : {}) })),
        }
      : extensions,
  });
}

export { fieldErrors } from '../domain/failures';

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: TITLES[s]?.[1] ?? 'Error',
        content: { 'application/problem+json': { schema: ZProblem } },
      },
    ]),
  );
