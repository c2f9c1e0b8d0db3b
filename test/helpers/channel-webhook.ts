import { Webhook } from 'standardwebhooks';
import { DEV_CHANNEL_WEBHOOK_SECRET } from '../../config';

const signer = new Webhook(DEV_CHANNEL_WEBHOOK_SECRET);

/** The Standard Webhooks headers a channel gateway signs a delivery with (the development secret). */
export function signedChannelWebhook(id: string, at: Date, raw: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signer.sign(id, at, raw),
  };
}
