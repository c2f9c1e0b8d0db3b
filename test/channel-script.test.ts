import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_MESSENGER_APP_SECRET, DEV_ZALO_APP_ID, DEV_ZALO_OA_SECRET_KEY } from '../config';
import { freePort } from '../scripts/lib/ports';

/** `npm run channel` as a process, against a stand-in API that records what reaches it. */
const seen: { method?: string; url?: string; signed: boolean }[] = [];
const bodies: { headers: IncomingMessage['headers']; raw: string }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  seen.push({ method: req.method, url: req.url, signed: Boolean(req.headers['webhook-signature']) });
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    bodies.push({ headers: req.headers, raw });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ reply: 'ok' }));
  });
});
let apiPort: number;

beforeAll(async () => {
  apiPort = await freePort();
  await new Promise<void>((r) => server.listen(apiPort, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('npm run channel', () => {
  it('sends to the configured API address (PUBLIC_URL), not a hard-coded one', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/channel.ts', 'sms', 'NP 1154600000001'],
      {
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          HOME: tmpdir(),
          // The API listens elsewhere than PORT says (behind a proxy, in a container…).
          PORT: String(await freePort()),
          PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ reply: 'ok' });
    expect(seen).toEqual([{ method: 'POST', url: '/v1/webhooks/sms', signed: true }]);
  });

  it("signs Zalo and Messenger messages the platforms' way", async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/channel.ts', ...args], {
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin',
          HOME: tmpdir(),
          PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
        },
      });
    bodies.length = 0;
    await run('zalo', 'hi', '--from', '6142494823000009', '--id', 'zmsg-1');
    await run('messenger', 'menu:bill', '--from', 'psid-9', '--id', 'mid-1');
    const [zalo, messenger] = bodies;
    const event = JSON.parse(zalo!.raw);
    expect(event).toMatchObject({
      app_id: DEV_ZALO_APP_ID,
      event_name: 'user_send_text',
      sender: { id: '6142494823000009' },
      message: { msg_id: 'zmsg-1', text: 'hi' },
    });
    const mac = createHash('sha256')
      .update(`${DEV_ZALO_APP_ID}${zalo!.raw}${event.timestamp}${DEV_ZALO_OA_SECRET_KEY}`)
      .digest('hex');
    expect(zalo!.headers['x-zevent-signature']).toBe(`mac=${mac}`);
    expect(JSON.parse(messenger!.raw)).toMatchObject({
      object: 'page',
      entry: [
        { messaging: [{ sender: { id: 'psid-9' }, postback: { mid: 'mid-1', payload: 'menu:bill' } }] },
      ],
    });
    const hmac = createHmac('sha256', DEV_MESSENGER_APP_SECRET).update(messenger!.raw).digest('hex');
    expect(messenger!.headers['x-hub-signature-256']).toBe(`sha256=${hmac}`);
    expect(seen.slice(-2).map((r) => r.url)).toEqual(['/v1/webhooks/zalo', '/v1/webhooks/messenger']);
  });
});
