import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/create-app';
import { createDatabase } from '../db/client';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createLogger } from '../lib/logger';
import { startEmbeddedPostgres, type LocalPostgres } from '../scripts/lib/embedded-postgres';
import { freePort } from '../scripts/lib/ports';
import { startTestStack, type TestStack } from './helpers/stack';

let stack: TestStack;
let dir: string;
let pg: LocalPostgres;

beforeAll(async () => {
  stack = await startTestStack({ worker: false });
  dir = mkdtempSync(join(tmpdir(), 'seva-readyz-'));
  chmodSync(dir, 0o755);
  pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort(), persistent: false });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('/healthz and /readyz', () => {
  it('is live without a token', async () => {
    const res = await stack.call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('goes not-ready when PostgreSQL goes down, and says which dependency', async () => {
    // Its own PostgreSQL, so stopping it leaves the shared one alone.
    const database = createDatabase(pg.url, { max: 2 });
    const config = stack.config;
    const app = createApp({
      config,
      db: database.db,
      temporal: stack.client,
      logger: createLogger(config),
      verifyToken: createTokenVerifier(config.auth),
      verifyReceipt: stack.verifyReceipt,
      ekycTrustAnchorsPem: stack.ekycTrustAnchorsPem,
    });
    try {
      const up = await app.request('/readyz');
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: 'ready', checks: { postgres: 'up', temporal: 'up' } });

      await pg.stop();
      const down = await app.request('/readyz');
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(await down.json()).toMatchObject({
        status: 503,
        checks: { postgres: 'down', temporal: 'up' },
        detail: 'unreachable: postgres',
      });
    } finally {
      await database.sql.end({ timeout: 1 }).catch(() => {});
    }
  });
});
