import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TFailureType } from '../../domain/failures';
import {
  isNegativeFeedback,
  statusQuery,
  submitFeedbackUpdate,
  ZFeedback,
} from '../../domain/service-request';
import { createFeedbackLinks } from '../../lib/feedback-links';
import type { serviceRequestWorkflow } from '../../workflows/service-request';
import { createRouter } from '../create-router';
import { createFeedbackPages, fromBrowser } from '../../web/feedback';
import { FAILURE_STATUS, fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

/**
 * The feedback link sent with the completion notice: the signed token in the path is the only
 * credential (no login), and it is good for one request of one consumer until it expires.
 */
export function createFeedbackRoutes(deps: AppDeps) {
  const app = createRouter();
  const links = createFeedbackLinks(deps.config);

  const pages = createFeedbackPages(deps);
  const invalidLink = () => new HttpProblem(401, 'this feedback link is invalid or has expired');
  /** The link's claims and its request's workflow; undefined for a link that is forged or expired. */
  const open = async (token: string) => {
    const claims = await links.verify(token);
    if (!claims) return undefined;
    return {
      claims,
      handle: deps.temporal.workflow.getHandle<typeof serviceRequestWorkflow>(claims.requestNumber),
    };
  };

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/feedback/{token}',
    tags: ['feedback'],
    summary: 'The feedback form behind a signed feedback link (HTML)',
    'x-roles': ['public'],
    request: { params: z.object({ token: z.string().min(10) }) },
    responses: {
      200: {
        description: 'the form, or a thank-you once feedback is in',
        content: { 'text/html': { schema: z.string() } },
      },
      ...problemResponses(401),
    },
  });
  app.get('/v1/feedback/:token', async (c) => {
    const opened = await open(c.req.param('token'));
    if (!opened) {
      if (fromBrowser(c)) return pages.error(c, undefined, 'errors.linkInvalid', 401);
      throw invalidLink();
    }
    const { claims, handle } = opened;
    const state = await handle.query(statusQuery).catch(() => undefined);
    const given = state?.feedback !== undefined || !state;
    return pages.form(c, {
      consumerNumber: claims.consumerNumber,
      requestNumber: claims.requestNumber,
      request: state ? { typeName: state.typeName, status: state.status } : undefined,
      view: given ? 'already' : 'form',
    });
  });

  // Documented here, handled below by hand: the body is JSON from apps or a urlencoded HTML form,
  // and the route validators would insist on both at once.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/feedback/{token}',
    tags: ['feedback'],
    summary:
      'Rate a completed request from its signed feedback link (a rating of 1–2 or "escalation" reopens it)',
    'x-roles': ['public'],
    request: {
      params: z.object({ token: z.string().min(10) }),
      body: {
        required: true,
        content: {
          'application/json': { schema: ZFeedback },
          'application/x-www-form-urlencoded': { schema: ZFeedback },
        },
      },
    },
    responses: {
      200: {
        description: 'feedback recorded',
        content: {
          'application/json': {
            schema: z.object({ requestNumber: z.string(), status: z.string(), reopened: z.boolean() }),
          },
        },
      },
      ...problemResponses(400, 401, 404, 409),
    },
  });
  app.post('/v1/feedback/:token', async (c) => {
    // A browser (an HTML form, or a caller asking for HTML) is answered with pages; JSON as ever.
    const browser = fromBrowser(c);
    const opened = await open(c.req.param('token'));
    if (!opened) {
      if (browser) return pages.error(c, undefined, 'errors.linkInvalid', 401);
      throw invalidLink();
    }
    const { claims, handle } = opened;
    const isForm = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    const raw = isForm ? await c.req.parseBody() : await c.req.json<unknown>().catch(() => undefined);
    const parsed = ZFeedback.safeParse(raw);
    const page = { consumerNumber: claims.consumerNumber, requestNumber: claims.requestNumber };
    if (!parsed.success) {
      if (browser) {
        const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const form = (raw ?? {}) as Record<string, unknown>;
        return pages.form(
          c,
          {
            ...page,
            view: 'form',
            invalid: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].filter(
              (f): f is 'rating' | 'category' | 'comment' => ['rating', 'category', 'comment'].includes(f),
            ),
            values: { rating: text(form.rating), category: text(form.category), comment: text(form.comment) },
          },
          400,
        );
      }
      throw new HttpProblem(400, 'invalid feedback', { errors: fieldErrors(parsed.error.issues) });
    }
    try {
      const state = await handle.executeUpdate(submitFeedbackUpdate, {
        args: [
          {
            ...parsed.data,
            actor: {
              subject: `feedback-link:${claims.consumerNumber}`,
              role: 'consumer',
              consumerNumbers: [claims.consumerNumber],
            },
          },
        ],
      });
      const body = {
        requestNumber: claims.requestNumber,
        status: state.status,
        reopened: isNegativeFeedback(parsed.data),
      };
      if (browser) return pages.form(c, { ...page, view: 'thanks', reopened: body.reopened });
      return c.json(body, 200);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        if (browser) return pages.error(c, claims.consumerNumber, 'errors.windowClosed', 409);
        throw new HttpProblem(409, 'the feedback window for this request has closed');
      }
      if (browser && error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause;
        const status =
          cause instanceof ApplicationFailure && cause.type && cause.type in FAILURE_STATUS
            ? FAILURE_STATUS[cause.type as TFailureType]
            : undefined;
        if (status === 409) return pages.form(c, { ...page, view: 'already' }, 409);
      }
      throw error;
    }
  });
  return app;
}
