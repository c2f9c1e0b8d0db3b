import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { AesGcmPayloadCodec, payloadFromJson, payloadToJson } from '../../lib/payload-codec';
import { matchesCodecUiSecret } from '../../lib/codec-ui-secret';
import { secureRoute } from '../auth';
import { createRouter } from '../create-router';
import { fieldErrors, HttpProblem, problemResponses } from '../problem';
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
  const codecUiSecret = deps.config.env === 'production' ? undefined : deps.codecUiSecret;

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

    // Same codec for the development Temporal UI, which cannot send our Authorization header: its
    // codec URL carries the per-start secret (`--ui-codec-endpoint <api>/codec/ui/<secret>`). That
    // secret opens these two routes only, and bearer tokens do not open them. Production has no
    // path route: its UI forwards the user's access token to /codec/{encode,decode}. Not in OpenAPI.
    if (codecUiSecret) {
      app.post(`/codec/ui/:secret/${op}`, async (c) => {
        if (!matchesCodecUiSecret(codecUiSecret, c.req.param('secret'))) {
          throw new HttpProblem(401, 'this codec URL is not the one this API process gave the Temporal UI');
        }
        const parsed = ZPayloads.safeParse(await c.req.json().catch(() => undefined));
        if (!parsed.success)
          throw new HttpProblem(400, 'body must be { payloads: [...] }', {
            errors: fieldErrors(parsed.error.issues),
          });
        return c.json(await run(c, op, parsed.data), 200);
      });
    }
  }
  return app;
}
