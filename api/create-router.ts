import { OpenAPIHono } from '@hono/zod-openapi';
import { fieldErrors, HttpProblem } from './problem';
import type { AppEnv } from './types';

/** Every sub-app uses this so that a failed zod check becomes a 400 naming each bad field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        // A JSON or form body's fields are named as they are sent; path, query and headers by where.
        const body = result.target === 'json' || result.target === 'form';
        const prefix = body ? '' : result.target === 'param' ? 'path' : result.target;
        throw new HttpProblem(400, `invalid ${body ? 'body' : result.target}`, {
          errors: fieldErrors(result.error.issues, prefix),
        });
      }
    },
  });
}
