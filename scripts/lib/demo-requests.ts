import type { Config } from '../../config';
import { signDevToken } from '../../lib/auth-tokens';
import { demoPackFor } from './demo-data';
import { makePng } from './sample-files';

type Fetch = (path: string, init: RequestInit) => Response | Promise<Response>;

/**
 * Demo service requests, submitted through the API exactly as a consumer would (upload, then
 * submit). The Idempotency-Keys make a second `npm start` find the same requests.
 */
export async function submitDemoRequests(
  fetch: Fetch,
  config: Pick<Config, 'auth' | 'profile'>,
): Promise<string[]> {
  const numbers: string[] = [];
  for (const [i, demo] of demoPackFor(config.profile).showcase.requests.entries()) {
    const token = await signDevToken(config.auth, {
      role: 'consumer',
      consumers: [demo.consumerNumber],
      subject: `demo-consumer-${i + 1}`,
    });
    const form = new FormData();
    form.set('consumerNumber', demo.consumerNumber);
    form.set('kind', demo.kind);
    form.set('file', new Blob([makePng(800, 600, i + 1)], { type: 'image/png' }), `${demo.kind}-proof.png`);
    const uploaded = await fetch('/v1/documents', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (uploaded.status >= 300)
      throw new Error(`demo upload failed: ${uploaded.status} ${await uploaded.text()}`);
    const { documentId } = (await uploaded.json()) as { documentId: string };
    const submitted = await fetch('/v1/service-requests', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `demo-service-request-${i + 1}`,
      },
      body: JSON.stringify({
        type: demo.type,
        consumerNumber: demo.consumerNumber,
        channel: 'web',
        form: demo.form,
        documents: [{ documentId, kind: demo.kind, fileName: `${demo.kind}-proof.png` }],
      }),
    });
    if (submitted.status >= 300)
      throw new Error(`demo request failed: ${submitted.status} ${await submitted.text()}`);
    numbers.push(((await submitted.json()) as { requestNumber: string }).requestNumber);
  }
  return numbers;
}
