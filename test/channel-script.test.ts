import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/lib/ports';

/** `npm run channel` as a process, against a stand-in API that records what reaches it. */
const seen: { method?: string; url?: string; signed: boolean }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  seen.push({ method: req.method, url: req.url, signed: Boolean(req.headers['webhook-signature']) });
  req.resume();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ reply: 'ok' }));
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
});
