import { OpenAPIHono } from '@hono/zod-openapi';
import { fieldErrors, HttpProblem } from './problem';
import type { AppEnv } from './types';

/** Every sub-app uses this so that a failed zod check becomes a 400 naming each bad field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const prefix = result.target === 'json' ? '' : result.target === 'param' ? 'path' : result.target;
        throw new HttpProblem(400, `invalid ${result.target === 'json' ? 'body' : result.target}`, {
          errors: fieldErrors(result.error.issues, prefix),
        });
      }
    },
  });
}
