/**
 * `npm start`: the whole product on embedded defaults — Temporal dev server + UI, PostgreSQL,
 * migrations, demo data, then the worker(s) and the API as child processes (`scripts/worker.ts`,
 * `scripts/api.ts`, the same programs as `npm run worker` / `npm run api`), and a few demo
 * workflow runs. This process supervises all of them: whatever crashes is started again (with
 * backoff, logged), Temporal and PostgreSQL on the same data. Ctrl-C stops it all, in order.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { SA } from '../domain/search-attributes';
import { createCodecUiSecret } from '../lib/codec-ui-secret';
import { createLogger } from '../lib/logger';
import { connectClient, temporalAddress } from '../lib/temporal';
import type { pingWorkflow } from '../workflows/ping';
import { submitDemoRequests } from './lib/demo-requests';
import { failStart } from './lib/fail-start';
import { stopLeftovers, TEMPORAL_PID_FILE, writeStartPidFile } from './lib/leftovers';
import { assertPortFree } from './lib/ports';
import { metricsNote, startSevaChildren } from './lib/seva-children';
import { prepareDatabase, stopOnSignals } from './lib/seva-process';
import { cleanupList, supervise, databaseForStack } from './lib/supervisor';
import { demoPackFor } from './lib/demo-data';
import type { TDemoShowcase } from './lib/demo-packs';
import { resolveTemporalCli } from './lib/temporal-cli';
import { startTemporalDevServer } from './lib/temporal-dev-server';

async function main() {
  const config = loadConfig();
  const log = createLogger(config, 'start');
  const cleanups = cleanupList(log);
  const step = (message: string) => log.info(message);

  stopOnSignals(log, cleanups.runAll, 'stopping Seva (Ctrl-C again to force)');

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
    const secret = createCodecUiSecret();
    codecUiSecret = secret;
    step(`starting the Temporal dev server (${cliPath})`);
    const temporal = await supervise({
      name: 'Temporal dev server',
      log,
      start: async () => {
        const server = await startTemporalDevServer({
          cliPath,
          port: config.temporal.devPort,
          uiPort: config.temporal.uiPort,
          dbFile: join(dataDir, 'temporal.db'),
          namespace: config.temporal.namespace,
          uiCodecEndpoint: `${config.http.publicUrl}/codec/ui/${secret}`,
          pidFile: join(dataDir, TEMPORAL_PID_FILE),
          detached: true,
          onLog: (line) => log.debug({ temporal: line }),
        });
        uiUrl = server.uiUrl;
        return { pid: server.process.pid, exited: server.exited, stop: server.stop };
      },
    });
    cleanups.add('Temporal dev server', temporal.stop);
  }

  // 2. PostgreSQL: DATABASE_URL or the embedded server in .data/postgres.
  const databaseUrl = await databaseForStack({ config, dir: join(dataDir, 'postgres'), log, cleanups });
  step('applying migrations');
  await prepareDatabase(databaseUrl, config, step);

  // 3. The worker(s) and the API, each a process of its own, restarted when they crash.
  const { api, workers } = await startSevaChildren({
    config,
    dataDir,
    workers: config.processes.workers,
    log,
    env: {
      // eslint-disable-next-line no-restricted-properties -- handing the environment on to the children, not reading config
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress(config.temporal),
      DATABASE_URL: databaseUrl,
      TEMPORAL_UI_CODEC_SECRET: codecUiSecret ?? '',
      MIGRATE_ON_START: 'false',
    },
  });
  for (const worker of workers) cleanups.add(worker.name, worker.stop);
  cleanups.add('API', api.stop);

  const client = await connectClient(config);
  cleanups.add('Temporal client', () => client.connection.close());
  const localApi = `http://${config.http.host}:${config.http.port}`;
  let demoRequests: string[] = [];
  const showcase = demoPackFor(config.profile).showcase;
  if (config.demoData) {
    await startDemoRuns(client, config.temporal.taskQueue, showcase.pings);
    demoRequests = await submitDemoRequests((path, init) => fetch(`${localApi}${path}`, init), config);
  }

  const apiUrl = config.http.publicUrl;
  const { executive } = showcase;
  const pids = [`API ${api.pid()}`, ...workers.map((w) => `${w.name} ${w.pid()}`)].join(', ');
  console.log(`
  Seva is up: ${config.profile.shortName} (UTILITY_PROFILE=${config.profile.id}, ${config.profile.timeZone}, ${config.profile.currency}).

    Consumer portal  ${apiUrl}/                sign in with a demo consumer number, e.g. ${showcase.portalConsumer};
                     the one-time code is in the dev outbox (README: "The consumer portal")
    Staff console    ${apiUrl}/console         pick a demo person, e.g. ${executive.subject} (executive, ${executive.office})
    API              ${apiUrl}            (health ${apiUrl}/readyz)
    API reference    ${apiUrl}/docs       (OpenAPI ${apiUrl}/openapi.json)
    Temporal UI      ${uiUrl ?? '(external cluster: use its own UI)'}
    Temporal gRPC    ${temporalAddress(config.temporal)}   namespace "${config.temporal.namespace}", task queue "${config.temporal.taskQueue}"
    Temporal CLI     .tools/bin/temporal workflow list --address ${temporalAddress(config.temporal)}
    PostgreSQL       ${redact(databaseUrl)}
    Data             ${dataDir}
    Processes        ${pids} (pids; restarted when they crash)
    Metrics          ${apiUrl}/metrics${metricsNote(config)}

  Demo service requests: ${demoRequests.join(', ') || '(none)'}

  Try it:
    TOKEN=$(npm run -s token -- --role executive --office ${executive.office})
    curl -s ${apiUrl}/v1/work-items -H "authorization: Bearer $TOKEN"
    curl -s ${apiUrl}/v1/service-requests/${demoRequests[0] ?? '<RN>'} -H "authorization: Bearer $TOKEN"
    npm run -s channel -- sms "NP ${showcase.npConsumer}"          # a no-power complaint by SMS
    curl -s ${apiUrl}/v1/complaints -H "authorization: Bearer $TOKEN"

  Ctrl-C stops everything.
`);
}

async function startDemoRuns(client: Client, taskQueue: string, pings: TDemoShowcase['pings']) {
  for (const [i, ping] of pings.entries()) {
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

main().catch(failStart('Seva'));
