/**
 * `npm run api`: the Seva HTTP API (and the consumer portal) as a process of its own, against
 * TEMPORAL_ADDRESS and DATABASE_URL (defaults: what `npm start` runs). Applies migrations, the
 * catalogue and demo data at start under an advisory lock (MIGRATE_ON_START=false leaves that to
 * `npm run migrate`). Runs no workflows: start `npm run worker` too.
 */
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from '../api/create-app';
import { loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { createTokenVerifier } from '../lib/auth-tokens';
import { createContentPool } from '../lib/content-pool';
import { createLogger } from '../lib/logger';
import { createApiMetrics } from '../lib/metrics';
import { installTracing } from '../lib/tracing';
import { createWorkflowRelay } from '../lib/workflow-relay';
import { connectClient, temporalAddress } from '../lib/temporal';
import { createActivityDeps } from '../worker/activity-deps';
import { failStart } from './lib/fail-start';
import { databaseUrlOf, prepareDatabase, stopOnSignals, tellSupervisorReady } from './lib/seva-process';

async function main() {
  const config = loadConfig();
  const log = createLogger(config, 'api');
  const databaseUrl = databaseUrlOf(config);
  if (config.processes.migrateOnStart) {
    await prepareDatabase(databaseUrl, config, (m) => log.info(m));
    log.info('migrations applied');
  }
  // OTEL_EXPORTER_OTLP_ENDPOINT: spans from each request through its workflow to its activities
  const tracing = await installTracing(config, 'seva-api');
  const database = createDatabase(databaseUrl, { max: config.database.poolMax });
  const client = await connectClient(config, { traced: tracing !== undefined });
  const { verifyReceipt, ekycTrustAnchorsPem } = await createActivityDeps(config, database.db, client);
  const contentPool = createContentPool();
  const metrics = createApiMetrics({ processMetrics: true });
  // Starts the workflows the intake promised (the workflow inbox): its own, from memory at once, and
  // every API's that died or backed off, by polling. N APIs share the inbox (leases, SKIP LOCKED).
  const relay = createWorkflowRelay({ db: database.db, temporal: client, config, logger: log, metrics });
  relay.start();
  const app = createApp({
    config,
    db: database.db,
    temporal: client,
    logger: log,
    verifyToken: createTokenVerifier(config.auth),
    verifyReceipt,
    ekycTrustAnchorsPem,
    codecUiSecret: config.temporal.uiCodecSecret,
    contentPool,
    metrics,
    tracer: tracing?.tracer,
    relay,
  });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.http.host });
  await new Promise<void>((resolveListening, reject) => {
    server.once('listening', resolveListening);
    server.once('error', reject);
    // HTTP_REUSE_PORT: N API processes on one host share the port
    server.listen({ port: config.http.port, host: config.http.host, reusePort: config.http.reusePort });
  });
  stopOnSignals(log, async () => {
    await new Promise((r) => server.close(() => r(undefined)));
    await relay.stop();
    await contentPool.close();
    await client.connection.close();
    await database.close();
    await tracing?.shutdown();
  });
  log.info(
    {
      pid: process.pid,
      url: config.http.publicUrl,
      temporal: temporalAddress(config.temporal),
      namespace: config.temporal.namespace,
      metrics: `${config.http.publicUrl}/metrics`,
      tracing: config.observability.otlp?.endpoint ?? 'off',
    },
    'API listening',
  );
  tellSupervisorReady();
}

main().catch(failStart('API'));
