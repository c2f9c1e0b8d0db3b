import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEV_RECEIPT_PASSPHRASE, loadConfig } from '../config';
import { syncCatalogue } from '../db/catalogue';
import { loadEkycTrustAnchors, loadSigningMaterial } from '../lib/signing-material';
import { createDatabase, migrateDatabase } from '../db/client';
import { loadDemoData } from '../scripts/lib/demo-data';
import { startEmbeddedPostgres } from '../scripts/lib/embedded-postgres';
import { freePort } from '../scripts/lib/ports';
import { resolveTemporalCli } from '../scripts/lib/temporal-cli';
import { startTemporalDevServer } from '../scripts/lib/temporal-dev-server';
import { bundleWorkflows } from '../worker/create-worker';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    temporalCliPath: string;
    keysDir: string;
  }
}

/**
 * One real Temporal dev server (in-memory, headless, free port) and one real PostgreSQL
 * (embedded, temp dir, free port) for the whole run; migrations and demo data applied once;
 * the workflow bundle built once. Never touches 3000/7233/8233, so `npm start` can stay up.
 */
export default async function setup(project: TestProject) {
  const log = (m: string) => console.log(`[test-setup] ${m}`);
  // The suite runs on the Node the project pins (devDependencies.node), never the machine's own.
  const pinned = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }
  ).devDependencies.node;
  log(`Node ${process.version} (pinned ${pinned})`);
  if (process.versions.node !== pinned)
    throw new Error(
      `the tests run on Node ${process.version}, not the pinned ${pinned}: run them with npm test`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'seva-test-'));
  chmodSync(tmp, 0o755); // as root, Postgres runs as the 'postgres' user and must reach its data dir
  const temporalCliPath = await resolveTemporalCli({
    configured: loadConfig().temporal.cliPath,
    toolsDir: '.tools',
    log,
  });

  const [temporal, postgres] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ cliPath: temporalCliPath, port })),
    freePort().then((port) => startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: false })),
  ]);
  await migrateDatabase(postgres.url);
  const database = createDatabase(postgres.url, { max: 2 });
  await loadDemoData(database.db);
  await syncCatalogue(database.db);
  await database.close();

  // One development CA and receipt-signing certificate for the whole run.
  const keysDir = join(tmp, 'keys');
  await loadSigningMaterial({
    p12Path: join(keysDir, 'receipt-signing.p12'),
    trustAnchorsPath: join(keysDir, 'receipt-trust-anchors.pem'),
    passphrase: DEV_RECEIPT_PASSPHRASE,
    organisation: 'Seva Test Utility',
    createIfMissing: true,
  });
  await loadEkycTrustAnchors({
    trustAnchorsPath: join(keysDir, 'ekyc-trust-anchors.pem'),
    createIfMissing: true,
  });

  const bundle = await bundleWorkflows();
  const workflowBundlePath = join(tmp, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', postgres.url);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalCliPath', temporalCliPath);
  project.provide('keysDir', keysDir);
  log(`Temporal ${temporal.address}, PostgreSQL ${postgres.url.replace(/:[^:@/]+@/, ':***@')}`);

  return async () => {
    await temporal.stop();
    await postgres.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
}
