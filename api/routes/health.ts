import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { createRouter } from '../create-router';
import { HttpProblem, ZProblem } from '../problem';
import type { AppDeps } from '../types';

const ZCheck = z.enum(['up', 'down']);

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['health'],
      summary: 'Liveness: the API process answers',
      'x-roles': ['public'],
      responses: {
        200: {
          description: 'alive',
          content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
        },
      },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  const ZReady = z.object({
    status: z.literal('ready'),
    checks: z.object({ postgres: ZCheck, temporal: ZCheck }),
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['health'],
      summary: 'Readiness: PostgreSQL and Temporal are reachable',
      'x-roles': ['public'],
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: ZReady } } },
        503: {
          description: 'a dependency is down',
          content: {
            'application/problem+json': { schema: ZProblem.extend({ checks: ZReady.shape.checks }) },
          },
        },
      },
    }),
    async (c) => {
      const [postgres, temporal] = await Promise.all([
        probe(() => deps.db.execute(sql`select 1`), 2000),
        probe(() => deps.temporal.workflowService.getSystemInfo({}), 2000),
      ]);
      const ready = postgres === 'up' && temporal === 'up';
      c.header('cache-control', 'no-store');
      if (ready) return c.json({ status: 'ready' as const, checks: { postgres, temporal } }, 200);
      const down = Object.entries({ postgres, temporal })
        .filter(([, v]) => v === 'down')
        .map(([k]) => k);
      throw new HttpProblem(503, `unreachable: ${down.join(', ')}`, {
        extensions: { checks: { postgres, temporal } },
      });
    },
  );
  return app;
}
