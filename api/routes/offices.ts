import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { offices } from '../../db/schema';
import { STAFF_ROLES } from '../../domain/roles';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { problemResponses } from '../problem';
import type { AppDeps } from '../types';

const LEVELS = ['circle', 'division', 'subdivision', 'section'] as const;

/** The office hierarchy: what staff tokens' `office` and work-queue filters refer to. */
export function createOfficeRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    secureRoute({
      method: 'get',
      path: '/v1/offices',
      tags: ['offices'],
      summary: 'Offices from circle to section, with their place in the hierarchy',
      roles: STAFF_ROLES,
      request: { query: z.object({ level: z.enum(LEVELS).optional() }) },
      responses: {
        200: {
          description: 'offices by path',
          content: {
            'application/json': {
              schema: z.object({
                items: z.array(
                  z.object({
                    id: z.string(),
                    name: z.string(),
                    level: z.enum(LEVELS),
                    parentId: z.string().nullable(),
                    path: z.string(),
                  }),
                ),
              }),
            },
          },
        },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const { level } = c.req.valid('query');
      const items = await deps.db
        .select({
          id: offices.id,
          name: offices.name,
          level: offices.level,
          parentId: offices.parentId,
          path: offices.path,
        })
        .from(offices)
        .where(level ? eq(offices.level, level) : undefined)
        .orderBy(asc(offices.path));
      return c.json({ items }, 200);
    },
  );
  return app;
}
