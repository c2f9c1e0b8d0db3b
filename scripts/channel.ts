/**
 * Plays a provider against the running API: signs a message the way the gateway would and prints
 * Seva's answer (the reply also lands in the dev outbox).
 *   npm run -s channel -- sms "NP 1154600000001"
 *   npm run -s channel -- whatsapp hi                      (--from 91… to be a registered phone)
 *   npm run -s channel -- ivr 1 --consumer 1154600000001
 *   npm run -s channel -- email "No power since morning at 1154600000001"
 *   npm run -s channel -- zalo hi --from 6142494823000001   (Zalo OA user_send_text, X-ZEvent-Signature)
 *   npm run -s channel -- messenger menu:bill --from 2468013579   (Messenger Platform, X-Hub-Signature-256)
 * A repeated --id re-delivers the same message.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../config';

const usage =
  'usage: npm run -s channel -- <sms|whatsapp|ivr|email|zalo|messenger> "<text or IVR keys>" [--from <phone, e-mail or platform user id>] [--consumer <13 digits>] [--id <message id>]';
const CHANNELS = ['sms', 'whatsapp', 'ivr', 'email', 'zalo', 'messenger'];

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      consumer: { type: 'string' },
      id: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [channel, text = ''] = positionals;
  if (values.help || !channel || !CHANNELS.includes(channel)) return console.log(usage);
  const config = loadConfig();
  const base = config.http.publicUrl;
  const id = values.id ?? `cli-${randomUUID()}`;
  let body: unknown;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (channel === 'whatsapp') {
    const from = (values.from ?? '919400000001').replace(/^\+/, '');
    const message = /^(menu|type):/.test(text)
      ? { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: text } } }
      : { type: 'text', text: { body: text } };
    body = {
      object: 'whatsapp_business_account',
      entry: [{ changes: [{ field: 'messages', value: { messages: [{ from, id, ...message }] } }] }],
    };
  } else if (channel === 'zalo') {
    // The OA webhook's event; menu ids and codes are typed as text on Zalo.
    body = {
      app_id: config.channels.zalo.appId,
      user_id_by_app: `by-app-${values.from ?? '6142494823000001'}`,
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: values.from ?? '6142494823000001' },
      recipient: { id: 'seva-oa' },
      message: { msg_id: id, text },
    };
  } else if (channel === 'messenger') {
    const sender = { id: values.from ?? '2468013579' };
    // menu:… and type:… are what the Page's buttons send back (postbacks); anything else is typed text
    const event = /^(menu|type):/.test(text)
      ? { postback: { mid: id, title: text, payload: text } }
      : { message: { mid: id, text } };
    body = {
      object: 'page',
      entry: [
        {
          id: 'seva-page',
          time: Date.now(),
          messaging: [{ sender, recipient: { id: 'seva-page' }, timestamp: Date.now(), ...event }],
        },
      ],
    };
  } else {
    body =
      channel === 'sms'
        ? { messageId: id, from: values.from ?? '+919400000001', text }
        : channel === 'ivr'
          ? {
              messageId: id,
              callId: `call-${id}`,
              caller: values.from,
              consumerNumber: values.consumer,
              digits: text,
            }
          : { messageId: id, from: values.from ?? 'resident@example.in', subject: text, text: '' };
  }
  const raw = JSON.stringify(body);
  if (channel === 'whatsapp' || channel === 'messenger') {
    const secret = config.channels[channel].appSecret;
    headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  } else if (channel === 'zalo') {
    // mac = sha256(app id + body + the event's timestamp + OA secret key), as api/webhook-signature.ts checks
    const { appId, oaSecretKey } = config.channels.zalo;
    const timestamp = (body as { timestamp: string }).timestamp;
    headers['x-zevent-signature'] =
      `mac=${createHash('sha256').update(`${appId}${raw}${timestamp}${oaSecretKey}`).digest('hex')}`;
  } else {
    const at = new Date();
    headers['webhook-id'] = `wh-${randomUUID()}`;
    headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(config.channels.webhookSecret).sign(
      headers['webhook-id'],
      at,
      raw,
    );
  }
  const url = `${base}/v1/webhooks/${channel}`;
  const res = await fetch(url, { method: 'POST', headers, body: raw }).catch((error: unknown) => {
    throw new Error(`cannot reach Seva at ${url} (${(error as Error).message}); is npm start running there?`);
  });
  const answer = await res.text();
  let shown = answer;
  try {
    shown = JSON.stringify(JSON.parse(answer), null, 2);
  } catch {
    // not JSON: print it as it came
  }
  if (!res.ok) {
    console.error(`${res.status} from ${url}\n${shown}`);
    process.exit(1);
  }
  console.log(shown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
