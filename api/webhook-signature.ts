import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { HttpProblem } from './problem';

/**
 * Reads a provider webhook's raw body and checks its Standard Webhooks signature (webhook-id,
 * webhook-timestamp within five minutes, webhook-signature HMAC), then parses it as JSON.
 * Unsigned, stale or forged requests are 401; a body that is not JSON is 400.
 */
export function standardWebhookVerifier(secret: string) {
  const webhook = new Webhook(secret);
  return async (c: Context): Promise<unknown> => {
    assertJson(c);
    const raw = await c.req.text();
    try {
      webhook.verify(raw, {
        'webhook-id': c.req.header('webhook-id') ?? '',
        'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
        'webhook-signature': c.req.header('webhook-signature') ?? '',
      });
    } catch (error) {
      if (error instanceof WebhookVerificationError)
        throw new HttpProblem(401, `webhook signature: ${error.message}`);
      // standardwebhooks parses the payload once the signature holds: a signed body that is not JSON
      if (error instanceof SyntaxError) return parseJson(raw);
      throw error;
    }
    return parseJson(raw);
  };
}

/** Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` with the app secret. */
export function metaWebhookVerifier(appSecret: string) {
  return async (c: Context): Promise<unknown> => {
    assertJson(c);
    const raw = await c.req.text();
    const given = /^sha256=([0-9a-f]{64})$/i.exec(c.req.header('x-hub-signature-256') ?? '')?.[1];
    if (!given) throw new HttpProblem(401, 'webhook signature: X-Hub-Signature-256 missing or malformed');
    const expected = createHmac('sha256', appSecret).update(raw).digest();
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
      throw new HttpProblem(401, 'webhook signature: X-Hub-Signature-256 does not match');
    return parseJson(raw);
  };
}

/** Provider events are JSON: anything else is 415 before its bytes are read (or re-encoded). */
function assertJson(c: Context) {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type))
    throw new HttpProblem(415, `send the event as application/json (got "${type || 'none'}")`);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpProblem(400, 'the body is not JSON', {
      errors: [{ field: '(body)', message: 'send the event as JSON' }],
    });
  }
}
