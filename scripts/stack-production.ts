/**
 * `npm run stack:production`: Seva laid out as a utility would deploy it, all on this machine —
 * the Temporal server on PostgreSQL (default store and advanced visibility, schemas by the
 * server's SQL tool), the Temporal UI server, the namespace and Seva's search attributes, then
 * STACK_WORKERS worker processes and one API process. PostgreSQL is DATABASE_URL, or an embedded
 * one in <DATA_DIR>/production/postgres. Everything is supervised (restarted when it crashes);
 * Ctrl-C stops it all. Binaries: `npm run temporal:provision-server` (built on first use).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config';
import { createCodecUiSecret } from '../lib/codec-ui-secret';
import { createLogger } from '../lib/logger';
import { failStart } from './lib/fail-start';
import { stopLeftovers } from './lib/leftovers';
import { assertPortFree } from './lib/ports';
import { metricsNote, startSevaChildren } from './lib/seva-children';
import { stopOnSignals } from './lib/seva-process';
import { cleanupList, supervise, databaseForStack } from './lib/supervisor';
import {
  pgTargetOf,
  registerNamespace,
  setupTemporalSchemas,
  startTemporalServer,
  startUiServer,
  temporalServerPorts,
  writeTemporalServerConfig,
} from './lib/temporal-server';
import { resolveTemporalServerTools } from './lib/temporal-server-tools';

async function main() {
  const config = loadConfig();
  const stack = config.productionStack;
  const log = createLogger(config, 'stack');
  const step = (message: string) => log.info(message);
  const cleanups = cleanupList(log);
  stopOnSignals(log, cleanups.runAll, 'stopping the production profile (Ctrl-C again to force)');

  const root = resolve(config.dataDir, 'production');
  mkdirSync(root, { recursive: true });
  for (const what of await stopLeftovers({ dataDir: root, temporal: false, postgres: !config.database.url }))
    log.warn(`stopped ${what}, left running by an earlier run that did not stop cleanly`);
  const ports = temporalServerPorts(stack.temporalPort);
  await assertPortFree(config.http.port, 'API', 'PORT');
  await assertPortFree(config.temporal.uiPort, 'Temporal UI server', 'TEMPORAL_UI_PORT');
  for (const [name, port] of Object.entries(ports))
    await assertPortFree(port, `Temporal server (${name})`, 'STACK_TEMPORAL_PORT');

  step('resolving the Temporal server, SQL tool and UI server (.tools/bin)');
  const { paths: tools } = await resolveTemporalServerTools({ toolsDir: '.tools', log: step });

  // 1. PostgreSQL: DATABASE_URL or the embedded one. Temporal's two databases live beside Seva's.
  const databaseUrl = await databaseForStack({ config, dir: join(root, 'postgres'), log, cleanups });
  const pg = pgTargetOf(databaseUrl);
  step(`Temporal schemas on PostgreSQL ${pg.host}:${pg.port} (temporal-sql-tool)`);
  await setupTemporalSchemas({
    sqlTool: tools.sqlTool,
    pg,
    database: stack.database,
    visibilityDatabase: stack.visibilityDatabase,
    log: step,
  });

  // 2. The Temporal server, its namespace and search attributes, and the UI server.
  const temporalRoot = join(root, 'temporal');
  writeTemporalServerConfig({
    root: temporalRoot,
    pg,
    database: stack.database,
    visibilityDatabase: stack.visibilityDatabase,
    historyShards: stack.historyShards,
    dbMaxConns: stack.dbMaxConns,
    visibilityDbMaxConns: stack.visibilityDbMaxConns,
    frontendPort: ports.frontend,
  });
  step(`starting the Temporal server (${stack.historyShards} history shards)`);
  const temporal = await supervise({
    name: 'Temporal server',
    log,
    start: (signal) =>
      startTemporalServer({
        signal,
        binary: tools.server,
        root: temporalRoot,
        frontendPort: ports.frontend,
        onLog: (line) => log.debug({ temporal: line }),
      }),
  });
  cleanups.add('Temporal server', temporal.stop);
  const temporalAddress = `127.0.0.1:${ports.frontend}`;
  await registerNamespace({
    address: temporalAddress,
    namespace: config.temporal.namespace,
    retentionDays: stack.retentionDays,
    log: step,
  });

  // In development the UI decodes payloads through the per-start secret path route, as with
  // `npm start`; in production it forwards its signed-in user's token to /codec.
  const codecUiSecret = config.env === 'production' ? undefined : createCodecUiSecret();
  const codec = codecUiSecret
    ? { endpoint: `${config.http.publicUrl}/codec/ui/${codecUiSecret}`, passAccessToken: false }
    : { endpoint: `${config.http.publicUrl}/codec`, passAccessToken: true };
  const ui = await supervise({
    name: 'Temporal UI server',
    log,
    start: (signal) =>
      startUiServer({
        signal,
        binary: tools.uiServer,
        root: join(root, 'ui'),
        port: config.temporal.uiPort,
        temporalAddress,
        namespace: config.temporal.namespace,
        codec,
        onLog: (line) => log.debug({ ui: line }),
      }),
  });
  cleanups.add('Temporal UI server', ui.stop);

  // 3. Seva: the workers and the API, as separate processes; the API applies migrations.
  const { api, workers } = await startSevaChildren({
    config,
    dataDir: root,
    workers: stack.workers,
    log,
    env: {
      // eslint-disable-next-line no-restricted-properties -- handing the environment on to the children, not reading config
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      DATABASE_URL: databaseUrl,
      TEMPORAL_UI_CODEC_SECRET: codecUiSecret ?? '',
      MIGRATE_ON_START: 'true',
    },
  });
  for (const worker of workers) cleanups.add(worker.name, worker.stop);
  cleanups.add('API', api.stop);

  const apiUrl = config.http.publicUrl;
  console.log(`
  Seva production profile is up.

    API              ${apiUrl}   (health ${apiUrl}/readyz)       pid ${api.pid()}
    Workers          ${workers.map((w) => `${w.name} pid ${w.pid()}`).join(', ')}   task queue "${config.temporal.taskQueue}"
    Metrics          ${config.http.publicUrl}/metrics${metricsNote(config)}
    Temporal server  ${temporalAddress} (gRPC), 127.0.0.1:${ports.frontendHttp} (HTTP)   pid ${temporal.pid()}
                     namespace "${config.temporal.namespace}", ${stack.historyShards} history shards, on PostgreSQL ${pg.host}:${pg.port} (${stack.database}, ${stack.visibilityDatabase})
    Temporal UI      http://127.0.0.1:${config.temporal.uiPort}   pid ${ui.pid()}
    Temporal CLI     .tools/bin/temporal workflow list --address ${temporalAddress} --query "OfficeId = 'sec-pattom'"
    Data             ${root}

  Everything is restarted when it crashes. Ctrl-C stops everything.
`);
}

main().catch(failStart('The production profile'));
