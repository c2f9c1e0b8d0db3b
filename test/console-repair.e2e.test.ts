import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../scripts/lib/ports';
import { consoleMessages } from '../web/console/messages';
import { shoot, startPortal } from './helpers/portal-browser';
import type { TestStack } from './helpers/stack';
import { waitFor } from './helpers/wait';
import { signedChannelWebhook } from './helpers/channel-webhook';

/**
 * The repair page in a real browser: an operator opens a complaint whose SMS reply keeps failing
 * (the gateway is down), sees the activity and the gateway's answer, retries it once the gateway
 * is back, terminates another with a reason, and reads the log. Consumers of sec-vyttila 15–16 are
 * this file's own.
 */
const OPS = 'ops-ekm';
const en = (key: string, values?: Record<string, string | number>) =>
  consoleMessages.format('en', key, values);

let stack: TestStack;
let base: string;
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
let gateway: Server;
let gatewayDown = true;

beforeAll(async () => {
  const port = await freePort();
  gateway = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(gatewayDown ? 503 : 202, { 'content-type': 'application/json' });
      res.end(gatewayDown ? '{"error":"upstream SMSC unreachable"}' : '{"message":{"id":"gw-1"}}');
    });
  });
  await new Promise<void>((r) => gateway.listen(port, '127.0.0.1', r));
  portal = await startPortal({
    env: () => ({
      MESSAGING_URL: `http://127.0.0.1:${port}/messages`,
      MESSAGING_PAYLOAD_TEMPLATE: '{"channel":"{{channel}}","to":"{{to}}","text":"{{text}}"}',
      MESSAGING_ID_FIELD: 'message.id',
    }),
  });
  ({ stack, base, browser } = portal);
}, 120_000);
afterAll(async () => {
  await portal?.stop();
  gateway?.close();
});

async function stuckComplaint(consumerNumber: string) {
  const messageId = `console-repair-${consumerNumber}-${Date.now()}`;
  const raw = JSON.stringify({ messageId, from: '+919400011099', text: `NP ${consumerNumber}` });
  const at = new Date();
  const res = await stack.call('POST', '/v1/webhooks/sms', {
    body: raw,
    headers: {
      ...signedChannelWebhook(`wh-${messageId}`, at, raw),
    },
  });
  expect(res.status, res.text).toBeLessThan(300);
  const rn = res.json.requestNumber as string;
  const ops = await stack.token({ role: 'ops', office: 'circle-ekm' });
  await waitFor(
    () => stack.call('GET', `/v1/repair/requests/${rn}`, { token: ops }),
    (r) => r.json?.pendingActivities?.some((a: any) => a.type === 'sendChannelReply' && a.lastFailure),
    30_000,
  );
  return rn;
}

describe('repair in the console', () => {
  it('an operator finds a stuck complaint, retries its reply, terminates another, and reads the log', async () => {
    const [first, second] = await Promise.all([
      stuckComplaint('1552200000015'),
      stuckComplaint('1552200000016'),
    ]);

    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto(`${base}/console/sign-in`);
    await page.getByLabel(en('signIn.demoUser')).selectOption(OPS);
    await page.getByRole('button', { name: en('signIn.submit') }).click();
    await page.waitForURL(/\/console\//);
    if ((await page.locator('html').getAttribute('lang')) !== 'en') {
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang="en"]').waitFor();
    }
    await page.getByRole('link', { name: en('layout.repair') }).click();
    await page.waitForURL(`${base}/console/repair`);

    // A malformed number is refused next to the field.
    await page.getByLabel(en('repair.find')).fill('CR-2026-1');
    await page.getByRole('button', { name: en('repair.open') }).click();
    await expect
      .poll(() => page.locator('.field-error').textContent())
      .toContain('not a valid Request Number');

    await page.getByLabel(en('repair.find')).fill(first);
    await page.getByRole('button', { name: en('repair.open') }).click();
    const row = page.locator('tr[data-activity="sendChannelReply"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('gateway error 503');
    expect(await page.locator('h1').textContent()).toBe(en('repair.one', { rn: first }));
    await shoot(page, 'console-repair-stuck');

    // The gateway is back: retry now, with a reason. It comes back as the form is sent, and not
    // just before the activity's own next attempt: an attempt that went through on its own would
    // leave nothing to retry (the page then says so, which is right, but not what this tests).
    await row.getByLabel(en('repair.reason')).fill('SMS gateway restored after the SMSC outage');
    const ops = await stack.token({ role: 'ops', office: 'circle-ekm' });
    await waitFor(
      () => stack.call('GET', `/v1/repair/requests/${first}`, { token: ops }),
      (r) =>
        r.json?.pendingActivities?.some(
          (a: any) =>
            a.type === 'sendChannelReply' && a.nextAttemptAt && Date.parse(a.nextAttemptAt) - Date.now() > 3_000,
        ),
      30_000,
    );
    await page.route('**/console/repair/*/retry', async (route) => {
      gatewayDown = false;
      await route.continue();
    });
    await row.getByRole('button', { name: en('repair.do-retry') }).click();
    await page.locator('#done').waitFor();
    expect(await page.locator('#done').textContent()).toBe(en('repair.done-retry'));
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('tr[data-activity="sendChannelReply"]').count();
        },
        { timeout: 20_000 },
      )
      .toBe(0);
    const log = page.locator('.c-repair-log');
    expect(await log.textContent()).toContain('SMS gateway restored after the SMSC outage');
    expect(await log.textContent()).toContain(OPS);
    await shoot(page, 'console-repair-retried');

    // The second one is given up: terminated with a reason.
    await page.getByLabel(en('repair.find')).fill(second);
    await page.getByRole('button', { name: en('repair.open') }).click();
    const stop = page.locator('section[aria-labelledby="stop"]');
    await stop.waitFor();
    await stop
      .locator('form[action$="/terminate"]')
      .getByLabel(en('repair.reason'))
      .fill('duplicate report, consumer called back');
    await stop.getByRole('button', { name: en('repair.do-terminate') }).click();
    await page.locator('#done').waitFor();
    expect(await page.locator('#done').textContent()).toBe(en('repair.done-terminate'));
    expect(await page.locator('section[aria-labelledby="workflow"]').textContent()).toContain(
      en('repair.status-terminated'),
    );
    await shoot(page, 'console-repair-terminated');

    // A form without its CSRF token is refused; a reason of spaces is refused next to the field.
    const csrf = (await page.locator('input[name="_csrf"]').first().getAttribute('value'))!;
    const forged = await page.request.post(`${base}/console/repair/${first}/terminate`, {
      form: { reason: 'no token' },
      headers: { origin: base },
    });
    expect(forged.status()).toBe(403);
    const blank = await page.request.post(`${base}/console/repair/${first}/cancel`, {
      form: { _csrf: csrf, reason: '   ', form: 'cancel' },
      headers: { origin: base },
    });
    expect(blank.status()).toBe(400);

    // The same page in Malayalam.
    await page.goto(`${base}/console/repair?rn=${first}`);
    await page.getByRole('button', { name: 'മലയാളം' }).click();
    await page.locator('html[lang="ml"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe(
      consoleMessages.format('ml', 'repair.one', { rn: first }),
    );
    await shoot(page, 'console-repair-ml');
    await context.close();

    // An executive has no repair link and is refused the page.
    const exec = await browser.newContext();
    const execPage = await exec.newPage();
    await execPage.goto(`${base}/console/sign-in`);
    await execPage.getByLabel(en('signIn.demoUser')).selectOption('exec-vyttila');
    await execPage.getByRole('button', { name: en('signIn.submit') }).click();
    await execPage.waitForURL(/\/console\//);
    expect(await execPage.locator('a[href="/console/repair"]').count()).toBe(0);
    const refused = await execPage.goto(`${base}/console/repair`);
    expect(refused?.status()).toBe(403);
    await exec.close();
  }, 180_000);
});
