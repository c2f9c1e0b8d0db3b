import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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

/**
 * Meta's webhook signature (WhatsApp Cloud API and the Messenger Platform alike):
 * `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` with the app secret, compared in
 * constant time before the body is parsed.
 */
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

/** How old a Zalo event may be: Zalo re-delivers an unanswered event for up to 12 hours. */
export const ZALO_EVENT_MAX_AGE_MS = 24 * 3_600_000;

/**
 * The Zalo Official Account webhook's signature. Zalo sends `X-ZEvent-Signature: mac=<hex>`, where
 * the hex is a plain SHA-256 (not an HMAC) of the app id, the raw JSON body, the event's own
 * `timestamp` (from that body) and the **OA secret key** (not the app's secret key), concatenated
 * in that order. Sources found (developers.zalo.me itself is not in the stored corpora):
 * - hainh.me, "Zalo API – PHP Webhook Callback Official Account": compare X-ZEvent-Signature with
 *   the SHA256 of app id + body JSON + the timestamp taken from that JSON + the OA secret key;
 * - public webhook receivers (PHP `hash('sha256', $app_id . $raw_body . $timestamp . $secret_key)`,
 *   Python `hashlib.sha256(f"{app_id}{raw_body}{timestamp}{secret}")` after stripping a `mac=`
 *   prefix) and a research note citing dataism.one's `createHash('sha256')`, not `createHmac`.
 * Compared in constant time; the event's app id must be ours. Zalo re-delivers an event with
 * the same body, so re-deliveries are recognised by msg_id, and events older than a day (past
 * Zalo's 12 h of retries) are refused as replays. Malformed fields are judged after the signature.
 */
export function zaloWebhookVerifier(appId: string, oaSecretKey: string, now: () => Date = () => new Date()) {
  return async (c: Context): Promise<unknown> => {
    assertJson(c);
    const raw = await c.req.text();
    const given = /^(?:mac=)?([0-9a-f]{64})$/i.exec((c.req.header('x-zevent-signature') ?? '').trim())?.[1];
    if (!given) throw new HttpProblem(401, 'webhook signature: X-ZEvent-Signature missing or malformed');
    // The timestamp is inside the body: read it to check the signature, judge the body after.
    type TSigned = { app_id?: unknown; timestamp?: unknown } | null;
    let body: TSigned = null;
    try {
      body = JSON.parse(raw) as TSigned;
    } catch {
      // not JSON: only a correct signature over these bytes earns the 400 below
    }
    const timestamp =
      typeof body?.timestamp === 'string' || typeof body?.timestamp === 'number'
        ? String(body.timestamp)
        : '';
    const expected = createHash('sha256').update(`${appId}${raw}${timestamp}${oaSecretKey}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(given, 'hex')))
      throw new HttpProblem(401, 'webhook signature: X-ZEvent-Signature does not match');
    if (body === null) return parseJson(raw);
    const eventAppId = typeof body.app_id === 'number' ? String(body.app_id) : body.app_id;
    if (eventAppId !== appId)
      throw new HttpProblem(401, 'webhook signature: the event is for another Zalo app');
    const at = Number(timestamp);
    if (Number.isFinite(at) && now().getTime() - at > ZALO_EVENT_MAX_AGE_MS)
      throw new HttpProblem(401, 'webhook signature: the event is older than a day (a replay)');
    return body;
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
