import { existsSync, mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '../../scripts/lib/ports';
import { startTestStack } from './stack';

/** Debian's Chromium (Playwright's own browser download is not used), and where screenshots go. */
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = '.data/screenshots';

/**
 * The portal for a browser test: the real stack with the Hono app served on a free port (its
 * public URL, so links and the Origin check agree), and a headless Chromium.
 */
export async function startPortal(
  options: {
    /** more configuration, once the portal's address is known (an identity provider's, say) */
    env?: (base: string) => Record<string, string> | Promise<Record<string, string>>;
  } = {},
) {
  if (!existsSync(CHROMIUM))
    throw new Error(`no ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stack = await startTestStack({ env: { ...(await options.env?.(base)), PUBLIC_URL: base } });
  const server = serve({ fetch: stack.app.fetch, hostname: '127.0.0.1', port });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
  return {
    stack,
    base,
    browser,
    async stop() {
      await browser.close();
      server.close();
      await stack.stop();
    },
  };
}

/** A full-page screenshot at desktop width and at a 390 px phone, as `<name>-desktop.png` / `-phone.png`. */
export async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}
