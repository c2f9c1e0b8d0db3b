import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config';
import { loadEkycTrustAnchors, loadSigningMaterial } from '../../lib/signing-material';
import { bundleWorkflows } from '../../worker/create-worker';
import { startNodeChild, supervise, type Supervised } from './supervisor';

type Log = Parameters<typeof supervise>[0]['log'] & { info: (message: string) => void };

/**
 * Worker i (from 0) of a stack: its SDK metrics on port + 2i and Seva's on port + 2i + 1 of
 * `WORKER_METRICS_ADDRESS`, so that N workers on one host never share a port.
 */
export function workerMetricsEnv(base: string | undefined, index: number): NodeJS.ProcessEnv {
  if (!base) return {};
  const at = base.lastIndexOf(':');
  return { WORKER_METRICS_ADDRESS: `${base.slice(0, at)}:${Number(base.slice(at + 1)) + 2 * index}` };
}

/** The banner's word on worker metrics and tracing. */
export function metricsNote(config: Config): string {
  const base = config.observability.workerMetricsAddress;
  const workers = base
    ? `; worker i: temporal_* on ${base} + 2i, seva_* on + 2i + 1`
    : '; worker metrics off (WORKER_METRICS_ADDRESS)';
  const traces = config.observability.otlp ? `; traces to ${config.observability.otlp.endpoint}` : '';
  return `${config.observability.metricsToken ? ' (bearer METRICS_TOKEN)' : ' (loopback only)'}${workers}${traces}`;
}

/**
 * The worker processes and the API process of a local stack (`npm start`, `npm run
 * stack:production`), each supervised. What they all read is made once before any of them
 * starts: the development signing material (two processes creating it at once would each make
 * their own) and the workflow bundle (each worker would otherwise spend seconds bundling).
 */
export async function startSevaChildren(options: {
  config: Config;
  dataDir: string;
  workers: number;
  /** the children's environment: TEMPORAL_ADDRESS, DATABASE_URL and the rest */
  env: NodeJS.ProcessEnv;
  log: Log;
}): Promise<{ api: Supervised; workers: Supervised[] }> {
  const { config, log } = options;
  await loadSigningMaterial(config.receipts);
  await loadEkycTrustAnchors(config.ekyc);
  log.info('bundling workflows');
  const bundlePath = join(options.dataDir, 'workflow-bundle.js');
  // with tracing on, the bundle carries the OpenTelemetry workflow interceptors
  writeFileSync(
    bundlePath,
    (await bundleWorkflows({ traced: config.observability.otlp !== undefined })).code,
  );
  const env = { ...options.env, WORKER_WORKFLOW_BUNDLE: bundlePath };

  log.info(`starting ${options.workers} worker process(es) and the API process`);
  const workers: Supervised[] = [];
  const [api] = await Promise.all([
    supervise({ name: 'API', log, start: (signal) => startNodeChild({ script: 'api.ts', env, signal }) }),
    ...Array.from({ length: options.workers }, async (_, i) => {
      const name = options.workers === 1 ? 'worker' : `worker ${i + 1}`;
      const nodeFlags = [`--max-semi-space-size=${config.worker.semiSpaceMb}`];
      const workerEnv = {
        ...env,
        ...workerMetricsEnv(config.observability.workerMetricsAddress, i),
        ...mallocArenaEnv(config.worker.mallocArenaMax, env),
      };
      workers.push(
        await supervise({
          name,
          log,
          start: (signal) => startNodeChild({ script: 'worker.ts', env: workerEnv, nodeFlags, signal }),
        }),
      );
    }),
  ]);
  return { api, workers };
}

/**
 * glibc reads MALLOC_ARENA_MAX when a process starts, so a launcher sets it for its workers
 * (WORKER_MALLOC_ARENA_MAX; 0 leaves glibc's own). One set in the environment by hand wins.
 */
export function mallocArenaEnv(arenas: number, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return arenas > 0 && !env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: String(arenas) } : {};
}
