import { z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { html } from 'hono/html';
import {
  FEEDBACK_CATEGORIES,
  isNegativeFeedback,
  statusQuery,
  submitFeedbackUpdate,
  ZFeedback,
} from '../../domain/service-request';
import { createFeedbackLinks } from '../../lib/feedback-links';
import type { serviceRequestWorkflow } from '../../workflows/service-request';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
import type { AppDeps } from '../types';

/**
 * The feedback link sent with the completion notice: the signed token in the path is the only
 * credential (no login), and it is good for one request of one consumer until it expires.
 */
export function createFeedbackRoutes(deps: AppDeps) {
  const app = createRouter();
  const links = createFeedbackLinks(deps.config);

  const open = async (token: string) => {
    const claims = await links.verify(token);
    if (!claims) throw new HttpProblem(401, 'this feedback link is invalid or has expired');
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
    const { claims, handle } = await open(c.req.param('token'));
    const state = await handle.query(statusQuery).catch(() => undefined);
    const given = state?.feedback !== undefined || !state;
    return c.html(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Feedback on ${claims.requestNumber}</title>
          </head>
          <body>
            <h1>How did we do?</h1>
            <p>
              Request
              <strong>${claims.requestNumber}</strong
              >${state ? html` — ${state.typeName}, ${state.status}` : ''}
            </p>
            ${
              given
                ? html`<p>Thank you — feedback for this request has already been received.</p>`
                : html`<form method="post">
                    <fieldset>
                      <legend>Rating</legend>
                      ${[5, 4, 3, 2, 1].map((n) => html`<label><input type="radio" name="rating" value="${n}" required /> ${n}</label> `)}
                    </fieldset>
                    <label
                      >Category
                      <select name="category">
                        ${FEEDBACK_CATEGORIES.map((k) => html`<option value="${k}">${k}</option>`)}
                      </select>
                    </label>
                    <p>
                      <label
                        >Comment<br /><textarea name="comment" rows="4" cols="50" maxlength="2000"></textarea>
                      </label>
                    </p>
                    <button type="submit">Send feedback</button>
                  </form>`
            }
          </body>
        </html>`,
    );
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
    const { claims, handle } = await open(c.req.param('token'));
    const isForm = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    const raw = isForm ? await c.req.parseBody() : await c.req.json<unknown>().catch(() => undefined);
    const parsed = ZFeedback.safeParse(raw);
    if (!parsed.success)
      throw new HttpProblem(400, 'invalid feedback', { errors: fieldErrors(parsed.error.issues) });
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
      if (isForm) {
        return c.html(
          `<!doctype html><p>Thank you for your feedback on ${claims.requestNumber}.${body.reopened ? ' A supervisor will look into it.' : ''}</p>`,
        );
      }
      return c.json(body, 200);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new HttpProblem(409, 'the feedback window for this request has closed');
      throw error;
    }
  });
  return app;
}
