import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { AesGcmPayloadCodec, payloadFromJson, payloadToJson } from '../../lib/payload-codec';
import { secureRoute, verifyOrThrow } from '../auth';
import { createRouter } from '../create-router';
import { HttpProblem, problemResponses } from '../problem';
import type { AppDeps, AppEnv } from '../types';

const CODEC_ROLES = ['ops', 'admin'] as const;

const ZJsonPayload = z.object({
  metadata: z.record(z.string(), z.string()).nullish(),
  data: z.string().nullish(),
});
const ZPayloads = z.object({ payloads: z.array(ZJsonPayload).max(1000) }).openapi('CodecPayloads');

/**
 * The remote codec the Temporal UI and CLI call (`--codec-endpoint`), in their JSON shape.
 * Only ops and admin may read decrypted payloads.
 */
export function createCodecRoutes(deps: AppDeps) {
  const app = createRouter();
  const codec = new AesGcmPayloadCodec(deps.config.payloadCodec.keys, deps.config.payloadCodec.activeKeyId);

  app.use(
    '/codec/*',
    cors({
      origin: deps.config.temporal.uiOrigins,
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'x-namespace', 'authorization'],
      credentials: true,
      maxAge: 600,
    }),
  );

  const checkNamespace = (c: Context<AppEnv>) => {
    const ns = c.req.header('x-namespace');
    if (ns && ns !== deps.config.temporal.namespace) {
      throw new HttpProblem(
        403,
        `this codec serves namespace "${deps.config.temporal.namespace}", not "${ns}"`,
      );
    }
  };
  const run = async (c: Context<AppEnv>, op: 'encode' | 'decode', body: z.infer<typeof ZPayloads>) => {
    checkNamespace(c);
    let out;
    try {
      out = await codec[op](body.payloads.map(payloadFromJson));
    } catch (error) {
      throw new HttpProblem(400, `cannot ${op}: ${(error as Error).message}`);
    }
    return { payloads: out.map(payloadToJson) };
  };

  for (const op of ['encode', 'decode'] as const) {
    app.openapi(
      secureRoute({
        method: 'post',
        path: `/codec/${op}`,
        tags: ['codec'],
        summary:
          op === 'encode'
            ? 'Encrypt payloads (Temporal remote codec)'
            : 'Decrypt payloads (Temporal remote codec)',
        roles: CODEC_ROLES,
        request: {
          headers: z.object({ 'x-namespace': z.string().optional() }),
          body: { content: { 'application/json': { schema: ZPayloads } }, required: true },
        },
        responses: {
          200: { description: 'payloads', content: { 'application/json': { schema: ZPayloads } } },
          ...problemResponses(400),
        },
      }),
      async (c) => c.json(await run(c, op, c.req.valid('json')), 200),
    );

    // Same codec for the Temporal UI, which cannot send our Authorization header: the token is
    // in the configured codec URL (`--ui-codec-endpoint <api>/codec/ui/<token>`). Not in OpenAPI.
    app.post(`/codec/ui/:token/${op}`, async (c) => {
      const principal = await verifyOrThrow(deps.verifyToken, c.req.param('token'));
      if (!(CODEC_ROLES as readonly string[]).includes(principal.role)) {
        throw new HttpProblem(403, 'only ops and admin may use the codec');
      }
      const parsed = ZPayloads.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) throw new HttpProblem(400, 'body must be { payloads: [...] }');
      return c.json(await run(c, op, parsed.data), 200);
    });
  }
  return app;
}
