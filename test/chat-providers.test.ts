import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessengerProvider, createZaloProvider, PermanentSendError } from '../lib/notice-providers';
import { freePort } from '../scripts/lib/ports';

/** A stand-in for the platforms' send APIs that records what reaches it and answers as told. */
type TSeen = { method?: string; url?: string; headers: IncomingMessage['headers']; body: any };
const seen: TSeen[] = [];
let answer: (res: ServerResponse) => void = (res) => res.end('{}');
const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw || 'null') });
    res.setHeader('content-type', 'application/json');
    answer(res);
  });
});
let base: string;
beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const reply = (to: string, text: string) => ({
  channel: 'x',
  to,
  subject: 's',
  text,
  language: 'vi',
  reference: 'reply/x/1',
});
const answering = (status: number, body: unknown) => {
  answer = (res) => {
    res.statusCode = status;
    res.end(JSON.stringify(body));
  };
};

describe('Zalo OA send API', () => {
  const zalo = () => createZaloProvider({ accessToken: 'oa-token', apiUrl: `${base}/` });

  it('posts a consultation message to the user with the OA access token', async () => {
    seen.length = 0;
    answering(200, { error: 0, message: 'Success', data: { message_id: 'zmid-1', user_id: 'u1' } });
    expect(await zalo().send(reply('u1', 'Đã đăng ký khiếu nại'))).toEqual({
      provider: 'zalo',
      providerMessageId: 'zmid-1',
      delivered: false,
    });
    expect(seen).toMatchObject([
      {
        method: 'POST',
        url: '/v3.0/oa/message/cs',
        headers: { access_token: 'oa-token', 'content-type': 'application/json' },
        body: { recipient: { user_id: 'u1' }, message: { text: 'Đã đăng ký khiếu nại' } },
      },
    ]);
  });

  it('takes a non-zero error (HTTP 200) as a refusal for good, and a 5xx as worth a retry', async () => {
    answering(200, { error: -213, message: 'User has not followed OA' });
    await expect(zalo().send(reply('u1', 'x'))).rejects.toBeInstanceOf(PermanentSendError);
    answering(503, { message: 'busy' });
    const failure = await zalo()
      .send(reply('u1', 'x'))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(PermanentSendError);
  });
});

describe('Messenger Send API', () => {
  const messenger = () => createMessengerProvider({ pageAccessToken: 'page-token', apiUrl: base });

  it('posts a RESPONSE message to the PSID with the Page access token, text cut at 2,000 characters', async () => {
    seen.length = 0;
    answering(200, { recipient_id: 'psid-1', message_id: 'm_1' });
    const sent = await messenger().send(reply('psid-1', 'ж'.repeat(2100)));
    expect(sent).toEqual({ provider: 'messenger', providerMessageId: 'm_1', delivered: false });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/me/messages?access_token=page-token',
      body: { recipient: { id: 'psid-1' }, messaging_type: 'RESPONSE' },
    });
    expect(seen[0]!.body.message.text).toHaveLength(2000);
  });

  it('refuses for good on a 4xx, and keeps the token out of the error', async () => {
    answering(400, { error: { message: '(#100) No matching user found', code: 100 } });
    const refused = await messenger()
      .send(reply('psid-x', 'x'))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentSendError);
    expect(String(refused)).toContain('No matching user found');
    expect(String(refused)).not.toContain('page-token');
    answering(429, { error: { message: 'throttled' } });
    await expect(messenger().send(reply('psid-x', 'x'))).rejects.not.toBeInstanceOf(PermanentSendError);
  });
});
