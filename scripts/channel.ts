/**
 * Plays a provider against the running API: signs a message the way the gateway would and prints
 * Seva's answer (the reply also lands in the dev outbox).
 *   npm run -s channel -- sms "NP 1154600000001"
 *   npm run -s channel -- whatsapp hi                      (--from 91… to be a registered phone)
 *   npm run -s channel -- ivr 1 --consumer 1154600000001
 *   npm run -s channel -- email "No power since morning at 1154600000001"
 * A repeated --id re-delivers the same message.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../config';

const usage =
  'usage: npm run -s channel -- <sms|whatsapp|ivr|email> "<text or IVR keys>" [--from <phone or e-mail>] [--consumer <13 digits>] [--id <message id>]';

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
  if (values.help || !channel || !['sms', 'whatsapp', 'ivr', 'email'].includes(channel))
    return console.log(usage);
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
  if (channel === 'whatsapp') {
    headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', config.channels.whatsapp.appSecret).update(raw).digest('hex')}`;
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
