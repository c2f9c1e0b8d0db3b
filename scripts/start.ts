/**
 * `npm start`: the whole product on embedded defaults — Temporal dev server + UI, PostgreSQL,
 * migrations, demo data, worker, API and a few demo workflow runs. Ctrl-C stops it all.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createApp } from '../api/create-app';
import { ConfigError, loadConfig } from '../config';
import { syncCatalogue } from '../db/catalogue';
import { createDatabase, migrateDatabase } from '../db/client';
import { SA } from '../domain/search-attributes';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createCodecUiSecret } from '../lib/codec-ui-secret';
import { createContentPool } from '../lib/content-pool';
import { createLogger } from '../lib/logger';
import { connectClient, connectWorkerConnection, temporalAddress } from '../lib/temporal';
import { createActivityDeps } from '../worker/activity-deps';
import { bundleWorkflows, createWorker } from '../worker/create-worker';
import { ensureSchedules } from '../worker/schedules';
import { installTemporalRuntime } from '../worker/runtime';
import type { pingWorkflow } from '../workflows/ping';
import { loadDemoData } from './lib/demo-data';
import { submitDemoRequests } from './lib/demo-requests';
import { startEmbeddedPostgres } from './lib/embedded-postgres';
import { stopLeftovers, TEMPORAL_PID_FILE, writeStartPidFile } from './lib/leftovers';
import { assertPortFree } from './lib/ports';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';

const DEMO_PINGS = [
  { consumerNumber: '1154600000001', channel: 'web', message: 'Is my connection healthy?' },
  { consumerNumber: '1154700000002', channel: 'whatsapp', message: 'Testing WhatsApp intake' },
  { consumerNumber: '1552100000003', channel: 'sms', message: 'NP check' },
  { consumerNumber: '1560100000004', channel: 'ivr', message: 'Call centre line check' },
  { consumerNumber: '1161100000005', channel: 'email', message: 'E-mail intake check' },
] as const;

async function main() {
  const config = loadConfig();
  const log = createLogger(config, 'start');
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  const step = (message: string) => log.info(message);

  let stoppingSince = 0;
  const shutdown = async (signal: string) => {
    if (stoppingSince) {
      // npm forwards the terminal's Ctrl-C as well, so one keypress can arrive twice: only a
      // later, deliberate second Ctrl-C forces the exit.
      if (Date.now() - stoppingSince < 1500) return;
      log.warn('second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'stopping Seva (Ctrl-C again to force)');
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
        log.info(`stopped ${cleanup.name}`);
      } catch (error) {
        log.warn({ err: error }, `failed to stop ${cleanup.name}`);
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  installTemporalRuntime(log);
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // A start that was killed (kill -9, OOM) left its Temporal dev server and PostgreSQL running.
  const leftovers = await stopLeftovers({
    dataDir,
    temporal: !config.temporal.address,
    postgres: !config.database.url,
  });
  for (const what of leftovers)
    log.warn(`stopped ${what}, left running by an earlier start that did not stop cleanly`);
  const removeStartPidFile = writeStartPidFile(dataDir);
  process.once('exit', removeStartPidFile);
  await assertPortFree(config.http.port, 'API', 'PORT');

  // 1. Temporal: an existing cluster (TEMPORAL_ADDRESS) or the embedded dev server with its Web UI.
  let uiUrl: string | undefined;
  let codecUiSecret: string | undefined;
  if (!config.temporal.address) {
    await assertPortFree(config.temporal.devPort, 'Temporal gRPC', 'TEMPORAL_DEV_PORT');
    await assertPortFree(config.temporal.uiPort, 'Temporal Web UI', 'TEMPORAL_UI_PORT');
    step('resolving the Temporal CLI');
    const cliPath = await resolveTemporalCli({
      configured: config.temporal.cliPath,
      toolsDir: '.tools',
      log: step,
    });
    // The UI cannot send our bearer header, so its codec URL carries a secret made for this start
    // only; it opens /codec/ui/<secret>/{encode,decode} and nothing else (not a bearer token).
    codecUiSecret = createCodecUiSecret();
    step(`starting the Temporal dev server (${cliPath})`);
    const server = await startTemporalDevServer({
      cliPath,
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile: join(dataDir, 'temporal.db'),
      namespace: config.temporal.namespace,
      uiCodecEndpoint: `${config.http.publicUrl}/codec/ui/${codecUiSecret}`,
      pidFile: join(dataDir, TEMPORAL_PID_FILE),
      onLog: (line) => log.debug({ temporal: line }),
    });
    uiUrl = server.uiUrl;
    cleanups.push({ name: 'Temporal dev server', run: server.stop });
  }

  // 2. PostgreSQL: DATABASE_URL or the embedded server in .data/postgres.
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    await assertPortFree(config.database.embeddedPort, 'embedded PostgreSQL', 'EMBEDDED_POSTGRES_PORT');
    step('starting embedded PostgreSQL (first start runs initdb)');
    const pg = await startEmbeddedPostgres({
      dir: join(dataDir, 'postgres'),
      port: config.database.embeddedPort,
      onLog: (line) => log.debug({ postgres: line }),
    });
    databaseUrl = pg.url;
    cleanups.push({ name: 'PostgreSQL', run: pg.stop });
  }
  step('applying migrations');
  await migrateDatabase(databaseUrl);
  const database = createDatabase(databaseUrl, { max: config.database.poolMax });
  cleanups.push({ name: 'database pool', run: database.close });
  await syncCatalogue(database.db);
  if (config.demoData) {
    const counts = await loadDemoData(database.db);
    step(
      `demo data present: ${counts.offices} offices, ${counts.consumers} consumers, ${counts.bills} bills`,
    );
  }

  // 3. Worker and API.
  const workerConnection = await connectWorkerConnection(config);
  step('bundling workflows and starting the worker');
  const client = await connectClient(config);
  cleanups.push({ name: 'Temporal client', run: () => client.connection.close() });
  const { deps, verifyReceipt, ekycTrustAnchorsPem } = await createActivityDeps(config, database.db, client);
  const worker = await createWorker({
    config,
    connection: workerConnection,
    deps,
    workflowBundle: await bundleWorkflows(),
  });
  const workerRun = worker.run();
  cleanups.push({
    name: 'worker',
    run: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => {});
      await workerConnection.close();
    },
  });
  await ensureSchedules(client, config);
  step('schedules in place (housekeeping hourly)');
  workerRun.catch((error: unknown) => {
    log.error({ err: error }, 'worker stopped with an error');
    void shutdown('worker-error');
  });

  const contentPool = createContentPool();
  cleanups.push({ name: 'content workers', run: () => contentPool.close() });
  const app = createApp({
    config,
    db: database.db,
    temporal: client,
    logger: createLogger(config, 'api'),
    verifyToken: createTokenVerifier(config.auth),
    verifyReceipt,
    ekycTrustAnchorsPem,
    codecUiSecret,
    contentPool,
  });
  const server = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port });
  cleanups.push({ name: 'API', run: () => new Promise((r) => server.close(() => r(undefined))) });

  let demoRequests: string[] = [];
  if (config.demoData) {
    await startDemoRuns(client, config.temporal.taskQueue);
    demoRequests = await submitDemoRequests(app.request.bind(app), config);
  }

  const api = config.http.publicUrl;
  console.log(`
  Seva is up.

    API              ${api}            (health ${api}/readyz)
    API reference    ${api}/docs       (OpenAPI ${api}/openapi.json)
    Temporal UI      ${uiUrl ?? '(external cluster: use its own UI)'}
    Temporal gRPC    ${temporalAddress(config.temporal)}   namespace "${config.temporal.namespace}", task queue "${config.temporal.taskQueue}"
    Temporal CLI     .tools/bin/temporal workflow list --address ${temporalAddress(config.temporal)}
    PostgreSQL       ${redact(databaseUrl)}
    Data             ${dataDir}

  Demo service requests: ${demoRequests.join(', ') || '(none)'}

  Try it:
    TOKEN=$(npm run -s token -- --role executive --office sec-pattom)
    curl -s ${api}/v1/work-items -H "authorization: Bearer $TOKEN"
    curl -s ${api}/v1/service-requests/${demoRequests[0] ?? '<RN>'} -H "authorization: Bearer $TOKEN"
    npm run -s channel -- sms "NP 1154600000001"          # a no-power complaint by SMS
    curl -s ${api}/v1/complaints -H "authorization: Bearer $TOKEN"

  Ctrl-C stops everything.
`);
}

async function startDemoRuns(client: Client, taskQueue: string) {
  for (const [i, ping] of DEMO_PINGS.entries()) {
    try {
      await client.workflow.start<typeof pingWorkflow>('pingWorkflow', {
        workflowId: `ping-demo-${String(i + 1).padStart(4, '0')}`,
        taskQueue,
        args: [{ ...ping, requestedBy: 'demo' }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.ConsumerNumber, value: ping.consumerNumber },
          { key: SA.RequestType, value: 'ping' },
          { key: SA.Channel, value: ping.channel },
          { key: SA.RequestStatus, value: 'running' },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Seva failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
